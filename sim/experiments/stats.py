"""Honest statistics for comparing designs: intervals, paired tests, power, bootstrap, Pareto sets.

Comparisons use one method throughout: Student's t. The interval of a paired difference is
the t-interval of the mean difference, the same statistic the paired t-test's p-value comes
from, so the interval excludes zero exactly when p < 0.05 (the percentile bootstrap is kept
as a tool, no longer mixed with the t-test's p). `replications_needed` turns the observed
paired variance into the number of replications that would settle a question.
All functions are pure and deterministic (the bootstrap takes its own seed).

>>> mean_ci([1.0, 2.0, 3.0])["mean"]
2.0
>>> paired_difference([1, 2, 3, 4], [2, 3, 4, 5])["mean"]
1.0
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def _clean(x) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    return a[~np.isnan(a)]


def _clip(value, bounds):
    if value is None or bounds is None:
        return value
    return float(min(max(value, bounds[0]), bounds[1]))


def mean_ci(values, level: float = 0.95, bounds: tuple[float, float] | None = None) -> dict:
    """Mean and t-interval of independent replications, clipped to `bounds` (a share: (0, 1)).

    >>> r = mean_ci([10, 12, 14, 16])
    >>> r["mean"], round(r["low"], 2), round(r["high"], 2), r["n"]
    (13.0, 8.89, 17.11, 4)
    >>> r = mean_ci([0.01, 0.02, 0.0], bounds=(0, 1))
    >>> r["low"], round(r["high"], 3)
    (0.0, 0.035)
    """
    x = _clean(values)
    n = x.size
    if n == 0:
        return {"mean": None, "low": None, "high": None, "sd": None, "n": 0}
    m = float(x.mean())
    if n == 1:
        return {"mean": m, "low": None, "high": None, "sd": None, "n": 1}
    sd = float(x.std(ddof=1))
    half = _t_half_width(sd, n, level)
    return {"mean": m, "low": _clip(m - half, bounds), "high": _clip(m + half, bounds), "sd": sd, "n": n}


def _t_half_width(sd: float, n: int, level: float = 0.95) -> float:
    """Half-width of the t-interval of a mean of `n` values with standard deviation `sd`."""
    return float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)


def welch_difference(a, b, level: float = 0.95) -> dict:
    """Mean of `b` minus mean of `a` over independent replications, with its Welch t-interval.

    For two sets of runs that share nothing (different sizes or settings, no common random
    numbers): the interval uses each side's own variance and the Welch-Satterthwaite degrees
    of freedom, so two or three replications a side give the wide interval they should.
    NaN values are dropped; each side needs two values.

    >>> d = welch_difference([1.0, 2.0, 3.0], [4.0, 6.0, 8.0])
    >>> d["mean"], round(d["low"], 2), round(d["high"], 2), round(d["df"], 2)
    (4.0, -0.16, 8.16, 2.94)
    """
    x, y = _clean(a), _clean(b)
    if x.size < 2 or y.size < 2:
        raise ValueError(f"welch_difference needs two values a side, got {x.size} and {y.size}")
    se = math.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
    mean = float(y.mean() - x.mean())
    if se == 0:  # scipy warns and returns no interval when both sides are constant
        return {"mean": mean, "low": mean, "high": mean, "se": 0.0, "df": float("inf")}
    test = stats.ttest_ind(y, x, equal_var=False)  # Welch's test: its interval and degrees of freedom
    ci = test.confidence_interval(confidence_level=level)
    return {"mean": mean, "low": float(ci.low), "high": float(ci.high), "se": se, "df": float(test.df)}


def mean_pm(values, scale: float = 1.0, unit: str = "") -> str:
    """'mean ± half-width' of the 95% t-interval, for tables; None and NaN are left out and counted.

    A left-out value (a run alive at the horizon has no lifespan) is said in the cell, "(n of N)":
    a mean over the runs that reached something is not a mean over all of them.

    >>> mean_pm([0.4, 0.42, 0.38, 0.4], scale=100, unit="%")
    '40.0% ± 2.6'
    >>> mean_pm([600, 700, None])
    '650 ± 6.4e+02 (2 of 3)'
    """
    given = list(values)
    x = np.asarray([v for v in given if v is not None], float)
    x = x[np.isfinite(x)] * scale
    half = _t_half_width(float(x.std(ddof=1)), x.size) if x.size > 1 else 0.0  # the same interval as mean_ci
    of = f" ({x.size} of {len(given)})" if x.size < len(given) else ""
    if unit == "%":
        return f"{x.mean():.1f}% ± {half:.1f}{of}"
    return f"{x.mean():.3g} ± {half:.2g}{of}"


def holm(pvalues) -> np.ndarray:
    """Holm's step-down adjustment of a family of p-values (NaN stays NaN and is not counted).

    Rejecting where the adjusted p is below 5% keeps the chance of any false difference in
    the family at 5% (Holm 1979), without Bonferroni's loss of power.

    >>> holm([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
    [0.03, 0.06, 0.06, nan]
    """
    p = np.asarray(pvalues, float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    if ok.size == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    m = order.size
    adjusted = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * p[order]))
    out[order] = adjusted
    return out


def bootstrap_ci(values, level: float = 0.95, resamples: int = 5000, seed: int = 0) -> tuple:
    """Percentile bootstrap interval of the mean (deterministic for a given seed).

    >>> lo, hi = bootstrap_ci([5.0] * 10)
    >>> lo, hi
    (5.0, 5.0)
    """
    x = _clean(values)
    if x.size == 0:
        return (None, None)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, x.size, size=(resamples, x.size))
    means = x[idx].mean(axis=1)
    a = (1 - level) / 2
    return (float(np.quantile(means, a)), float(np.quantile(means, 1 - a)))


def paired_pvalue(diffs) -> float | None:
    """Two-sided paired t-test p-value of mean difference = 0.

    Degenerate cases are answered exactly: all differences zero gives 1.0; a constant
    non-zero difference gives 0.0.

    >>> paired_pvalue([0, 0, 0])
    1.0
    >>> paired_pvalue([2, 2, 2])
    0.0
    """
    d = _clean(diffs)
    if d.size < 2:
        return None
    if np.all(d == d[0]):
        return 1.0 if d[0] == 0 else 0.0
    return float(stats.ttest_1samp(d, 0.0).pvalue)


def paired_difference(base, variant, level: float = 0.95, bounds: tuple[float, float] | None = None) -> dict:
    """Variant minus base, paired by seed: mean, t-interval, paired t-test p-value, sd of the differences.

    The interval and the p-value are the same t statistic, so the interval excludes zero
    exactly when p < 1 - `level`. `bounds` clips the interval (a difference of shares lies in
    [-1, 1]). Pairs with a missing value on either side are dropped.

    >>> d = paired_difference([1, 2, 3, 4], [2, 4, 4, 6])
    >>> d["mean"], round(d["low"], 3), round(d["high"], 3), round(d["p"], 4), d["n"]
    (1.5, 0.581, 2.419, 0.0138, 4)
    """
    b, v = np.asarray(base, float), np.asarray(variant, float)
    ok = ~(np.isnan(b) | np.isnan(v))
    d = v[ok] - b[ok]
    ci = mean_ci(d, level, bounds)
    return {"mean": ci["mean"], "low": ci["low"], "high": ci["high"], "p": paired_pvalue(d), "n": int(d.size),
            "sd": ci["sd"]}


#: Most replications `replications_needed` reports; beyond it the answer is "more than this".
MAX_REPLICATIONS = 100_000


def replications_needed(sd: float | None, delta: float | None, alpha: float = 0.05,
                        power: float = 0.8) -> int | None:
    """Paired replications a two-sided t-test needs to detect a difference `delta` with `power`.

    `sd` is the standard deviation of the paired differences (as observed). Exact power of
    the paired t-test from the noncentral t distribution, searched from the normal
    approximation up. None when it cannot be estimated (no spread or no difference);
    `MAX_REPLICATIONS` + 1 when even that many would not do.

    >>> replications_needed(1.0, 1.0)   # a difference of one standard deviation
    10
    >>> replications_needed(1.0, 0.5)
    34
    """
    if sd is None or delta is None or not (sd > 0) or delta == 0 or not math.isfinite(sd / abs(delta)):
        return None
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    guess = (z * sd / abs(delta)) ** 2
    if guess > MAX_REPLICATIONS:
        return MAX_REPLICATIONS + 1

    def achieved(n: int) -> float:
        crit = stats.t.ppf(1 - alpha / 2, n - 1)
        nc = abs(delta) / sd * math.sqrt(n)
        return float(stats.nct.sf(crit, n - 1, nc) + stats.nct.cdf(-crit, n - 1, nc))

    n = max(2, math.floor(guess))
    while n > 2 and achieved(n - 1) >= power:
        n -= 1
    while achieved(n) < power:
        n += 1
        if n > MAX_REPLICATIONS:
            return MAX_REPLICATIONS + 1
    return n


def ratio_interval(num, den, level: float = 0.95) -> tuple[float, float] | None:
    """Fieller's interval for mean(num) / mean(den) from paired values (pure); None when unbounded.

    The cost per extra member-day is a ratio of two paired mean differences (extra spend over
    extra member-days); its uncertainty comes mostly from the denominator, which a ratio of
    means hides (a planner's red team: 0.44 a day was 0.28 to 1.05). The interval is the set of
    ratios R for which mean(num - R den) = 0 is not rejected by the paired t-test (at each end
    the test's t is the critical value); it is bounded exactly when mean(den) differs from 0
    at the same level.

    >>> lo, hi = ratio_interval([10.0, 12.0, 9.0, 11.0], [100.0, 130.0, 80.0, 95.0])
    >>> round(lo, 4), round(hi, 4)
    (0.0892, 0.1301)
    >>> ratio_interval([1.0, 2.0, 3.0], [1.0, -1.0, 0.5]) is None
    True
    """
    x, y = np.asarray(num, float), np.asarray(den, float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = x.size
    if n < 2:
        return None
    t2 = stats.t.ppf(0.5 + level / 2, n - 1) ** 2 / n
    mx, my = x.mean(), y.mean()
    cov = np.cov(x, y, ddof=1)
    a = my * my - t2 * cov[1, 1]
    b = mx * my - t2 * cov[0, 1]
    c = mx * mx - t2 * cov[0, 0]
    if a <= 0:  # the denominator's mean is not distinguishable from 0: the interval is unbounded
        return None
    # >= 0 in exact arithmetic once a > 0 (the quadratic is <= 0 at mean(num) / mean(den)); rounding aside
    disc = max(b * b - a * c, 0.0)
    root = math.sqrt(disc)
    return (float((b - root) / a), float((b + root) / a))


def significant(diff: dict, alpha: float = 0.05) -> bool:
    """The interval excludes zero and the paired test rejects at `alpha`."""
    if diff["p"] is None or diff["low"] is None:
        return False
    return diff["p"] < alpha and (diff["low"] > 0 or diff["high"] < 0)


def format_p(p: float | None) -> str:
    """'p < 0.001', 'p = 0.03', 'p n/a' (no p-value: missing or NaN, e.g. no pairs to test).

    >>> format_p(0.0002), format_p(0.0312), format_p(0.0496), format_p(float("nan"))
    ('p < 0.001', 'p = 0.031', 'p = 0.0496', 'p n/a')
    """
    if p is None or p != p:
        return "p n/a"
    if 0.0495 <= p < 0.0505:  # '0.050' beside 'differs' (p = 0.0496) reads as a contradiction
        return f"p = {p:.4f}"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def pareto_front(benefit, cost) -> np.ndarray:
    """Indices of designs not dominated on (higher benefit, lower cost), by cost.

    >>> pareto_front([1, 3, 2, 3], [0, 5, 6, 4]).tolist()
    [0, 3]
    """
    b, c = np.asarray(benefit, float), np.asarray(cost, float)
    order = np.lexsort((-b, c))
    front, best = [], -np.inf
    for i in order:
        if b[i] > best:
            front.append(int(i))
            best = b[i]
    return np.array(front, dtype=int)
