"""Weighted-sample statistics for ABC posteriors: quantiles, resampling, effective sample size.

>>> float(weighted_quantile([1.0, 2.0, 3.0], [1, 1, 1], 0.5))
2.0
>>> systematic_resample([0.5, 0.5], 4, np.random.default_rng(0)).tolist()
[0, 0, 1, 1]
>>> round(effective_sample_size([1, 1, 1, 1]), 6)
4.0
"""

from __future__ import annotations

import numpy as np


def weighted_quantile(values, weights, q):
    """Quantile(s) `q` of a weighted sample (midpoint rule, as pyabc's `weighted_quantile`).

    Each point sits at the middle of its share of the cumulative weight; the quantile is
    interpolated linearly between points. Infinite values (e.g. a lifespan beyond the
    horizon) sort last and are returned as inf when the quantile falls among them.
    """
    v = np.asarray(values, float)
    w = np.asarray(weights, float)
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    w = w / w.sum()
    cs = np.cumsum(w) - 0.5 * w
    q = np.asarray(q, float)
    finite = np.isfinite(v)
    if finite.all():
        return np.interp(q, cs, v)
    # interpolate among finite values; beyond the last finite point's position -> inf
    out = np.interp(q, cs[finite], v[finite]) if finite.any() else np.full(q.shape, np.inf)
    last = cs[finite][-1] if finite.any() else -np.inf
    return np.where(q > last, np.inf, out)


def weighted_mean(values, weights) -> float:
    """The weighted mean."""
    w = np.asarray(weights, float)
    return float(np.sum(np.asarray(values, float) * w) / w.sum())


def weighted_sd(values, weights) -> float:
    """The weighted standard deviation (no small-sample correction)."""
    v = np.asarray(values, float)
    m = weighted_mean(v, weights)
    return float(np.sqrt(weighted_mean((v - m) ** 2, weights)))


def systematic_resample(weights, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` indices drawn in proportion to `weights` with one uniform offset (low-variance resampling)."""
    w = np.asarray(weights, float)
    cs = np.cumsum(w / w.sum())
    cs[-1] = 1.0
    u = (rng.random() + np.arange(n)) / n
    return np.searchsorted(cs, u, side="right")


def effective_sample_size(weights) -> float:
    """Kish's effective sample size of a weighted sample."""
    w = np.asarray(weights, float)
    return float(w.sum() ** 2 / np.sum(w ** 2))


__all__ = ["effective_sample_size", "systematic_resample", "weighted_mean", "weighted_quantile", "weighted_sd"]
