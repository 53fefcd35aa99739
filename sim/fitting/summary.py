"""Summary statistics: what of a history the fit tries to reproduce, and why these.

For each observed series (members, dau, posts, ...) the days since launch are cut into
consecutive blocks of `block_days` days (day 0-13, 14-27, ... for 14). A block's statistic is
``log(1 + mean of the series over the block's observed days)``; blocks in which the series
was never observed are left out, and the simulation is read on exactly the observed days,
so gaps in the history never bias the comparison.

Why: block means keep the *shape* of the lifecycle (how fast a community grows, when it
peaks, how fast it fades) while averaging away day-to-day noise and weekly rhythm; 14-day
blocks over 180 days give 13 numbers per series, few enough for ABC. The log puts the
launch weeks (tens of members) and the peak (thousands) on a comparable footing and makes
the noise of counts roughly even across the curve. The distance between two sets of
statistics is pyabc's adaptive weighted Euclidean distance (Prangle 2017): each statistic
is divided by its median absolute deviation over the previous generation's simulations,
so that no series dominates because of its units.

>>> import numpy as np
>>> from sim.fitting.history import ObservedHistory
>>> h = ObservedHistory("h.csv", np.array([0, 1, 2, 5]), {"members": np.array([10.0, 20.0, np.nan, 40.0])})
>>> layout = SummaryLayout.from_history(h, block_days=3)
>>> layout.labels()
['members[0-2]', 'members[3-5]']
>>> {k: np.round(np.expm1(v), 3).tolist() for k, v in layout.observed().items()}
{'members': [15.0, 40.0]}
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.fitting.history import ObservedHistory


@dataclass(frozen=True)
class SummaryLayout:
    """Which days feed which statistic, per series; the same for the history and every simulation."""

    series: tuple[str, ...]
    days: dict  # series -> observed days (int array)
    block: dict  # series -> position of each observed day's block among the series' blocks
    starts: dict  # series -> first day of each block
    block_days: int
    n_days: int
    observed_values: dict  # series -> observed values on `days`

    @classmethod
    def from_history(cls, history: ObservedHistory, series=None, block_days: int = 14) -> "SummaryLayout":
        """The layout of a history's observed days for the given series (default: all it has)."""
        series = tuple(series or history.series)
        days, block, starts, values = {}, {}, {}, {}
        for s in series:
            v = history.values[s]
            keep = ~np.isnan(v)
            d = history.days[keep].astype(np.int64)
            b = d // block_days
            uniq, pos = np.unique(b, return_inverse=True)
            days[s], block[s], starts[s], values[s] = d, pos, uniq * block_days, v[keep]
        return cls(series, days, block, starts, block_days, history.n_days, values)

    def _stats(self, s: str, values: np.ndarray) -> np.ndarray:
        n = self.starts[s].size
        sums = np.bincount(self.block[s], weights=values, minlength=n)
        counts = np.bincount(self.block[s], minlength=n)
        return np.log1p(sums / counts)

    def observed(self) -> dict:
        """The history's statistics: {series: array, one value per block}."""
        return {s: self._stats(s, self.observed_values[s]) for s in self.series}

    def simulated(self, timeseries) -> dict:
        """A simulation's statistics, read on the history's observed days.

        `timeseries` is a DataFrame (or mapping of arrays) indexed by day from 0.
        """
        return {s: self._stats(s, np.asarray(timeseries[s], float)[self.days[s]]) for s in self.series}

    def labels(self) -> list[str]:
        """One label per statistic, in the order pyabc flattens them: 'dau[14-27]'."""
        out = []
        for s in self.series:
            for start in self.starts[s]:
                end = min(int(start) + self.block_days - 1, self.n_days - 1)
                out.append(f"{s}[{int(start)}-{end}]")
        return out

    def size(self) -> int:
        """How many statistics there are."""
        return int(sum(self.starts[s].size for s in self.series))


__all__ = ["SummaryLayout"]
