"""Internal consistency of a theme: Cronbach's alpha and McDonald's omega.

``items_frame`` has one row per respondent and one column per item of the
theme (reverse-keyed items already reversed); NaN is a missing answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ._common import check_confidence, one_row

__all__ = ["cronbach_alpha", "mcdonald_omega"]

# Lower bound of a uniqueness in the factor fit, as R's factanal (Heywood cases).
_MIN_UNIQUENESS = 0.005


def _items(items_frame: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    """The items as a float frame, without respondents who answered none."""
    frame = pd.DataFrame(items_frame)
    if frame.ndim != 2 or frame.shape[1] == 0:
        raise ValueError("items_frame must have one column per item.")
    for column in frame.columns:
        dtype = frame[column].dtype
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
            raise ValueError(
                f"item {column!r} is not numeric (dtype {dtype}); "
                "recode the answers to numbers before computing reliability."
            )
    frame = frame.astype(float)
    if np.isinf(frame.to_numpy()).any():
        raise ValueError("items_frame contains infinite values; use NaN for missing answers.")
    return frame.dropna(how="all")


def cronbach_alpha(
    items_frame: pd.DataFrame | np.ndarray,
    nan_policy: str = "pairwise",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Cronbach's alpha with Feldt's confidence interval.

    Parameters
    ----------
    items_frame : pandas.DataFrame or 2-D array
        One row per respondent, one numeric column per item; NaN is missing.
    nan_policy : {"pairwise", "listwise"}
        "pairwise" (default) estimates each item covariance from the
        respondents who answered both items (``DataFrame.cov``); "listwise"
        keeps only respondents who answered every item.
    confidence : float
        Confidence level of the Feldt interval.

    Returns
    -------
    pandas.DataFrame
        One row: ``alpha``, ``ci_low``, ``ci_high``, ``n`` (respondents behind
        the interval, see Notes), ``n_items`` (items used), ``dropped`` (the
        items left out for having no variance, comma-separated; empty if none).

    Notes
    -----
    alpha = k / (k - 1) · (1 - trace(C) / sum(C)) for the item covariance
    matrix C, exactly as ``pingouin.cronbach_alpha``. Feldt, Woodruff & Salih
    (1987): ``1 - (1 - alpha) · F(1 - γ/2 or γ/2; n - 1, (n - 1)(k - 1))``.

    Items without variance are left out first and named in ``dropped``, as
    ``psych::alpha`` does ("Item = q3 had no variance and was deleted"):
    a constant item would otherwise raise k / (k - 1) while adding nothing.

    Which n: with "pairwise", each covariance rests on the respondents who
    answered both items, so n is the harmonic mean of these pairwise counts
    (over the item pairs). Without missing answers it is the number of rows,
    as pingouin; under heavy missingness the rows answering any item would
    overstate the precision. With "listwise", n is the number of complete rows. pingouin
    keeps the row count from before the listwise deletion, so for its
    ``cronbach_wide_missing`` data it prints [0.581, 0.933] with n = 12
    where this function gives [0.533, 0.947] with the 9 rows actually used.

    alpha is NaN with fewer than 2 respondents, when an item pair has no
    two common respondents (pairwise), when fewer than 2 items vary, or when
    the total score has no variance. Fewer than 2 items is an error.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.stats import cronbach_alpha
    >>> items = pd.DataFrame({"q1": [3, 4, 2, 5, 4, 3], "q2": [3, 5, 2, 4, 4, 2],
    ...                       "q3": [2, 4, 3, 5, 5, None]})
    >>> cronbach_alpha(items).round(3)
       alpha  ci_low  ci_high      n  n_items dropped
    0  0.883   0.441    0.986  5.294        3
    """
    if nan_policy not in ("pairwise", "listwise"):
        raise ValueError(f'nan_policy must be "pairwise" or "listwise", got {nan_policy!r}.')
    level = check_confidence(confidence)
    frame = _items(items_frame)
    n_items = frame.shape[1]
    if n_items < 2:
        raise ValueError("Cronbach's alpha needs at least 2 items.")
    if nan_policy == "listwise":
        frame = frame.dropna(how="any")
    # an item everybody answered alike adds nothing to the true score but its k to
    # k / (k - 1): psych::alpha drops it ("had no variance and was deleted")
    constant = [
        column
        for column in frame.columns
        if frame[column].notna().sum() >= 2 and np.ptp(frame[column].dropna()) == 0
    ]
    frame = frame.drop(columns=constant).dropna(how="all")
    n_items = frame.shape[1]
    observed = frame.notna().to_numpy(dtype=float)
    if nan_policy == "pairwise" and n_items >= 2:
        # each covariance rests on the respondents who answered both items: the
        # harmonic mean of those counts (n when nothing is missing)
        together = (observed.T @ observed)[np.triu_indices(n_items, k=1)]
        n = float(len(together) / np.sum(1 / together)) if (together > 0).all() else 0.0
    else:
        n = float(frame.shape[0])
    alpha = low = high = np.nan
    if n >= 2 and n_items >= 2:
        covariance = frame.cov().to_numpy()
        total = covariance.sum()
        if np.isfinite(total) and total > 0:
            alpha = n_items / (n_items - 1) * (1 - np.trace(covariance) / total)
            df1, df2 = n - 1, (n - 1) * (n_items - 1)
            tail = (1 - level) / 2
            low = 1 - (1 - alpha) * float(stats.f.isf(tail, df1, df2))
            high = 1 - (1 - alpha) * float(stats.f.isf(1 - tail, df1, df2))
    return one_row(
        alpha=alpha,
        ci_low=low,
        ci_high=high,
        n=n,
        n_items=n_items,
        dropped=", ".join(str(column) for column in constant),
    )


