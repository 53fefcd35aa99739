"""Compare designs: N replications of each scenario on common seeds.

Paired statistics, plain verdicts with their uncertainty and cost, figures and a report.

Example (serial, tiny):
>>> from sim import load_scenario, scenarios_dir
>>> base = load_scenario(scenarios_dir() / "baseline.yaml", overrides=["population.size=300"], days=60)
>>> pts = load_scenario(scenarios_dir() / "points.yaml", overrides=["population.size=300"], days=60)
>>> res = compare([base, pts], replications=3, executor="serial", progress=False)
>>> list(res.summary()["scenario"].unique())
['baseline', 'points']
"""

from __future__ import annotations

import copy
import itertools
import math
import os
import warnings
from concurrent.futures import Executor
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from sim.experiments.replications import execute, replication_seeds, temporary_store
from sim.experiments.stats import (
    MAX_REPLICATIONS,
    format_p,
    holm,
    mean_ci,
    paired_difference,
    ratio_interval,
    replications_needed,
    significant,
)
from sim.experiments.store import ResultStore, versions
from sim.readouts.lifecycle import dormancy_line
from sim.readouts.registry import measure, measures
from sim.scenario import Scenario, load_scenario


def verdict_measures() -> list[str]:
    """Measures that get a verdict sentence: the headline table's (`key`) and those with a `verdict` phrase."""
    return [name for name in measures() if measure(name).verdict or measure(name).key]


#: Power and level behind the replication advice.
POWER, ALPHA = 0.8, 0.05


class FanAccumulator:
    """Per-day quantiles of a series across runs, from a fixed log-binned histogram.

    Memory is days x bins whatever the number of runs (the driver aggregates as results
    arrive). 400 log bins from 0.5 up to `max_value` M, each (2M)^(1/399) - 1 of the value wide:
    2.3% at M = 5,000 (exact below about 40), 3.7% at 1,000,000.

    >>> fan = FanAccumulator(days=2, max_value=100)
    >>> for s in ([10, 20], [20, 40], [30, 60]): fan.add(s)
    >>> [round(v) for v in fan.quantile(0.5)]
    [20, 40]
    """

    def __init__(self, days: int, max_value: float, bins: int = 400):
        self.days = days
        self.edges = np.concatenate([[0.0], np.geomspace(0.5, max(float(max_value), 1.0) * 1.001, bins)])
        self.counts = np.zeros((days, bins), np.int32)
        self.sum = np.zeros(days)
        self.low = np.full(days, np.inf)  # exact per-day range: no quantile leaves it
        self.high = np.full(days, -np.inf)
        self.n = 0

    def add(self, series) -> None:
        """Count one run's daily series into the per-day histograms (days past the horizon are dropped)."""
        s = np.asarray(series, float)[: self.days]
        idx = np.clip(np.searchsorted(self.edges, s, side="right") - 1, 0, self.counts.shape[1] - 1)
        self.counts[np.arange(s.size), idx] += 1
        self.sum[: s.size] += s
        np.minimum(self.low[: s.size], s, out=self.low[: s.size])
        np.maximum(self.high[: s.size], s, out=self.high[: s.size])
        self.n += 1

    def quantile(self, q: float) -> np.ndarray:
        """Per-day q-quantile with numpy's default definition (linear between order statistics).

        The value at rank h = (n - 1) q + 1 is interpolated between its two neighbouring order
        statistics, as ``np.quantile`` does, so the median of 4 runs is the mean of the middle
        two and no band leaves the runs' range. Each order statistic is read from its bin: exact
        when the bin holds one integer, else placed geometrically by its position in the bin
        (error under one bin, ~2.3%), and clipped to the day's exact range.
        """
        runs = self.counts.sum(axis=1)  # per day: a run shorter than the horizon counts on its days only
        if self.n == 0:
            return np.zeros(self.days)
        h = (np.maximum(runs, 1) - 1) * min(max(float(q), 0.0), 1.0)
        lo_rank = np.floor(h)
        value = self._order_statistic(lo_rank + 1)
        upper = self._order_statistic(np.minimum(lo_rank + 2, np.maximum(runs, 1)))
        value = value + (h - lo_rank) * (upper - value)
        seen = runs > 0  # days no run reached are 0
        return np.where(seen, np.clip(value, np.where(seen, self.low, 0), np.where(seen, self.high, 0)), 0.0)

    def _order_statistic(self, k: np.ndarray) -> np.ndarray:
        """Per-day k-th smallest value (1-based, one k per day) as the histograms place it."""
        cum = np.cumsum(self.counts, axis=1)
        rows = np.arange(self.days)
        b = np.argmax(cum >= k[:, None], axis=1)
        before = np.where(b > 0, cum[rows, b - 1], 0)
        inside = np.maximum(self.counts[rows, b], 1)
        pos = (k - before - 0.5) / inside  # the k-th value's place among its bin's values
        lo, hi = self.edges[b], self.edges[b + 1]
        val = np.where(lo == 0, hi * pos, lo * (hi / np.maximum(lo, 1e-12)) ** pos)
        # values are integers: a bin holding a single integer reports it exactly
        return np.where(hi - lo < 1.0, np.round((lo + hi) / 2), val)

    def mean(self) -> np.ndarray:
        """Per-day mean over the runs that reached each day (zeros before any run)."""
        return self.sum / np.maximum(self.counts.sum(axis=1), 1)


def _label(sc: Scenario, taken: set) -> str:
    name = sc.get("name") or (Path(sc.path).stem if sc.path else "scenario")
    label, i = name, 2
    while label in taken:
        label, i = f"{name} ({i})", i + 1
    taken.add(label)
    return label


#: The columns of `differences.csv` and `between_variants.csv`, in order.
DIFFERENCE_COLUMNS = ["variant", "baseline", "measure", "mean", "low", "high", "p", "n", "sd", "significant",
                      "replications_needed", "p_holm", "note"]


