"""Pure statistical functions for comparing a baseline and a follow-up survey.

Each test takes array-likes (NaN or None = missing, dropped) and returns a
one-row pandas DataFrame with the estimate, interval, statistic and p-value
side by side, so results of many tests concatenate into one table. Every
difference is follow-up minus baseline. No I/O, no Flask.
"""

from ._common import split_stacked
from .effsize import cohen_dz, hedges_g, noncentral_t_interval
from .equivalence import tost
from .linked_effsize import hedges_g_linked
from .multicomp import benjamini_hochberg, holm, holm_levels
from .nonparametric import brunner_munzel, mann_whitney, wilcoxon_pratt
from .parametric import paired_ttest, partially_overlapping_t, welch_ttest
from .power import detectable_difference, minimum_detectable_effect
from .proportions import (
    mcnemar,
    mcnemar_midp,
    newcombe_difference,
    partially_overlapping_z,
    proportion_change,
    wilson_interval,
)
from .reliability import cronbach_alpha, mcdonald_omega

__all__ = [
    "benjamini_hochberg",
    "brunner_munzel",
    "cohen_dz",
    "cronbach_alpha",
    "detectable_difference",
    "hedges_g",
    "hedges_g_linked",
    "holm",
    "holm_levels",
    "mann_whitney",
    "mcdonald_omega",
    "mcnemar",
    "mcnemar_midp",
    "minimum_detectable_effect",
    "newcombe_difference",
    "noncentral_t_interval",
    "paired_ttest",
    "partially_overlapping_t",
    "partially_overlapping_z",
    "proportion_change",
    "split_stacked",
    "tost",
    "welch_ttest",
    "wilcoxon_pratt",
    "wilson_interval",
]