def _scaled_eigen(uniqueness: np.ndarray, correlation: np.ndarray):
    scale = 1 / np.sqrt(uniqueness)
    return np.linalg.eigh(correlation * np.outer(scale, scale))


def _discrepancy(uniqueness: np.ndarray, correlation: np.ndarray) -> float:
    """ML discrepancy minimised over the loadings for fixed uniquenesses."""
    eigenvalues = _scaled_eigen(uniqueness, correlation)[0][:-1]
    return float(-(np.sum(np.log(eigenvalues) - eigenvalues) - 1 + correlation.shape[0]))


def _loadings(uniqueness: np.ndarray, correlation: np.ndarray) -> np.ndarray:
    """Loadings that best fit ``correlation`` given the uniquenesses."""
    eigenvalues, vectors = _scaled_eigen(uniqueness, correlation)
    return np.sqrt(uniqueness) * vectors[:, -1] * np.sqrt(max(eigenvalues[-1] - 1, 0.0))


def _gradient(uniqueness: np.ndarray, correlation: np.ndarray) -> np.ndarray:
    loadings = _loadings(uniqueness, correlation)
    residual = np.square(loadings) + uniqueness - np.diag(correlation)
    return residual / np.square(uniqueness)


def _fit_one_factor(correlation: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Maximum-likelihood one-factor fit of a correlation matrix.

    The algorithm of R ``factanal`` (Jöreskog 1967; Lawley & Maxwell 1971):
    for given uniquenesses Ψ the best loadings come from the largest
    eigenvalue of Ψ^-½ R Ψ^-½, and the remaining discrepancy is minimised
    over Ψ in [0.005, 1] with L-BFGS-B. Returns (loadings, uniquenesses) or
    None when the optimiser fails.
    """
    start = (1 - 0.5 / correlation.shape[0]) / np.diag(np.linalg.inv(correlation))
    start = np.clip(start, _MIN_UNIQUENESS, 1.0)
    result = optimize.minimize(
        _discrepancy,
        start,
        args=(correlation,),
        jac=_gradient,
        method="L-BFGS-B",
        bounds=[(_MIN_UNIQUENESS, 1.0)] * correlation.shape[0],
        options={"ftol": 1e-12, "gtol": 1e-9, "maxiter": 1000},
    )
    # L-BFGS-B may report a failed line search once it can no longer improve;
    # judge convergence by the first-order conditions at the bounds instead.
    gradient = _gradient(result.x, correlation)
    at_lower = result.x <= _MIN_UNIQUENESS * (1 + 1e-9)
    at_upper = result.x >= 1.0 - 1e-12
    gradient[at_lower] = np.minimum(gradient[at_lower], 0.0)
    gradient[at_upper] = np.maximum(gradient[at_upper], 0.0)
    if not np.isfinite(result.fun) or np.abs(gradient).max() > 1e-5:
        return None
    loadings = _loadings(result.x, correlation)
    if loadings.sum() < 0:
        loadings = -loadings
    return loadings, result.x


def mcdonald_omega(items_frame: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    """McDonald's omega total from a one-factor maximum-likelihood model.

    Parameters
    ----------
    items_frame : pandas.DataFrame or 2-D array
        One row per respondent, one numeric column per item; respondents with
        any missing item are left out (listwise deletion).

    Returns
    -------
    pandas.DataFrame
        One row: ``omega``, ``n`` (complete respondents), ``n_items``,
        ``reason`` (empty when omega was computed, otherwise why it is NaN).

    Notes
    -----
    omega = (Σλ)² / ((Σλ)² + Σθ) with the loadings λ and error variances θ
    of a one-factor model in the items' own units (Dunn, Baguley & Brunsden
    2014), i.e. the reliability of the sum (or mean) score. The model is fit
    by maximum likelihood on the correlation matrix (see ``_fit_one_factor``)
    and rescaled by the item standard deviations. An item without variance
    carries neither true nor error variance and is left out of the fit.
    Omega is NaN, with a reason, for fewer than 3 varying items (the model
    is not identified), for fewer complete respondents than items + 1, or
    for a singular correlation matrix. Small samples bias omega upward.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.stats import mcdonald_omega
    >>> items = pd.DataFrame({"q1": [3, 4, 2, 5, 4, 3, 1, 2], "q2": [3, 5, 2, 4, 4, 2, 2, 1],
    ...                       "q3": [2, 4, 3, 5, 5, 3, 1, 2], "q4": [3, 3, 2, 5, 4, 4, 2, 3]})
    >>> mcdonald_omega(items).round(3)
       omega  n  n_items reason
    0  0.938  8        4
    """
    frame = _items(items_frame).dropna(how="any")
    n, n_items = frame.shape

    def result(omega: float, reason: str) -> pd.DataFrame:
        return one_row(omega=omega, n=n, n_items=n_items, reason=reason)

    variances = frame.var(ddof=1).to_numpy() if n >= 2 else np.zeros(n_items)
    varying = frame.loc[:, variances > 0]
    k = varying.shape[1]
    if k < 3:
        return result(np.nan, "fewer than 3 items vary, a one-factor model needs at least 3")
    if n < k + 1:
        return result(np.nan, f"too few complete respondents ({n}) for {k} items")
    correlation = np.corrcoef(varying.to_numpy(), rowvar=False)
    if np.linalg.eigvalsh(correlation)[0] <= 1e-10:
        return result(np.nan, "the item correlation matrix is singular (items are collinear)")
    fit = _fit_one_factor(correlation)
    if fit is None:
        return result(np.nan, "the one-factor model did not converge")
    loadings, uniqueness = fit
    sd = np.sqrt(variances[variances > 0])
    true_part = np.sum(loadings * sd) ** 2
    error_part = np.sum(uniqueness * sd**2)
    return result(float(true_part / (true_part + error_part)), "")