class CompareResult:
    """Replications of several scenarios on common seeds; the first is the baseline."""

    def __init__(self, scenarios: list[Scenario], labels: list[str], seeds: list[int],
                 rows: list[dict], fans: dict, failures: list, store: ResultStore, seconds: float,
                 reused: int, executor_name: str):
        self.scenarios, self.labels, self.seeds = scenarios, labels, seeds
        self._rows, self.fans, self.failures = rows, fans, failures
        self.store, self.seconds, self.reused, self.executor_name = store, seconds, reused, executor_name
        self.horizon = scenarios[0].horizon_days
        self.invalid: list = []  # (path in the store's invalid/ folder, reason): stored runs recomputed
        #: what the replications are, when not plain seeds (compare --from-fit: posterior draws); reports print it
        self.note: str | None = None
        self.seed_note: str | None = None  # a design's own seed not used (set by `compare`), said in the reports

    # ---------------------------------------------------------------- tables
    def runs(self) -> pd.DataFrame:
        """One row per scenario x seed with every read-out, in scenario then seed order."""
        order = {lab: i for i, lab in enumerate(self.labels)}
        seed_order = {s: i for i, s in enumerate(self.seeds)}
        rows = sorted(self._rows, key=lambda r: (order[r["scenario"]], seed_order[r["seed"]]))
        df = pd.DataFrame(rows, columns=["scenario", "seed", *measures()])
        return df

    @property
    def currency(self) -> str:
        """The label of money amounts: the baseline scenario's `currency`."""
        return self.scenarios[0].get("currency") or "cost units"

    def summary(self) -> pd.DataFrame:
        """Per scenario and measure: mean, 95% t-interval, sd, n (runs that reached the measure), runs.

        `n` below `runs` means some runs never reached the measure (a phase, a decline) and the
        mean is over those that did. `alive_at_horizon` (lifespan rows): runs with no start of
        dormancy, whose lifespan counts as the horizon, so the mean is a lower bound.
        Intervals are clipped to what a measure can be: shares to [0, 1], days (lifespan, peak
        day, ...) to [0, horizon], every other read-out (counts, spend) at 0 from below, so a
        mean near zero never shows a negative bound nor a lifespan one beyond the run.
        """
        runs = self.runs()
        out = []
        for lab in self.labels:
            sub = runs[runs["scenario"] == lab]
            alive = int(pd.to_numeric(sub["t_dormant"], errors="coerce").isna().sum())
            for m in measures():
                ci = mean_ci(pd.to_numeric(sub[m], errors="coerce"), bounds=self._range(m))
                out.append({"scenario": lab, "measure": m, **ci, "runs": len(sub),
                            "alive_at_horizon": alive if m == "lifespan" else 0})
        return pd.DataFrame(out, columns=["scenario", "measure", "mean", "low", "high", "sd", "n", "runs",
                                          "alive_at_horizon"])

    def _paired(self, variant: str, measure_name: str, runs: pd.DataFrame | None = None) -> dict:
        low, high = self._range(measure_name)
        bounds = None if np.isinf(high) else (low - high, high - low)  # a difference of two values in range
        return paired_difference(*self._pairs(variant, measure_name, runs), bounds=bounds)

    def _range(self, measure_name: str) -> tuple[float, float]:
        """What a measure's value can be: a share in [0, 1], days in [0, horizon], else at least 0.

        A lifespan, a peak day or a phase's start cannot lie beyond the run.
        """
        r = measure(measure_name)
        if r.bounds is not None:
            return r.bounds
        return (0.0, float(self.horizon)) if r.unit in ("day", "days") else (0.0, float("inf"))

    def differences(self) -> pd.DataFrame:
        """Each variant minus the baseline, paired by seed: mean, 95% t-interval, paired t-test p, sd, n.

        `replications_needed`: paired replications that would detect a difference of the observed
        size with 80% power at the 5% level (from the observed sd of the differences); blank when
        it cannot be estimated (no spread, or no difference at all). `p_holm` (headline measures
        only): p adjusted by Holm's method over the variant's headline tests, so that the chance
        of any false difference among them stays at 5%; `significant` is the single test's.
        `note`: on lifespan rows, how many runs outlived the horizon and count as dying there; when
        every run of both did, the row is no test (its 0 and p = 1 are of lifespans cut at the
        horizon; a planner's red team read such a row in the CSV as a confirmed null).
        """
        def compute(runs):
            out = []
            for lab in self.labels[1:]:
                out += self._variant_rows(lab, runs)
            return pd.DataFrame(out, columns=DIFFERENCE_COLUMNS)

        # verdicts, trade-offs, advice, costs and both reports each read it: computed once per set of runs
        return self._memo("differences", compute)

    def _memo(self, name: str, compute) -> pd.DataFrame:
        """`compute(runs)` once per order of the designs, seeds and runs' content; a copy is returned.

        Keyed on the runs' content, not on the list holding them: rows edited in place are read afresh.
        """
        memo = self.__dict__.setdefault("_memo_tables", {})
        runs = self.runs()
        key = (name, tuple(self.labels), tuple(self.seeds), self.horizon,
               int(pd.util.hash_pandas_object(runs, index=False).sum()))
        if key not in memo:
            memo[key] = compute(runs)
        return memo[key].copy()

    def _variant_rows(self, lab: str, runs: pd.DataFrame) -> list[dict]:
        """`differences`' rows of one variant against the baseline (`runs`: `self.runs()`)."""
        headline = set(verdict_measures())
        rows = []
        for m in measures():
            d = self._paired(lab, m, runs)
            rows.append({"variant": lab, "baseline": self.labels[0], "measure": m, **d,
                         "significant": significant(d),
                         "replications_needed": replications_needed(d["sd"], d["mean"], ALPHA, POWER)})
        # not tests: a lifespan every run of both outlived, a measure equal in every pair (spend
        # 0 against 0), incentive spend when it is all of the extra spend (total spend's test)
        spend = next(r["mean"] for r in rows if r["measure"] == "total_spend")
        family = [r for r in rows if r["measure"] in headline
                  and not (r["measure"] == "lifespan" and self._all_alive(lab))
                  and not _equal_in_every_pair(r)
                  and not (r["measure"] == "incentive_spend" and spend is not None and r["mean"] is not None
                           and np.isclose(r["mean"], spend))]
        for r, ph in zip(family, holm([np.nan if r["p"] is None else r["p"] for r in family])):
            r["p_holm"] = None if np.isnan(ph) else float(ph)
        alive, n = self._alive_runs(self.labels[0], lab)
        same = self._identical(lab)
        for r in rows:
            if same:  # not a tested null (the verdicts say so in one sentence)
                r["note"] = "no test: identical to the baseline in every run"
            elif r["measure"] == "lifespan" and alive:
                r["note"] = (f"no test: every run of both alive at the horizon (day {self.horizon:,}), "
                             "lifespans cut there" if alive == n else
                             f"{alive} of {n} runs of both alive at the horizon (day {self.horizon:,}) count "
                             "as dying there: a difference of lifespans cut at the horizon")
        return rows

    def _pairs(self, variant: str, measure_name: str,
               runs: pd.DataFrame | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(baseline, variant) values of a measure on their common seeds, in seed order (`runs`: `self.runs()`)."""
        runs = self.runs() if runs is None else runs
        b = runs[runs["scenario"] == self.labels[0]].set_index("seed")[measure_name]
        v = runs[runs["scenario"] == variant].set_index("seed")[measure_name]
        common = [s for s in self.seeds if s in b.index and s in v.index]
        return (pd.to_numeric(b.loc[common], errors="coerce").to_numpy(float),
                pd.to_numeric(v.loc[common], errors="coerce").to_numpy(float))

    def costs(self) -> pd.DataFrame:
        """Extra spend and points per extra active member-day, per variant (paired means).

        A cost per extra day exists only when the variant adds active member-days detectably;
        `note` says why a cell is blank otherwise, or that the cost is provisional (the gain does
        not survive Holm's adjustment over the headline measures). `spend_per_extra_day_low`/`_high`: Fieller's
        95% interval of the ratio (`stats.ratio_interval`), from the paired extra spend and
        extra member-days of each seed: most of a cost's uncertainty is in the extra days.
        """
        out = []
        adjusted = self.differences().set_index(["variant", "measure"])["p_holm"] if len(self.labels) > 1 else None
        for lab in self.labels[1:]:
            days = self._paired(lab, "active_member_days")
            spend = self._paired(lab, "total_spend")
            points = self._paired(lab, "points_issued")
            extra = days["mean"] or 0.0
            gains = extra > 0 and significant(days)
            if gains:
                note = ""
            elif days["mean"] is None:
                note = "no finished pairs of runs"
            elif days["n"] < 2:
                note = "one pair of runs: no test of the change in active member-days, so no cost per extra day"
            elif not significant(days):
                note = "no detectable change in active member-days, so no cost per extra day"
            else:
                note = "fewer active member-days than the baseline: no extra day to put a cost on"
            if gains and not (spend["mean"] or 0) > 0:
                note = f"no extra spend: the extra active member-days cost nothing more in {self.currency}"
            if self._identical(lab):
                note = "identical to the baseline in every run: no extra day to put a cost on"
            priced = gains and not note  # no cost per day beside a note saying why there is none
            p_holm = adjusted.get((lab, "active_member_days")) if adjusted is not None else None
            if gains and p_holm is not None and p_holm == p_holm and p_holm >= 0.05:
                # the verdict says the gain does not survive Holm; the cost table must say it too
                # (a statistician's red team, 2026-12-07: 0.337 per extra day, unflagged, beside
                # "better on no headline measure")
                note = ((note + "; ") if note else "") + (
                    f"provisional: the gain in active member-days is not significant once adjusted for the "
                    f"headline measures tested (Holm {format_p(p_holm)})")
            interval = None
            if priced:
                (bs, vs), (bd, vd) = self._pairs(lab, "total_spend"), self._pairs(lab, "active_member_days")
                interval = ratio_interval(vs - bs, vd - bd)
            out.append({"variant": lab, "extra_active_member_days": days["mean"],
                        "extra_spend": spend["mean"], "extra_points": points["mean"],
                        "spend_per_extra_day": spend["mean"] / extra if priced else None,
                        "spend_per_extra_day_low": interval[0] if interval else None,
                        "spend_per_extra_day_high": interval[1] if interval else None,
                        "points_per_extra_day": points["mean"] / extra if gains else None,
                        "currency": self.currency, "note": note})
        return pd.DataFrame(out, columns=["variant", "extra_active_member_days", "extra_spend", "extra_points",
                                          "spend_per_extra_day", "spend_per_extra_day_low", "spend_per_extra_day_high",
                                          "points_per_extra_day", "currency", "note"])

    # ---------------------------------------------------------------- verdicts
    def _amount(self, m: str, x: float, sign: bool = False) -> str:
        """An amount of measure `m` with its unit: shares in percentage points, money in the currency."""
        r = measure(m)
        if r.bounds is not None:
            return f"{_num(100 * x, sign)} percentage points"
        if "currency" in r.unit:
            return f"{_num(x, sign)} {self.currency}"
        return _num(x, sign) + (" days" if r.unit == "days" else "")

    def verdicts(self) -> list[str]:
        """Plain sentences: what each design changes, with interval, p-value and cost (empty with no variant).

        Every headline measure (`verdict_measures`) that differs gets a sentence of its own;
        those that do not are listed in one sentence per variant, each with its interval.
        "Differs" means the paired t-test rejects at 5%, which for the t-interval shown is
        the same as the interval excluding zero; a difference that does not survive Holm's
        adjustment over the variant's headline tests says so (each variant is tested on up
        to nine measures, so one in twenty null measures would otherwise read as a finding).
        What is no test is not listed as one: a variant whose runs equal the baseline's in every
        read-out gets one sentence saying so (and why, when a notice knows); spend that is 0 in
        both designs, or the same in every pair of runs, says so.
        """
        lines = []
        if len(self.labels) < 2:
            return lines
        costs = self.costs().set_index("variant")
        diff = self.differences().set_index(["variant", "measure"])
        for lab in self.labels[1:]:
            if self._identical(lab):  # not a tested null: nothing differed to test (a planner's red team)
                lines.append(self._identical_sentence(lab))
                continue
            tested = int(diff.loc[lab]["p_holm"].notna().sum())
            c = costs.loc[lab]
            cost_phrase = ""
            span = (f" (95% CI {_num(c['spend_per_extra_day_low'])} to {_num(c['spend_per_extra_day_high'])} "
                    f"{self.currency})" if _present(c["spend_per_extra_day_low"]) else "")
            if _present(c["points_per_extra_day"]) and (c["extra_points"] or 0) > 0:
                money = (f"{_num(c['spend_per_extra_day'])} {self.currency}"
                         if _present(c["spend_per_extra_day"]) else "no extra spend")
                cost_phrase = (f" at {_num(c['points_per_extra_day'])} points ({money}) per extra active "
                               f"member-day{span}")
            elif _present(c["spend_per_extra_day"]) and (c["extra_spend"] or 0) > 0:
                cost_phrase = f" at {_num(c['spend_per_extra_day'])} {self.currency} per extra active member-day{span}"
            quiet, unjudged, unreached, unmeasured = [], [], [], []
            spend = self._paired(lab, "total_spend")["mean"]
            for m in verdict_measures():
                r = measure(m)
                d = self._paired(lab, m)
                if d["mean"] is None:  # e.g. a decline that no run reached: say so rather than drop it
                    unmeasured.append(r.label)
                    continue
                if m == "incentive_spend" and spend is not None and np.isclose(d["mean"], spend):
                    continue  # all of the extra spend is incentives: the total spend's sentence says it
                if m in ("incentive_spend", "total_spend") and self._none_in_either(lab, m):
                    quiet.append(f"{r.label} (none in either design)")  # not a tested null: nothing to test
                    continue
                if m in ("incentive_spend", "total_spend") and _equal_in_every_pair(d):
                    quiet.append(f"{r.label} (the same in every pair of runs)")  # e.g. the same priced staff
                    continue
                if m == "lifespan" and self._all_alive(lab):
                    # not measured, not a null: "no detectable difference in lifespan" read as one (red team,
                    # 2026-12-07); the 'not measured' line says a longer horizon would tell
                    unmeasured.append(f"lifespan (every run of both still alive at the horizon, day "
                                      f"{self.horizon:,})")
                    continue
                if d["n"] < 2:  # one pair of runs: a difference, but neither an interval nor a test
                    # with more seeds, the others never reached it: more runs would not help, a longer horizon would
                    (unjudged if len(self.seeds) < 2 else unreached).append(
                        f"{r.label} (Δ {self._amount(m, d['mean'], sign=True)})")
                    continue
                scale = 100 if r.bounds is not None else 1
                ci = f"95% CI {_num(_times(d['low'], scale))} to {_num(_times(d['high'], scale))}, {format_p(d['p'])}"
                if not significant(d):
                    cut = self._censoring_both(lab) if m == "lifespan" else ""
                    quiet.append(f"{r.label} (Δ {self._amount(m, d['mean'], sign=True)}, {ci}{cut})")
                    continue
                up, down = r.verdict or (f"raises {r.label} by {{x}}", f"lowers {r.label} by {{x}}")
                x = self._amount(m, abs(d["mean"]))
                if r.verdict and r.bounds is None and "currency" not in r.unit:
                    x = _num(abs(d["mean"]))  # the phrase carries its unit ("by {x} days")
                sentence = f"{lab} {(up if d['mean'] > 0 else down).format(x=x)}"
                if "currency" in r.unit:
                    sentence += " per run"
                sentence += f" ({ci})"
                if m == "active_member_days" and d["mean"] > 0:
                    sentence += cost_phrase
                p_holm = diff.loc[(lab, m), "p_holm"]
                if tested > 1 and p_holm == p_holm and p_holm >= 0.05:
                    sentence += (f"; not significant once adjusted for the {tested} headline measures tested "
                                 f"(Holm: {format_p(p_holm)})")
                if m == "lifespan":
                    sentence += self._censoring(lab, d["mean"]) + self._line_note(lab, d["mean"])
                lines.append(sentence + ".")
            if quiet:
                lines.append(f"{lab}: no detectable difference in " + "; ".join(quiet) + ".")
            if unmeasured:
                longer = "a longer horizon" if getattr(self, "from_fit", None) else "a longer --days"
                lines.append(f"{lab}: not measured, since no seed's runs of both reached it within the horizon "
                             f"({longer} would judge it): " + "; ".join(unmeasured) + ".")
            if unjudged:
                lines.append(f"{lab}: cannot be judged from a single pair of runs (no interval, no test; "
                             "run at least -r 10): " + "; ".join(unjudged) + ".")
            if unreached:
                lines.append(f"{lab}: cannot be judged: only one seed's runs of both reached it within the horizon "
                             f"(day {self.horizon:,}), so no interval and no test; a longer horizon, not more "
                             "replications, would tell: " + "; ".join(unreached) + ".")
        if self.failures:
            lines.append(f"{len(self.failures)} run(s) failed and are left out; see failures in the report.")
        return lines

    def _identical(self, variant: str) -> bool:
        """Whether every run of `variant` equals the baseline's on the same seed, in every read-out.

        Every seed's runs of both must have finished: with a failed run, "every run" is not known.
        """
        runs = self.runs()
        cols = [m for m in measures() if m in runs.columns]
        b = runs[runs["scenario"] == self.labels[0]].set_index("seed")[cols]
        v = runs[runs["scenario"] == variant].set_index("seed")[cols]
        seeds = list(self.seeds)
        if not seeds or not (set(seeds) <= set(b.index) and set(seeds) <= set(v.index)):
            return False
        return b.loc[seeds].equals(v.loc[seeds])

    def _identical_sentence(self, variant: str) -> str:
        """What to say of a variant whose runs are the baseline's: why, when a notice (or a fit's note) knows."""
        sc = self.scenarios[self.labels.index(variant)]
        never = [f"{n.key} {n.message}" for n in sc.notices if "never in force" in n.message]
        never += list((getattr(self, "from_fit", None) or {}).get("notes", {}).get(sc.get("name"), ()))
        why = (f": {'; '.join(never)}" if never else
               ": whatever it sets is what the baseline does already, or never came into play within the horizon")
        return (f"{variant}: every run is identical to the baseline's on every read-out, so there is no "
                f"difference to test{why}.")

    def all_alive(self, *labels: str) -> bool:
        """Whether every run of the scenarios `labels` was still alive at the horizon (lifespan censored)."""
        unknown = [lab for lab in labels if lab not in self.labels]
        if not labels or unknown:  # a typo read as "not all alive" (False) looked like an answer
            raise ValueError(f"name one or more of the compared scenarios ({', '.join(map(repr, self.labels))})"
                             + (f"; not one of them: {', '.join(map(repr, unknown))}" if unknown else ""))
        alive, n = self._alive_runs(*labels)
        return n > 0 and alive == n

    def _alive_runs(self, *labels: str) -> tuple[int, int]:
        """(runs of the scenarios `labels` still alive at the horizon, their runs): no start of dormancy."""
        runs = self.runs()
        sub = runs[runs["scenario"].isin(labels)]
        return int(pd.to_numeric(sub["t_dormant"], errors="coerce").isna().sum()), len(sub)

    def _censoring(self, variant: str, mean: float) -> str:
        """What a lifespan difference means when runs outlived the horizon (their lifespan is only ≥ it)."""
        longer = variant if mean > 0 else self.labels[0]
        alive, n = self._alive_runs(longer)
        if not alive:
            return ""
        return (f"; a lower bound: {alive} of {n} runs of {longer} were still alive at the horizon (day "
                f"{self.horizon:,}) and count as dying there (the interval and p are for lifespans cut at the "
                "horizon)")

    def _dormancy_line(self, label: str) -> pd.Series:
        """Per seed, the DAU a run of `label` had to stay above (`sim.readouts.lifecycle.dormancy_line`).

        The lifecycle read-out's dormancy test on the 7-day mean DAU, with that scenario's own
        `lifecycle.*` settings.
        """
        lc = self.scenarios[self.labels.index(label)].lifecycle
        runs = self.runs()
        peak = pd.to_numeric(runs.loc[runs["scenario"] == label].set_index("seed")["peak_dau"], errors="coerce")
        return dormancy_line(peak, lc.dormancy_share, lc.dormant_below)

    def _line_note(self, variant: str, mean: float) -> str:
        """A lifespan difference that goes against the dormancy line's: partly the line moving.

        A run is dormant once its 7-day mean DAU stays below a share of its own peak (or the
        floor `lifecycle.dormant_below`, if higher) for `dormancy_days` in a row, so a design
        that raises the peak raises the line it must stay above: a burst of joiners "dies"
        sooner at the same member-days (the red team: a 30-day cross-promotion burst, lifespans
        299 and 322 against 770 and 709). Said when the line itself differs significantly (paired,
        per seed) in the direction opposite to the lifespan, so a floor that held both runs'
        lines still says nothing.
        """
        base, var = self._dormancy_line(self.labels[0]), self._dormancy_line(variant)
        common = [s for s in self.seeds if s in base.index and s in var.index]
        b, v = base.loc[common].to_numpy(float), var.loc[common].to_numpy(float)
        line = paired_difference(b, v)
        if line["mean"] is None or not significant(line) or np.sign(line["mean"]) != -np.sign(mean):
            return ""
        lc, own = (self.scenarios[self.labels.index(lab)].lifecycle for lab in (self.labels[0], variant))
        rule = (f"a run counts as dormant once its 7-day mean DAU stays below {lc.dormancy_share:.0%} of its "
                f"own peak" + (f" (or {lc.dormant_below:g}, if higher)" if lc.dormant_below else "")
                + f" for {lc.dormancy_days} days in a row")
        if any(getattr(lc, k) != getattr(own, k) for k in ("dormancy_share", "dormant_below", "dormancy_days")):
            rule += f" (by the baseline's settings; {variant} sets its own)"
        peak = "higher" if line["mean"] > 0 else "lower"
        why = ("the line rising, not activity fading sooner" if line["mean"] > 0
               else "the line falling, not activity lasting longer")
        life = "shorter" if mean < 0 else "longer"
        return (f"; note: {rule}, and {variant}'s {peak} peak puts that line at {np.nanmean(v):,.0f} active "
                f"members a day against {np.nanmean(b):,.0f}, so part of the {life} lifespan is {why}: "
                "compare active member-days")

    def _censoring_both(self, variant: str) -> str:
        """Runs of the baseline and `variant` alive at the horizon, for a lifespan difference not detected."""
        parts = []
        for lab in (self.labels[0], variant):
            alive, n = self._alive_runs(lab)
            if alive:
                parts.append(f"{alive} of {n} runs of {lab}")
        if not parts:
            return ""
        return (f"; {' and '.join(parts)} still alive at the horizon (day {self.horizon:,}) count as dying there, "
                "so the difference is for lifespans cut at the horizon")

    def _none_in_either(self, variant: str, measure_name: str) -> bool:
        """Whether `measure_name` is 0 in every run of the baseline and of `variant` (e.g. no incentive spend)."""
        runs = self.runs()
        both = runs[runs["scenario"].isin([self.labels[0], variant])][measure_name]
        values = pd.to_numeric(both, errors="coerce")
        return bool(len(values)) and bool((values == 0).all())

    def _all_alive(self, variant: str) -> bool:
        """Whether every run of the baseline and of `variant` was still alive at the horizon."""
        return self.all_alive(self.labels[0], variant)

    #: What `trade_offs` lines count, said above them in the terminal and the reports.
    TRADE_OFFS_NOTE = ("headline measures that differ significantly after Holm's adjustment; sizes and intervals "
                       "in the verdicts")

    def trade_offs(self) -> list[str]:
        """One line per variant: the headline measures it improves and worsens, and what it costs.

        A planner's answer to "which design wins on which measure and at what cost", drawn
        from the verdicts: only differences that are significant and survive Holm's adjustment
        count, in each read-out's own direction of better (`Readout.better`: more overload is
        worse); spend is the price, not a measure won or lost. A variant identical to the
        baseline in every run says that instead. Empty with no variant.
        """
        if len(self.labels) < 2:
            return []
        diff = self.differences().set_index(["variant", "measure"])
        return [f"{lab}: {self._trade_off(lab, diff)}{self._worlds(self.labels[0], lab)}" for lab in self.labels[1:]]

    def _trade_off(self, lab: str, diff: pd.DataFrame, pointers: bool = True) -> str:
        """`trade_offs`' line of one variant, after "LABEL: " (`diff`: differences indexed by variant and measure).

        `pointers`: refer the reader to the verdicts, which a pair of variants does not have.
        """
        def holds(row) -> bool:
            return bool(settled(row["significant"], row["p_holm"]))

        def see(text: str) -> str:
            return f" ({text})" if pointers else ""

        if self._identical(lab):
            reference = "the baseline" if pointers else self.labels[0]
            return f"identical to {reference} in every run{see('see its verdict')}."
        better, worse, judged = [], [], False
        for m in verdict_measures():
            r = measure(m)
            if m in ("incentive_spend", "total_spend") or r.better is None or (lab, m) not in diff.index:
                continue
            row = diff.loc[(lab, m)]
            judged = judged or (pd.notna(row["n"]) and row["n"] >= 2)
            if holds(row):
                label = r.label
                if m == "lifespan" and self._line_note(lab, row["mean"]):
                    label += " (partly the dormancy line moving" + (": see its verdict)" if pointers else ")")
                (better if (row["mean"] > 0) == r.better else worse).append(label)
        if not judged:  # one pair of runs, or none reached a measure: the verdicts say why
            return f"cannot be judged on any headline measure{see('see the verdicts')}."
        spend = diff.loc[(lab, "total_spend")] if (lab, "total_spend") in diff.index else None
        if spend is None or (spend["mean"] == 0 and not spend["sd"]):
            price = ""  # no spend in either
        elif holds(spend):
            price = (f"; {'costs' if spend['mean'] > 0 else 'saves'} "
                     f"{self._amount('total_spend', abs(spend['mean']))} {'more ' if spend['mean'] > 0 else ''}"
                     "per run")
        elif spend["significant"]:  # the test alone finds it, Holm's adjustment undoes it: say both
            price = (f"; total spend {self._amount('total_spend', spend['mean'], sign=True)} per run, "
                     f"not settled after Holm's adjustment{see('see its verdict')}")
        else:
            price = "; no detectable difference in total spend"
        return (f"better on {', '.join(better) or 'no headline measure'}; worse on "
                f"{', '.join(worse) or 'none'}{price}.")

    def against(self, label: str) -> "CompareResult":
        """The same comparison with `label` as the baseline: the same runs, no new ones.

        Every table, verdict and trade-off then reads against that design; a planner who ran
        a baseline and two variants asks which variant is better as often as whether either
        beats the baseline. The runs, failures and store are shared with this result, not copied;
        amounts are in the new reference's `currency`.
        """
        if label not in self.labels:
            raise ValueError(f"{label!r} is not one of the compared designs: {', '.join(map(repr, self.labels))}")
        order = [self.labels.index(label)] + [i for i, lab in enumerate(self.labels) if lab != label]
        other = copy.copy(self)
        other.scenarios = [self.scenarios[i] for i in order]
        other.labels = [self.labels[i] for i in order]
        return other

    def variant_pairs(self) -> list[tuple[str, str]]:
        """(earlier, later) for every pair of variants, in the order given (none with fewer than two).

        A variant identical to the baseline in every run is left out: against it, the other
        variant's line would be its line against the baseline.
        """
        out = set(self.left_out_of_pairs())
        return list(itertools.combinations([lab for lab in self.labels[1:] if lab not in out], 2))

    def left_out_of_pairs(self) -> list[str]:
        """Variants identical to the baseline in every run: left out of the pairs (see `variant_pairs`)."""
        return [lab for lab in self.labels[1:] if self._identical(lab)]

    def between_variants(self) -> pd.DataFrame:
        """Each later variant minus each earlier one, paired by seed: `differences`' columns and rules.

        The `baseline` column names the earlier variant. Holm's adjustment runs within each
        pair, as it does for each variant against the baseline; the pairs are not adjusted for
        one another, so with many variants a few lines may differ by chance.

        Computed once per order of the designs and set of runs (the terminal, both reports and
        the CSV read it: some 30 paired tests a pair, 2 s for 8 designs); a copy is returned.
        """
        def compute(runs):
            rows = []
            for a, b in self.variant_pairs():
                for r in self.against(a)._variant_rows(b, runs):
                    if isinstance(r.get("note"), str):
                        r["note"] = r["note"].replace("the baseline", a)
                    rows.append(r)
            return pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)

        return self._memo("between_variants", compute)

    BETWEEN_NOTE = ("each later variant against each earlier one, paired by seed; headline measures that differ "
                    "significantly after Holm's adjustment within the pair; pairs are not adjusted for one "
                    "another, so with many variants an odd line may be chance")

    def variant_trade_offs(self) -> list[str]:
        """`trade_offs` between the variants: one line per pair, "LATER against EARLIER: ...".

        A pair whose designs differ in an assumption (`assumption_differences`) says so: it
        compares two worlds as well as two designs.
        """
        if len(self.labels) < 3:
            return []
        pairs = self.variant_pairs()
        diff = self.between_variants().set_index(["baseline", "variant", "measure"]) if pairs else None
        lines = [f"{b} against {a}: {self.against(a)._trade_off(b, diff.loc[a], pointers=False)}"
                 f"{self._worlds(a, b)}" for a, b in pairs]
        out = self.left_out_of_pairs()
        if out:
            lines.append(f"{_and(out)} {'is' if len(out) == 1 else 'are'} left out: identical to the baseline in "
                         f"every run, so against {'it' if len(out) == 1 else 'them'} every other variant reads as "
                         "its line against the baseline.")
        return lines

    def _worlds(self, a: str, b: str) -> str:
        """' Not only a design: ...' when designs `a` and `b` set an assumption differently (staff's price aside)."""
        worlds = [d for d in assumption_differences(self.scenarios[self.labels.index(a)],
                                                    self.scenarios[self.labels.index(b)])
                  if d[0] != "community.staff_hour_cost"]  # the market paragraph's staff sentence says it
        if not worlds:
            return ""
        sets = ", ".join(f"{k} {_plain(y)} against {_plain(x)}" for k, x, y in worlds)
        return f" Not only a design: they differ in assumptions ({sets})."

    @property
    def advice_heading(self) -> str:
        """The heading of `replication_advice` in reports and on the terminal.

        Runs of a comparison over a fit's posterior are draws x seeds, not replications.
        """
        return "Too few runs" if getattr(self, "from_fit", None) else "Too few replications"

    def replication_advice(self) -> list[str]:
        """Where the replications are too few to settle a headline measure, and how many would.

        For each variant and headline measure left unsettled (no detectable difference, or one
        that Holm's adjustment undoes), the paired replications that would detect a difference
        of the observed size with 80% power at the 5% level (at its Holm-adjusted level when the
        adjustment undid it), from the observed variance of the paired differences (a planning
        estimate: the true difference may be smaller or larger); no count from fewer than
        `PLANNING_MIN` pairs. Empty with no variant.
        """
        n = len(self.seeds)
        if len(self.labels) < 2:
            return []
        if n < 2:
            return [f"{n} replication per scenario: no interval or test is possible; run at least -r {FIRST_RUNS}."]
        lines = []
        diff = self.differences()
        # only the measures the verdicts test (p_holm set): not incentive spend when it is all of
        # the extra spend (the verdict names total spend only), nor a difference zero by construction;
        # and not only those the test finds no difference in: one it finds that Holm's adjustment
        # undoes is unsettled too (a newcomer's +24,897 member-days, p = 0.022, Holm 0.065, got no advice)
        diff = diff[diff["measure"].isin(verdict_measures()) & ~settled(diff["significant"].astype(bool),
                                                                        diff["p_holm"]) & diff["p_holm"].notna()]
        fit = getattr(self, "from_fit", None)  # compare --from-fit: runs per design are draws x seeds
        for lab in self.labels[1:]:
            sub = diff[diff["variant"] == lab]
            wanted, unknown, holm, cut = [], [], False, ""
            for _, r in sub.iterrows():
                pairs = int(r["n"])
                alive, both = self._alive_runs(self.labels[0], lab) if r["measure"] == "lifespan" else (0, 0)
                each = [self._alive_runs(x) for x in (self.labels[0], lab)] if alive else []
                if each and all(2 * a > m for a, m in each):
                    # most lifespans of both designs cut at the horizon: more runs mostly repeat the cut (red
                    # team, 2026-12-07: "lifespan (about 20)" with 7 of 8 runs alive); a longer horizon
                    # settles it. With one design's runs mostly cut, the difference is conservative and more
                    # runs can still settle its sign, so the count stands (a review, 2026-12-07)
                    longer = "a longer horizon" if fit else f"run longer, e.g. --days {max(2 * self.horizon, 365):,}"
                    cut = (f"lifespan cannot be settled by more runs: {alive} of {both} runs outlived the horizon "
                           f"(day {self.horizon:,}); {longer}")
                    continue
                need = r["replications_needed"]
                undone = bool(r["significant"])  # found by the test, undone by Holm's adjustment
                if undone and r["p"] > 0:  # what settles it is power at its Holm-adjusted level, not at 5%
                    need = replications_needed(r["sd"], r["mean"], ALPHA * r["p"] / r["p_holm"], POWER)
                if need is None or pd.isna(need) or (need <= pairs and not undone):
                    continue
                need = max(int(need), pairs + 1)
                if pairs < PLANNING_MIN:
                    # the needed count scales with the observed variance, which pairs - 1 degrees of
                    # freedom pin down poorly: from 2 pairs its 95% interval spans a factor of about
                    # 5,000, from 5 about 23 (chi-square); "rerun with -r 248" from two runs was a
                    # guess presented as advice (red team, 2026-12-07)
                    unknown.append((measure(r["measure"]).label + (f" (reached in {pairs} of {n} pairs)"
                                                                   if pairs < n else ""), pairs))
                    continue
                # a measure some runs never reach (a decline, a lifespan) is compared over the pairs
                # that reach it: `need` such pairs take about need * n / reached runs at this rate
                reached, k = "", need
                if 0 < pairs < n:
                    reached, k = f"reached in {pairs} of {n} pairs; ", math.ceil(need * n / pairs)
                if alive:  # a few lifespans cut at the horizon: the count is for lifespans so cut
                    reached += f"cut at the horizon in {alive} of {both} runs; "
                wanted.append((k, measure(r["measure"]).label, reached))
                holm = holm or undone
            runs = "runs" if fit else "replications"
            guess = (f"{', '.join(sorted(u for u, _ in unknown))}, and too few to say how many would (the spread "
                     f"between runs is barely known from fewer than {PLANNING_MIN} pairs)") if unknown else ""
            if not wanted:
                if cut and not unknown:
                    lines.append(f"{lab}: {cut}.")
                    continue
                if unknown:  # enough runs that about FIRST_RUNS pairs reach each measure: then the advice has numbers
                    first = max(FIRST_RUNS, math.ceil(FIRST_RUNS * n / max(1, min(p for _, p in unknown))))
                    more = (f"more runs per design first ({_fit_runs(fit)})" if fit
                            else f"rerun with at least -r {first}")
                    lines.append(f"{lab}: {n} {runs} are too few to settle {guess}: {more}, and read this advice "
                                 "again" + (f"; and {cut}" if cut else "") + ".")
                continue
            parts = [f"{label} ({reached}{'about ' if k <= MAX_REPLICATIONS else ''}{_needed(k)}"
                     + (": a difference this small against the noise between runs is rarely worth settling"
                        if k > PRACTICAL_REPLICATIONS else "") + ")"
                     for k, label, reached in sorted(wanted)]
            feasible = [k for k, _, _ in wanted if k <= PRACTICAL_REPLICATIONS]
            which = "all of them" if len(feasible) == len(wanted) and not unknown and not cut else "those"
            if feasible and fit:
                rerun = f"; {max(feasible)} runs per design would settle {which} ({_fit_runs(fit)})"
            elif feasible:
                rerun = f"; rerun with -r {max(feasible)} to settle {which}"
                # one noisy measure should not hide that far fewer settle the rest
                ks = sorted((k, label) for k, label, _ in wanted if k <= PRACTICAL_REPLICATIONS)
                if len(ks) == len(wanted) >= 2 and ks[-1][0] > 2 * ks[-2][0]:  # true only if all are settleable
                    rerun += f" (-r {ks[-2][0]} settles all but {ks[-1][1]})"
            else:
                rerun = ""
            level = ("the 5% level, or at its Holm-adjusted level for a difference the adjustment undoes," if holm
                     else "the 5% level")
            lines.append(f"{lab}: {n} {runs} are too few to settle " + ", ".join(parts) + rerun +
                         f" (80% power at {level} for a difference of the observed size, from the observed "
                         "paired variance)" + (f"; and {guess}" if unknown else "") + (f"; {cut}" if cut else "") + ".")
        return lines

    # ---------------------------------------------------------------- figures and files
    def plot_fan(self):
        """DAU fan chart per scenario across replications: median with 50% and 90% bands, phases marked."""
        from sim.outputs.plots import fan_figure

        return fan_figure(self)

    def plot_phases(self):
        """Timeline of the median start day of each lifecycle phase, one row per scenario."""
        from sim.outputs.plots import phase_timeline_figure

        return phase_timeline_figure(self)

    def plot_distributions(self):
        """Box plots of lifespan and active member-days per scenario, with every replication shown."""
        from sim.outputs.plots import distributions_figure

        return distributions_figure(self)

    def plot_cost_benefit(self):
        """Each variant's extra spend versus extra active member-days over the baseline (paired, 95% CI)."""
        from sim.outputs.plots import cost_benefit_figure

        return cost_benefit_figure(self)

    def figures(self) -> dict:
        """All comparison figures, keyed by the file name they are written under."""
        return {"fan.png": self.plot_fan(), "phases.png": self.plot_phases(),
                "distributions.png": self.plot_distributions(), "cost_benefit.png": self.plot_cost_benefit()}

    def to_html(self, path) -> None:
        """Write the comparison report as a single HTML file at `path`."""
        from sim.outputs.report import compare_html

        Path(path).write_text(compare_html(self), encoding="utf-8")

    def write(self, out: str | os.PathLike) -> Path:
        """Write the CSVs (between_variants.csv when two variants differ from the baseline), figures and reports.

        All files appear together or not at all (`sim.outputs.folder.publish`).
        """
        from sim.outputs.folder import publish
        from sim.outputs.plots import write_figures
        from sim.outputs.report import compare_html, compare_markdown

        out = Path(out)
        with publish(out, kind="compare", complete=not self.failures) as stage:
            (stage / "runs.csv").write_text(self.runs().to_csv(index=False), encoding="utf-8")
            (stage / "summary.csv").write_text(self.summary().to_csv(index=False), encoding="utf-8")
            (stage / "differences.csv").write_text(self.differences().to_csv(index=False), encoding="utf-8")
            (stage / "costs.csv").write_text(self.costs().to_csv(index=False), encoding="utf-8")
            if self.variant_pairs():
                (stage / "between_variants.csv").write_text(self.between_variants().to_csv(index=False),
                                                            encoding="utf-8")
            images = write_figures(self.figures(), stage)
            (stage / "report.html").write_text(compare_html(self, images), encoding="utf-8")
            (stage / "report.md").write_text(compare_markdown(self, images), encoding="utf-8")
        return out


def _and(items) -> str:
    """'a', 'a and b', 'a, b and c'.

    >>> _and(["a", "b", "c"])
    'a, b and c'
    """
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _plain(v) -> str:
    """A setting's value as a person writes it: 0.05, not 0.05000000000000000277."""
    return f"{v:g}" if isinstance(v, float) else str(v)


def _num(x, sign: bool = False) -> str:
    from sim.outputs.report import number

    return number(x, sign)


def _times(x, scale: float):
    return None if x is None else x * scale


def _present(x) -> bool:
    return x is not None and not pd.isna(x)


#: The most replications the advice suggests rerunning with: above it (2,000 runs of a pair, some
#: half an hour of baseline runs on two cores) the difference is a small fraction of the noise
#: between runs (under a tenth of its sd) and rarely matters to a design; the advice says so
#: instead (a newcomer was told to rerun with -r 10429 for a difference of a third of a member).
PRACTICAL_REPLICATIONS = 1_000
#: Fewer pairs than this give no replication count in `replication_advice`: the count scales with the
#: observed variance of the paired differences, known from n - 1 degrees of freedom.
PLANNING_MIN = 5
#: Replications the advice asks for when it cannot yet say how many would settle a difference.
FIRST_RUNS = 10


def _equal_in_every_pair(d: dict) -> bool:
    """A paired difference that is exactly 0 in every pair (two or more): nothing to test (pure).

    >>> _equal_in_every_pair({"n": 3, "mean": 0.0, "sd": 0.0}), _equal_in_every_pair({"n": 1, "mean": 0.0, "sd": None})
    (True, False)
    """
    return d["n"] >= 2 and d["mean"] == 0 and not d["sd"]


def _fit_runs(fit: dict) -> str:
    """How a comparison over a fit's posterior gets more runs (they are draws x seeds, not replications)."""
    return (f"now {fit['draws']} posterior draws x {fit['seeds_per_draw']} seed(s): raise -r, up to the fit's "
            "draws, or --seeds-per-draw")


def settled(significant, p_holm):
    """A difference the paired test finds and Holm's adjustment keeps (p_holm NaN: no adjustment applies).

    Works on one verdict's values or on columns of `differences()`.

    >>> [bool(settled(True, 0.01)), bool(settled(True, 0.2)), bool(settled(True, float("nan")))]
    [True, False, True]
    """
    return np.logical_and(significant, np.logical_not(np.greater_equal(p_holm, ALPHA)))


def _needed(k: int) -> str:
    return f"more than {MAX_REPLICATIONS:,}" if k > MAX_REPLICATIONS else f"{k:,}"


def _load(scenarios) -> list[Scenario]:
    if isinstance(scenarios, (str, os.PathLike, Scenario)):
        raise TypeError("scenarios must be a list (the baseline first), not a single scenario")
    return [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]


def check_same_horizon(scenarios: Sequence[Scenario]) -> None:
    """ValueError unless every scenario simulates the same days (`horizon_days`).

    A shorter run would "shorten the lifespan" and "lose member-days" by construction, and
    its verdicts would read as the strategy's.
    """
    if len({sc.horizon_days for sc in scenarios}) > 1:
        runs = ", ".join(f"{sc.path or sc.name}: {sc.horizon_days}" for sc in scenarios)
        raise ValueError(f"compared scenarios must simulate the same days; horizon_days differ ({runs}): "
                         "set the same horizon_days in each file, or give --days (in Python: "
                         "load_scenario(path, days=N) for each, or scenario.with_overrides(['horizon_days=N']))")


def market(sc: Scenario) -> dict:
    """The persons and ties a scenario runs on: the graph settings its graph type reads, and the size.

    A graph file is its (absolute) path, a named graph its name; settings a type does not read
    (a file's `mean_degree`, a scale-free graph's `rewire`) are left out, so they cannot make two
    designs on one market differ.
    """
    from sim.model.population import GRAPH_SETTINGS

    graph = sc.to_dict()["population"]["graph"]
    kind = graph["type"]
    if kind == "file":
        return {"graph": {"type": kind, "file": graph["file"]}}
    if kind not in GRAPH_SETTINGS:  # a named graph: its persons and ties are fixed
        return {"graph": {"type": kind}}
    return {"graph": {"type": kind, **{k: graph[k] for k in GRAPH_SETTINGS[kind]}}, "size": sc.population.size}


def check_same_market(scenarios: Sequence[Scenario]) -> None:
    """ValueError unless every scenario runs on the same persons and ties (`population.size`, `.graph`).

    A design compared on a bigger market gains members, member-days and cost per extra
    member-day from the market, not the design (a planner's red team: 3,000 persons against
    2,000 read as "better on peak members (+556)"). People's traits (interest, attention,
    Dunbar limits) may differ: those are what some designs are about.
    """
    first = market(scenarios[0])
    for i, sc in enumerate(scenarios[1:], 1):
        other = market(sc)
        if other != first:
            keys = sorted(k for k in {*first["graph"], *other["graph"]}
                          if first["graph"].get(k) != other["graph"].get(k))
            diff = [f"population.graph.{k}: {first['graph'].get(k)!r} vs {other['graph'].get(k)!r}" for k in keys]
            if first.get("size") != other.get("size"):
                diff.insert(0, f"population.size: {first.get('size')} vs {other.get('size')}")
            raise ValueError(f"compared scenarios must run on the same market (persons and ties); "
                             f"{_named(scenarios[0], 0)} and {_named(sc, i)} differ in {'; '.join(diff)}: "
                             "a design's verdicts would carry the market's difference. Give each the same "
                             "population (in the files, or --set population.size=N for all); to see how a "
                             "design fares in markets of different sizes, compare at each size in turn")


def assumption_differences(baseline: Scenario, variant: Scenario) -> list[tuple[str, object, object]]:
    """(key, baseline's value, variant's value) of every assumption the two designs set differently.

    Assumptions are the keys whose role is 'assumption' (`sim.scenario.schema.role_of`): how
    people and the platform behave, what things cost. Two designs that differ in one are
    compared in two worlds, and their verdicts carry that difference as well as the designs'.
    A strategy counts when both run it under one name and kind (a strategy only the variant
    runs brings its own response assumptions: that is what adding it means).

    >>> import sim
    >>> base = sim.load_scenario(sim.scenarios_dir() / "points.yaml")
    >>> assumption_differences(base, base.with_overrides(["strategies.points.value=0.05", "acquisition.q_weak=0.1"]))
    [('acquisition.q_weak', 0.05, 0.1), ('strategies.points.value', 0.02, 0.05)]
    """
    from sim.scenario.schema import dict_leaves, role_of, strategy_kinds

    a, b = ({".".join(p): v for p, v in dict_leaves(sc.to_dict()) if p[0] != "strategies"}
            for sc in (baseline, variant))
    out = [(k, a[k], b[k]) for k in a if k in b and a[k] != b[k] and role_of(k) == "assumption"]
    kinds = strategy_kinds(baseline)
    mine = baseline.to_dict()["strategies"]
    for name, kind, params in variant.strategies:
        if kinds.get(name) != kind:
            continue
        for param, value in params.items():
            key = f"strategies.{name}.{param}"
            if mine[name].get(param) != value and role_of(key, variant) == "assumption":
                out.append((key, mine[name].get(param), value))
    return out


def _named(sc, i: int) -> str:
    """A scenario as a person would name it in a message: its file, its name, or its position."""
    return sc.path or sc.get("name") or f"scenario {i + 1}"


def compare(scenarios: Sequence, replications: int = 30, executor: Executor | str | None = None,
            store: ResultStore | str | os.PathLike | None = None, seed: int | None = None,
            progress: bool = True, workers: int | None = None) -> CompareResult:
    """Run every scenario on the same `replications` spawned seeds; the first is the baseline.

    `executor`: a concurrent.futures Executor (e.g. a Dask client's `get_executor()`), "serial"
    to run in this process, or None for a local process pool with all cores (`workers`).
    `store`: a folder (or ResultStore) holding finished runs; re-running with the same store
    reuses them. `seed`: base seed of the replications (default: the first scenario's seed).
    Every argument, graph file and the memory the runs need are checked before the first run
    (TypeError, ValueError, `ScenarioError` or `MemoryEstimateError`); the scenarios must share
    one horizon, since lifespans and member-days are only comparable over the same days, and
    one market (`check_same_market`), since a design must not be credited with a bigger one.
    """
    from sim.experiments.executors import describe, make_executor
    from sim.experiments.preflight import check_all
    from sim.experiments.store import run_key
    from sim.model.community import whole_number
    from sim.version import code_version

    scs = _load(scenarios)
    if not scs:
        raise ValueError("compare needs at least one scenario")
    check_same_horizon(scs)
    check_same_market(scs)
    replications = whole_number(replications, "replications", low=1)
    if workers is not None:
        workers = whole_number(workers, "workers", low=1)
    base_seed = whole_number(scs[0].seed if seed is None else seed, "seed", high=2**63 - 1)
    check_all(scs, executor, workers, len(scs) * replications)
    first_of: dict = {}  # digest -> index of the first scenario with those parameters
    for i, sc in enumerate(scs):
        j = first_of.setdefault(sc.digest(), i)
        if j != i:
            warnings.warn(f"{_named(sc, i)} and {_named(scs[j], j)} have the same parameters: on common seeds "
                          "their runs are identical and every difference is zero by construction", UserWarning,
                          stacklevel=2)
    own = [f"{sc.get('name') or _named(sc, i)} (seed {sc.seed})" for i, sc in enumerate(scs) if sc.seed != base_seed]
    seed_note = None
    if own:  # common seeds pair the runs: a design's own seed cannot be kept (a planner's red team)
        source = "the seed given" if seed is not None else "the baseline's seed"
        seed_note = (f"the seed{'s' if len(own) > 1 else ''} of {', '.join(own)} not used: every design runs on the "
                     f"same replication seeds, spawned from {base_seed} ({source}), so that runs pair")
        warnings.warn(seed_note, UserWarning, stacklevel=2)
    taken: set = set()
    labels = [_label(sc, taken) for sc in scs]
    keys = [run_key(sc) for sc in scs]
    seeds = replication_seeds(base_seed, replications)
    st = store if isinstance(store, ResultStore) else (ResultStore(store) if store else temporary_store())
    st.write_manifest({"kind": "compare", "versions": versions(), "code": code_version(),
                       "replications": replications, "seeds": seeds,
                       "scenarios": [{"label": lab, "path": sc.path, "key": key, "parameters": sc.to_dict()}
                                     for lab, sc, key in zip(labels, scs, keys)]})
    by_key: dict = {}
    for lab, key in zip(labels, keys):
        by_key.setdefault(key, []).append(lab)
    key_of = {id(sc): key for sc, key in zip(scs, keys)}
    rows: list[dict] = []
    fans: dict = {}

    def on_record(sc, seed_, record):
        for lab in by_key[key_of[id(sc)]]:
            if lab not in fans:
                fans[lab] = FanAccumulator(sc.horizon_days, record["population"])
            fans[lab].add(record["dau"])
            rows.append({"scenario": lab, "seed": seed_, **record["readouts"]})

    unique = list({key: sc for sc, key in zip(scs, keys)}.values())
    tasks = [(sc, s) for sc in unique for s in seeds]
    if isinstance(executor, Executor):
        ex = execute(tasks, st, executor, on_record, progress, label="compare", keys=key_of)
        name = describe(executor)
    else:
        with make_executor(workers=workers, serial=(executor == "serial")) as pool:
            ex = execute(tasks, st, pool, on_record, progress, label="compare", keys=key_of)
            name = describe(pool)
    failures = [(", ".join(by_key.get(k, [k])), s, tb) for k, s, tb in ex.failures]
    result = CompareResult(scs, labels, seeds, rows, fans, failures, st, ex.seconds, ex.reused, name)
    result.invalid = ex.invalid
    # a note on method, kept in the reports: --quiet silences the terminal's notes (statistician's red team)
    result.seed_note = seed_note
    warn_invalid(ex.invalid)
    return result


def warn_invalid(invalid: list) -> None:
    """Say (as a `StoreWarning`) that stored runs were invalid and have been recomputed."""
    if invalid:
        import warnings

        from sim.experiments.store import StoreWarning

        warnings.warn(f"{len(invalid)} stored run(s) were invalid and have been recomputed (kept in "
                      f"{Path(invalid[0][0]).parents[1]}); first: {invalid[0][1]}", StoreWarning, stacklevel=3)
