"""Published test vectors 1-8 of shared/research/statistics.md.

Each assertion is pinned to the precision at which the value was published;
the comment above it is the call that produced the reference value.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.stats import (
    benjamini_hochberg,
    brunner_munzel,
    cronbach_alpha,
    holm,
    mann_whitney,
    mcnemar,
    mcnemar_midp,
    minimum_detectable_effect,
    newcombe_difference,
    partially_overlapping_t,
    partially_overlapping_z,
    split_stacked,
    wilcoxon_pratt,
)

DATA = Path(__file__).parent / "data"


def close(value: float, published: float, decimals: int) -> bool:
    """True when ``value`` agrees with ``published`` to the published decimals."""
    return abs(value - published) <= 0.5 * 10.0**-decimals + 1e-12


# --- Vector 1: partially overlapping t (Derrick, Toher & White 2017) --------
A_UNPAIRED = [20, 21, 16, 18, 14, 12, 14, 17]
A_PAIRED = [14, 15, 18, 20, 11, 19, 14, 15]
B_UNPAIRED = [10, 16, 18, 16, 15, 14, 13, 10]
B_PAIRED = [15, 10, 15, 17, 13, 19, 12, 13]


def partover(equal_var: bool) -> pd.Series:
    # R reports mean(a) - mean(b); with a as the follow-up wave the signs agree.
    return partially_overlapping_t(
        B_UNPAIRED, A_UNPAIRED, B_PAIRED, A_PAIRED, equal_var=equal_var
    ).iloc[0]


def test_vector1_partially_overlapping_t_pooled() -> None:
    result = partover(equal_var=True)
    # R: Partiallyoverlapping::Partover.test(a.unpaired, b.unpaired, a.paired, b.paired,
    #      var.equal = TRUE, conf.level = 0.95)  -> p.value = 0.026 (published)
    assert close(result["p_value"], 0.026, 3)
    # Recomputed (statistics.md): t = 2.42075, df = 18.5, p = 0.025968, estimate 2.0,
    # r = 0.68680, 95 % CI (0.2676, 3.7324)
    assert close(result["statistic"], 2.42075, 5)
    assert result["df"] == pytest.approx(18.5)
    assert close(result["p_value"], 0.025968, 6)
    assert result["difference"] == pytest.approx(2.0)
    assert close(result["r"], 0.68680, 5)
    assert close(result["ci_low"], 0.2676, 4)
    assert close(result["ci_high"], 3.7324, 4)
    assert result["variant"] == "T_new1"


def test_vector1_partially_overlapping_t_welch() -> None:
    result = partover(equal_var=False)
    # R: Partover.test(a.unpaired, b.unpaired, a.paired, b.paired, var.equal = FALSE,
    #      conf.level = 0.95)  -> t = 2.41910, df = 18.4223, p = 0.026104, CI (0.2659, 3.7341)
    assert close(result["statistic"], 2.41910, 5)
    assert close(result["df"], 18.4223, 4)
    assert close(result["p_value"], 0.026104, 6)
    assert close(result["ci_low"], 0.2659, 4)
    assert close(result["ci_high"], 3.7341, 4)
    assert result["variant"] == "T_new2"


def test_vector1_stacked_form_gives_the_same_test() -> None:
    # R: Partover.test(a, b, var.equal = TRUE, stacked = TRUE)  (Approach 2 of the R help)
    a = A_UNPAIRED + [np.nan] * 8 + A_PAIRED
    b = [np.nan] * 8 + B_UNPAIRED + B_PAIRED
    parts = split_stacked(b, a)
    stacked = partially_overlapping_t(*parts, equal_var=True).iloc[0]
    assert stacked["statistic"] == pytest.approx(partover(equal_var=True)["statistic"])


# --- Vector 2: partially overlapping z for proportions ----------------------
def test_vector2_partially_overlapping_z() -> None:
    a = [1] * 9 + [0] * 6 + [1, 1, 1, 1, 1, 0, 0, 0, 0] + [np.nan] * 6
    b = [1] * 8 + [0, 1, 1, 1, 0, 0, 0] + [np.nan] * 9 + [1] * 6
    result = partially_overlapping_z(*split_stacked(a, b)).iloc[0]
    assert (result["n_pairs"], result["n_baseline"], result["n_follow_up"]) == (15, 24, 21)
    assert result["p_baseline"] == pytest.approx(14 / 24)
    assert result["p_follow_up"] == pytest.approx(17 / 21)
    # R: Partiallyoverlapping::Prop.test(a, b, stacked = TRUE, conf.level = .95)
    #      -> p.value = 0.053 (published)
    assert close(result["p_value"], 0.053, 3)
    # Recomputed: z = -1.93674, p = 0.052777 for p_a - p_b; here a is the baseline, so
    # the difference p_b - p_a has the opposite sign. (R's interval, (-0.45509, 0.00271),
    # uses the pooled null SE; the interval here does not, see
    # test_partially_overlapping_z_interval_is_unpooled_and_clipped.)
    assert close(result["statistic"], 1.93674, 5)
    assert close(result["p_value"], 0.052777, 6)
    assert close(result["ci_low"], 0.007012, 6)
    assert close(result["ci_high"], 0.445369, 6)


# --- Vector 3: Wilcoxon signed rank (Hollander & Wolfe) --------------------
def test_vector3_wilcoxon() -> None:
    x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    result = wilcoxon_pratt(baseline=y, follow_up=x).iloc[0]
    # R: wilcox.test(x, y, paired = TRUE, alternative = "greater")  -> V = 40, p = 0.01953
    assert result["w_plus"] == 40
    # one-sided p is half the two-sided p of this symmetric exact distribution
    assert close(result["p_value"] / 2, 0.01953, 5)
    # R: wilcox.test(x, y, paired = TRUE)  -> p-value = 0.03906 (= 20/512 = 0.0390625)
    assert result["p_value"] == pytest.approx(0.0390625, abs=1e-12)
    assert result["n_pairs"] == 9


# --- Vector 4: McNemar (Agresti) --------------------------------------------
def test_vector4_mcnemar_from_counts() -> None:
    # R: Performance <- matrix(c(794, 86, 150, 570), nrow = 2); mcnemar.test(Performance)
    #      -> McNemar's chi-squared = 16.818, p = 4.115e-05 (with continuity correction)
    # Recomputed: mcnemar.test(Performance, correct = FALSE) -> 17.356, p = 3.099e-05;
    # exact binom.test(86, 236)$p.value = 3.716e-05; mid-p 2.893e-05.
    result = mcnemar_midp(86, 150).iloc[0]
    assert close(result["statistic"], 17.356, 3)
    assert close(result["p_exact"], 3.716e-05, 8)
    assert close(result["p_value"], 2.893e-05, 8)
    # our statistic is the uncorrected one; its chi-square p is the recomputed 3.099e-05
    from scipy import stats

    assert close(stats.chi2.sf(result["statistic"], 1), 3.099e-05, 8)
    # the corrected statistic of R's default from the same counts
    assert close((abs(86 - 150) - 1) ** 2 / (86 + 150), 16.818, 3)


def test_vector4_mcnemar_from_answers() -> None:
    # rows: first survey (approve = 1), columns: second survey; b = 150, c = 86
    cells = {(1, 1): 794, (1, 0): 150, (0, 1): 86, (0, 0): 570}
    before = np.concatenate([np.full(n, first) for (first, _), n in cells.items()])
    after = np.concatenate([np.full(n, second) for (_, second), n in cells.items()])
    result = mcnemar(before, after).iloc[0]
    assert (result["b"], result["c"], result["n_pairs"]) == (150, 86, 1600)
    assert result["difference"] == pytest.approx((86 - 150) / 1600)
    # same recomputed values as above: chi-square 17.356, mid-p 2.893e-05
    assert close(result["statistic"], 17.356, 3)
    assert close(result["p_value"], 2.893e-05, 8)


# --- Vector 5: Newcombe (1998) method 10 ------------------------------------
@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        # Newcombe 1998, Table II, method 10 (p1 - p2 for "x1/n1 vs x2/n2")
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
    ],
)
def test_vector5_newcombe(x1: int, n1: int, x2: int, n2: int, low: float, high: float) -> None:
    # The paper's p1 - p2 is our follow_up - baseline with (x1, n1) as the follow-up.
    # statsmodels: confint_proportions_2indep(x1, n1, x2, n2, method="newcomb")
    result = newcombe_difference(x2, n2, x1, n1).iloc[0]
    assert close(result["ci_low"], low, 4)
    assert close(result["ci_high"], high, 4)


# --- Vector 6: Cronbach's alpha with missing data ---------------------------
@pytest.fixture
def cronbach_wide_missing() -> pd.DataFrame:
    # pingouin.read_dataset("cronbach_wide_missing"): 12 rows x 11 binary items
    return pd.read_csv(DATA / "cronbach_wide_missing.csv")


def test_vector6_dataset_shape(cronbach_wide_missing: pd.DataFrame) -> None:
    assert cronbach_wide_missing.shape == (12, 11)
    assert int(cronbach_wide_missing.isna().sum().sum()) == 4


def test_vector6_cronbach_pairwise(cronbach_wide_missing: pd.DataFrame) -> None:
    result = cronbach_alpha(cronbach_wide_missing).iloc[0]
    # pingouin: pg.cronbach_alpha(data=data)  -> (0.732661, array([0.435, 0.909]))
    # (R: psych::alpha(data, use = "pairwise"))
    assert close(result["alpha"], 0.732661, 6)
    # pingouin's interval takes n = 12 rows; the covariances rest on fewer. The 4 missing
    # cells (row 3: Q1 and Q5; row 6: Q3; row 10: Q9) leave, of the 55 item pairs, 21
    # answered by 12, 29 by 11 and 5 by 10 respondents: harmonic mean
    # n = 55 / (21/12 + 29/11 + 5/10) = 11.255814. Feldt by hand:
    # 1 - (1 - 0.732661) * qf(c(.975, .025), n - 1, (n - 1) * 10) -> 0.422258, 0.913633
    assert close(result["n"], 11.255814, 6)
    assert result["n_items"] == 11
    assert close(result["ci_low"], 0.422258, 6)
    assert close(result["ci_high"], 0.913633, 6)


def test_vector6_cronbach_listwise(cronbach_wide_missing: pd.DataFrame) -> None:
    result = cronbach_alpha(cronbach_wide_missing, nan_policy="listwise").iloc[0]
    # pingouin: pg.cronbach_alpha(data=data, nan_policy="listwise")  -> alpha 0.801695
    # (R: psych::alpha(data, use = "complete.obs"))
    assert close(result["alpha"], 0.801695, 6)
    # statistics.md: Feldt interval with the n = 9 complete rows -> [0.533, 0.947]
    # (pingouin prints [0.581, 0.933] because it keeps n = 12 after dropping rows)
    assert result["n"] == 9
    assert close(result["ci_low"], 0.533, 3)
    assert close(result["ci_high"], 0.947, 3)


def test_vector6_cronbach_median_imputed(cronbach_wide_missing: pd.DataFrame) -> None:
    data = cronbach_wide_missing.fillna(cronbach_wide_missing.median())
    result = cronbach_alpha(data).iloc[0]
    # pingouin: pg.cronbach_alpha(data=data.fillna(data.median()))
    #      -> (0.738019, array([0.447, 0.911]))  (a check that the dataset is the right one)
    assert close(result["alpha"], 0.738019, 6)
    assert close(result["ci_low"], 0.447, 3)
    assert close(result["ci_high"], 0.911, 3)


# --- Vector 7: Brunner-Munzel (SciPy documentation) -------------------------
X1 = [1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 1, 1]
X2 = [3, 3, 4, 3, 1, 2, 3, 1, 1, 5, 4]


def test_vector7_brunner_munzel() -> None:
    result = brunner_munzel(baseline=X1, follow_up=X2).iloc[0]
    # SciPy docs: stats.brunnermunzel(x1, x2)  -> W = 3.1374674823029505,
    #      p = 0.0057862086661515377
    assert close(result["statistic"], 3.1374674823, 10)
    assert close(result["p_value"], 0.0057862087, 10)
    # Recomputed: P(x1 > x2) + 0.5 P(tie) = 0.21104, so P(x2 > x1) + 0.5 P(tie) = 0.78896
    assert close(1 - result["prob_superiority"], 0.21104, 5)
    # R: brunnermunzel::brunnermunzel.test(Y, N) with Y = x1, N = x2 (package help)
    #      -> df = 17.683, 95 % CI 0.5952169 0.9827052, estimate 0.788961
    assert close(result["df"], 17.683, 3)
    assert close(result["ps_ci_low"], 0.5952169, 7)
    assert close(result["ps_ci_high"], 0.9827052, 7)
    assert close(result["prob_superiority"], 0.788961, 6)


def test_vector7_brunner_munzel_interval_is_clipped() -> None:
    x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    result = brunner_munzel(baseline=x, follow_up=y).iloc[0]
    # R: brunnermunzel::brunnermunzel.test(x, y) (package help)
    #      -> statistic = -1.4673, df = 15.147, p = 0.1628,
    #         CI -0.02962941 0.59753064, estimate 0.2839506
    assert close(result["statistic"], -1.4673, 4)
    assert close(result["df"], 15.147, 3)
    assert close(result["p_value"], 0.1628, 4)
    assert close(result["prob_superiority"], 0.2839506, 7)
    assert result["ps_ci_low"] == 0.0  # R's -0.0296 clipped to [0, 1]
    assert close(result["ps_ci_high"], 0.59753064, 8)


def test_vector7_mann_whitney() -> None:
    result = mann_whitney(baseline=X1, follow_up=X2).iloc[0]
    # R: wilcox.test(x1, x2)  -> W = 32.5, p-value = 0.007741 (recomputed: U = 32.5, p = 0.00774)
    u_baseline = result["n_baseline"] * result["n_follow_up"] - result["statistic"]
    assert u_baseline == 32.5
    assert close(result["p_value"], 0.00774, 5)
    assert close(1 - result["prob_superiority"], 0.21104, 5)


# --- Vector 8: Benjamini & Hochberg (1995) ----------------------------------
BH_1995 = [
    0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
    0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0,
]  # fmt: skip


def test_vector8_benjamini_hochberg_rejects_four() -> None:
    # Benjamini & Hochberg 1995, section 4: BH rejects 4 hypotheses at q = 0.05
    # (R: sum(p.adjust(p, "BH") <= 0.05) == 4)
    assert int(np.sum(benjamini_hochberg(BH_1995) <= 0.05)) == 4


def test_vector8_holm_and_bonferroni_reject_three() -> None:
    # Same paper: Holm and Bonferroni reject 3
    # (R: sum(p.adjust(p, "holm") <= 0.05) == 3; sum(p.adjust(p, "bonferroni") <= 0.05) == 3)
    assert int(np.sum(holm(BH_1995) <= 0.05)) == 3
    assert int(np.sum(np.minimum(np.array(BH_1995) * len(BH_1995), 1) <= 0.05)) == 3


# --- Planning examples ------------------------------------------------------
@pytest.mark.parametrize(
    ("n_pairs", "rho", "published"),
    [(0, 0.0, 0.40), (40, 0.5, 0.35), (60, 0.7, 0.30)],
)
def test_minimum_detectable_effect_examples(n_pairs: int, rho: float, published: float) -> None:
    # statistics.md: 100 per wave, two-sided 5 %, power 80 %, in SD units:
    # no links -> 0.40; 40 % linked, rho = .5 -> 0.35; 60 % linked, rho = .7 -> 0.30
    mde = minimum_detectable_effect(100, 100, sd=1.0, n_pairs=n_pairs, rho=rho)
    assert close(mde, published, 2)
