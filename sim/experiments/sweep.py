"""Parameter sweeps: grid, Latin hypercube or Sobol samples over dotted parameter paths.

Also Sobol sensitivity indices, partial dependence, and the Pareto set of benefit versus cost.

Samplers come from scipy.stats.qmc (Latin hypercube) and SALib (Saltelli/Sobol sequences and
the Sobol analysis); every design point runs on the same replication seeds (common random
numbers), so differences between points are not seed noise.

>>> parse_param("acquisition.q_weak=0.01:0.1")
ParamRange(key='acquisition.q_weak', low=0.01, high=0.1, integer=False)
"""

from __future__ import annotations

import difflib
import itertools
import os
import warnings
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments.compare import _and
from sim.experiments.replications import execute, replication_seeds, temporary_store
from sim.experiments.store import ResultStore, versions
from sim.readouts.registry import measures
from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.scenario.params import ROLE_NAMES
from sim.scenario.schema import SCHEMA, Param, param_of, role_of, strategy_kinds, strategy_params

METHODS = ("grid", "lhs", "sobol")


class MissingExtra(RuntimeError):
    """An optional extra the asked-for method needs is not installed (the message says what to install)."""


def _salib(part: str):
    """SALib's Sobol sampler or analyser (an optional extra: `pip install 'circlesim[sensitivity]'`)."""
    try:
        if part == "sample":
            from SALib.sample import sobol
        else:
            from SALib.analyze import sobol
    except ImportError:
        raise MissingExtra("the Sobol method needs SALib: pip install 'circlesim[sensitivity]' (from a "
                           "clone: pip install -e '.[sensitivity]'), or use the lhs or grid method "
                           "(--method, or method= in Python)") from None
    return sobol
INDEX_MEASURES = ("lifespan", "active_member_days")

#: Said above `SweepResult.separation`'s lines, in the terminal and the reports.
SEPARATION_NOTE = ("each runner-up against the first, paired by seed; not adjusted for the several comparisons, "
                   "and the first was picked on these same runs, so a separation is weaker than its p")
#: Seed of the Sobol intervals' bootstrap (any non-zero number: SALib takes 0 for "no seed").
BOOTSTRAP_SEED = 1


@dataclass(frozen=True)
class ParamRange:
    """One swept parameter: dotted key and its [low, high] range."""

    key: str
    low: float
    high: float
    integer: bool = False


def _param_spec(key: str, scenario: Scenario | None = None) -> Param | None:
    parts = key.split(".")
    if parts[0] == "strategies" and len(parts) == 3 and parts[2] == "every":
        from sim.model.strategies import KINDS

        kind = strategy_kinds(scenario).get(parts[1], parts[1])
        if kind not in KINDS or not KINDS[kind].recurring:
            return None
    return param_of(key, scenario)


ASSUMPTION_MEANS = "how people and the platform behave, or what things cost: estimated, not chosen"
#: Added when a swept assumption is a price (its unit is a currency): only the charge depends on it.
PRICE_MEANS = ("; a cost per unit changes only spend: points that differ in it alone tie on every other measure "
               "and the Pareto set keeps the cheapest")


def role_note(ranges, scenario: Scenario | None = None) -> str | None:
    """What a sweep is, when some swept keys are not levers; None when every one is a lever.

    Over levers a sweep ranks designs; over an assumption or the market it is a sensitivity
    analysis, and its best points and Pareto set rank worlds, not designs to choose (a
    planner's red team: `points.value` read as a design choice).

    >>> role_note([ParamRange("strategies.points.daily_cap", 5, 35)]) is None
    True
    >>> role_note([ParamRange("strategies.points.value", 0, 0.05)])[:62]
    'strategies.points.value is an assumption (how people and the p'
    """
    named = [(r.key, role_of(r.key, scenario)) for r in ranges]
    by_role: dict = {}
    for k, role in named:
        if role not in ("lever", None):
            by_role.setdefault(role, []).append(k)
    if not by_role:
        return None
    said = []
    for role, keys in by_role.items():
        one, many = ROLE_NAMES[role]
        what = f"{'is' if len(keys) == 1 else 'are'} {one if len(keys) == 1 else many}"
        priced = any("currency" in getattr(param_of(k, scenario), "unit", "") for k in keys)
        means = f" ({ASSUMPTION_MEANS}{PRICE_MEANS if priced else ''})" if role == "assumption" else ""
        said.append(f"{_and(keys)} {what}{means}")
    others = sum(map(len, by_role.values()))
    levers = [k for k, role in named if role == "lever"]
    beside = f" (though it also sweeps the lever{'s' if len(levers) > 1 else ''} {_and(levers)})" if levers else ""
    them = "it" if others == 1 else "them"
    ranks = "readings of the same runs" if set(by_role) == {"read-out"} and not levers else "worlds"
    return (f"{'; '.join(said)}, not {'a lever' if others == 1 else 'levers'} a community's operators set: this "
            f"sweep is a sensitivity analysis, not a choice of design{beside}. Its best points and Pareto set rank "
            f"{ranks}, not designs to pick; read them as how much the results depend on {them} (docs/scenarios.md "
            "gives every key's role).")


#: Numeric keys a sweep cannot vary, and why: the sweep sets them itself for every point.
NOT_SWEPT = {
    "seed": "each point's runs take the sweep's common seeds (set them with --seed and -r)",
    "horizon_days": "lifespans are censored at the base scenario's horizon and the points are read "
                    "against it, so points of different lengths do not compare (set it with --days)",
}


def numeric_keys(scenario: Scenario | None = None) -> list[str]:
    """Dotted keys a sweep can vary: numeric schema leaves and the scenario's strategies' numeric parameters."""
    from sim.model.strategies import KINDS
    from sim.scenario.schema import iter_leaves

    keys = [".".join(p) for p, spec in iter_leaves(SCHEMA)
            if spec.type in ("int", "float") and ".".join(p) not in NOT_SWEPT]
    strategies = scenario.strategies if scenario is not None else [(k, k, None) for k in KINDS]
    for name, kind, _ in strategies:
        for param, spec in strategy_params(kind).items():
            if spec.type in ("int", "float") and (param != "every" or KINDS[kind].recurring):
                keys.append(f"strategies.{name}.{param}")
    return keys


def parse_param(text: str, scenario: Scenario | None = None) -> ParamRange:
    """'dotted.key=LOW:HIGH' -> ParamRange; checks the key is a numeric scenario parameter."""
    if "=" not in text or ":" not in text.split("=", 1)[1]:
        raise ValueError(f"sweep parameter {text!r}: expected KEY=LOW:HIGH, e.g. acquisition.q_weak=0.01:0.1")
    key, rng = text.split("=", 1)
    lo_s, hi_s = rng.split(":", 1)
    try:
        lo, hi = float(lo_s), float(hi_s)
    except ValueError:
        raise ValueError(f"sweep parameter {text!r}: LOW and HIGH must be numbers") from None
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"sweep parameter {text!r}: LOW and HIGH must be finite numbers")
    if not lo < hi:
        raise ValueError(f"sweep parameter {text!r}: LOW must be below HIGH")
    if key.strip() in NOT_SWEPT:
        raise ValueError(f"sweep parameter {text!r}: {key.strip()} cannot be swept: {NOT_SWEPT[key.strip()]}")
    parts = key.strip().split(".")
    if scenario is not None and parts[0] == "strategies" and len(parts) == 3 and \
            parts[1] not in {name for name, _, _ in scenario.strategies}:
        have = ", ".join(name for name, _, _ in scenario.strategies) or "none"
        raise ValueError(f"sweep parameter {text!r}: the scenario has no strategy {parts[1]!r} "
                         f"(its strategies: {have}); a sweep varies a strategy the scenario runs: add it to the "
                         "scenario file first")
    spec = _param_spec(key.strip(), scenario)
    if spec is None or spec.type not in ("int", "float"):
        close = difflib.get_close_matches(key.strip(), numeric_keys(scenario), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else " (see docs/scenarios.md)"
        raise ValueError(f"sweep parameter {text!r}: {key.strip()!r} is not a numeric scenario parameter{hint}")
    for bound, v in (("LOW", lo), ("HIGH", hi)):
        if (spec.low is not None and v < spec.low) or (spec.high is not None and v > spec.high):
            raise ValueError(f"sweep parameter {text!r}: {bound} {v} is outside {spec.describe_range()}")
    if spec.type == "int" and np.ceil(lo) > np.floor(hi):
        raise ValueError(f"sweep parameter {text!r}: {key.strip()} takes whole numbers and none lies in {lo:g}:{hi:g}")
    return ParamRange(key.strip(), lo, hi, spec.type == "int")


def whole_levels(values: np.ndarray, r: ParamRange) -> np.ndarray:
    """An integer parameter's values rounded to whole numbers inside its range (pure).

    Rounding alone would take 1:3.5's top level to 4, outside what was asked.

    >>> whole_levels(np.array([1.0, 2.25, 3.5]), ParamRange("community.organizers", 1, 3.5, True)).tolist()
    [1.0, 2.0, 3.0]
    """
    return np.clip(np.round(values), np.ceil(r.low), np.floor(r.high))


def design(ranges: list[ParamRange], method: str, samples: int, seed: int = 0) -> np.ndarray:
    """Design points (rows) in parameter units.

    grid: `samples` levels per parameter (samples^d points); lhs: `samples` points;
    sobol: SALib's Saltelli scheme, samples * (d + 2) points (first and total order).

    >>> design([ParamRange("a", 0, 1), ParamRange("b", 10, 20)], "grid", 2).tolist()
    [[0.0, 10.0], [0.0, 20.0], [1.0, 10.0], [1.0, 20.0]]
    """
    d = len(ranges)
    lo = np.array([r.low for r in ranges])
    hi = np.array([r.high for r in ranges])
    if method == "grid":
        levels = [np.linspace(r.low, r.high, samples) for r in ranges]
        for r, lv in zip(ranges, levels):
            whole = np.unique(whole_levels(lv, r))
            if r.integer and whole.size < samples:
                raise ValueError(f"sweep parameter {r.key}: a grid of {samples} levels on {r.low:g}:{r.high:g} "
                                 f"gives only {whole.size} distinct whole number(s) "
                                 f"({', '.join(f'{v:g}' for v in whole)}) and would run the same points again; "
                                 f"widen the range or ask for {whole.size} samples (--samples {whole.size})")
        pts = np.array(list(itertools.product(*levels)), dtype=float)
    elif method == "lhs":
        from scipy.stats import qmc

        pts = qmc.scale(qmc.LatinHypercube(d=d, seed=seed).random(samples), lo, hi)
    elif method == "sobol":
        sobol_sample = _salib("sample")

        if samples & (samples - 1):  # SALib's own warning says neither which option nor what to do
            low = 1 << (samples.bit_length() - 1)
            warnings.warn(f"sobol: samples={samples} is not a power of 2; Sobol' points are balanced only at "
                          f"powers of 2 (e.g. {low} or {2 * low}), and the indices converge more slowly "
                          "otherwise", stacklevel=2)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*balance properties of Sobol", category=UserWarning)
            pts = sobol_sample.sample(_problem(ranges), samples, calc_second_order=False, seed=seed)
    else:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    for j, r in enumerate(ranges):
        if r.integer:
            pts[:, j] = whole_levels(pts[:, j], r)
    return pts


def _problem(ranges):
    return {"num_vars": len(ranges), "names": [r.key for r in ranges],
            "bounds": [[r.low, r.high] for r in ranges]}


def _fmt_value(v: float, integer: bool) -> str:
    return str(int(round(v))) if integer else repr(float(v))


class SweepResult:
    """Runs of every design point; tables, indices, Pareto set, figures and report."""

    def __init__(self, base: Scenario, ranges, method, points: np.ndarray, seeds, rows, failures,
                 store, seconds, reused):
        self.base, self.ranges, self.method, self.points = base, ranges, method, points
        self.seeds, self._rows, self.failures = seeds, rows, failures
        self.store, self.seconds, self.reused = store, seconds, reused
        self.invalid: list = []  # (path in the store's invalid/ folder, reason): stored runs recomputed

    @property
    def role_note(self) -> str | None:
        """What this sweep is when some swept keys are not levers (`role_note`); None when all are."""
        return role_note(self.ranges, self.base)

    @property
    def keys(self) -> list[str]:
        """Dotted keys of the swept parameters, in the order of the design's columns."""
        return [r.key for r in self.ranges]

    def runs(self) -> pd.DataFrame:
        """One row per design point x seed: parameter values, seed and every read-out, in point then seed order."""
        seed_order = {s: i for i, s in enumerate(self.seeds)}
        rows = sorted(self._rows, key=lambda r: (r["point"], seed_order[r["seed"]]))
        return pd.DataFrame(rows, columns=["point", *self.keys, "seed", *measures()])

    def table(self) -> pd.DataFrame:
        """One row per design point: parameter values, the mean of each read-out and how many runs reached it.

        `alive_at_horizon`: the share of the point's runs never dormant (their lifespan counts as
        the horizon). `runs_reaching_<m>` for the phases (`REACHED`): the runs whose mean `<m>` is,
        out of `runs` (a run that never declines has no decline to average).
        """
        runs = self.runs()
        base = pd.DataFrame(self.points, columns=self.keys)
        base.insert(0, "point", range(len(self.points)))
        num = runs[["point", *measures()]].apply(pd.to_numeric, errors="coerce")
        means = num.groupby("point").mean()
        counts = runs.groupby("point").size().rename("runs")
        out = base.join(means, on="point").join(counts, on="point")
        out["runs"] = out["runs"].fillna(0).astype(int)
        # lifespan is censored at the horizon: the share of each point's runs that never went dormant
        alive = runs.assign(alive=pd.to_numeric(runs["t_dormant"], errors="coerce").isna()).groupby("point")["alive"]
        out = out.join(alive.mean().rename("alive_at_horizon"), on="point")
        # a phase some runs never reach is averaged over those that did: say over how many
        reached = num[["point", *REACHED]].notna().assign(point=num["point"]).groupby("point")[list(REACHED)].sum()
        out = out.join(reached.rename(columns=lambda m: f"runs_reaching_{m}"), on="point")
        for m in REACHED:
            out[f"runs_reaching_{m}"] = out[f"runs_reaching_{m}"].fillna(0).astype(int)
        return out

    @staticmethod
    def _check_measure(name: str) -> None:
        """A clear error for a read-out name that does not exist, with the closest one."""
        if name not in measures():
            close = difflib.get_close_matches(str(name), measures(), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else " (sim.readouts.registry.measures() lists them)"
            raise ValueError(f"{name!r} is not a read-out{hint}")

    @property
    def horizon(self) -> int:
        """Days simulated (the base scenario's horizon): the value of a censored lifespan."""
        return int(self.base.horizon_days)

    def best(self, measure: str = "active_member_days", k: int = 3, higher: bool | None = None) -> pd.DataFrame:
        """The `k` design points with the best mean `measure` (higher is better unless the registry says not)."""
        from sim.readouts.registry import measure as declared

        self._check_measure(measure)
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"k must be a whole number of design points, at least 1; got {k!r}")
        if higher is None:
            higher = declared(measure).better is not False
        t = self.table().dropna(subset=[measure])
        return t.sort_values(measure, ascending=not higher, kind="stable").head(k).reset_index(drop=True)

    def separation(self, measure: str = "active_member_days", k: int = 3) -> list[str]:
        """Whether the runs separate the best point from the next ones: one line per runner-up.

        The points share their seeds, so each runner-up is compared with the best point paired by
        seed (mean difference, 95% t-interval, paired t-test). A ranking of means alone read as a
        choice even when the leader's lead was well inside the noise (a statistician's red team,
        2026-12-07: +663 member-days, 95% CI -4,375 to 5,700). No adjustment for the several
        comparisons, and the leader was picked on these same runs, so a "separated" line is weaker
        than its p (`SEPARATION_NOTE`). Empty with fewer than two points or two seeds.
        """
        from sim.experiments.stats import format_p, paired_difference
        from sim.outputs.report import number
        from sim.readouts.registry import measure as declared

        best = self.best(measure, k)
        if len(best) < 2 or len(self.seeds) < 2:
            return []
        runs = self.runs()
        by_point = {pt: g.set_index("seed")[measure].astype(float).reindex(self.seeds)
                    for pt, g in runs.groupby("point")}
        alive = {pt: bool(pd.to_numeric(g["t_dormant"], errors="coerce").isna().all())
                 for pt, g in runs.groupby("point")} if measure == "lifespan" else {}
        lead = int(best.loc[0, "point"])
        r = declared(measure)
        scale, pp = (100.0, " percentage points") if r.bounds is not None else (1.0, "")  # as compare says shares
        lines = []
        for other in best["point"].iloc[1:].astype(int):
            if alive.get(lead) and alive.get(other):  # both cut at the horizon: nothing to compare yet
                lines.append(f"point {lead} against point {other}: lifespan not measured: every run of both alive "
                             f"at the horizon (day {self.horizon:,}); a longer --days would judge it")
                continue
            d = paired_difference(by_point[other], by_point[lead]) if other in by_point else {"n": 0, "low": None}
            if d["n"] < 2 or d["low"] is None:
                lines.append(f"point {lead} against point {other}: fewer than two seeds have {r.label} for both "
                             "(runs failed, or did not reach it): no interval")
                continue
            apart = d["low"] > 0 or d["high"] < 0
            verdict = ("the runs separate them" if apart else
                       "the runs do not separate them: more replications, or read them as equals")
            lines.append(f"point {lead} against point {other}: {r.label} {number(scale * d['mean'], sign=True)}{pp} "
                         f"(95% CI {number(scale * d['low'])} to {number(scale * d['high'])}, {format_p(d['p'])}, "
                         f"paired by seed over {d['n']} seeds): {verdict}")
        return lines

    def indices(self, measures=INDEX_MEASURES) -> pd.DataFrame | None:
        """Sobol first-order (S1) and total-order (ST) indices with 95% half-widths, and a note per measure.

        Only for method 'sobol'; None otherwise. `note` says when the numbers cannot be read at
        face value: a lifespan that no run reached (every run alive at the horizon: NaN, not
        "insensitive"), lifespans cut at the horizon for some runs, or indices outside [0, 1]
        (the sample is too small for them to have converged).
        """
        if self.method != "sobol":
            return None
        sobol_analyze = _salib("analyze")

        table = self.table()
        runs = self.runs()
        alive = int(pd.to_numeric(runs["t_dormant"], errors="coerce").isna().sum())
        out = []
        for m in measures:
            y = table[m].to_numpy(float)
            note = ""
            if m == "lifespan" and alive and alive == len(runs):
                for k in self.keys:
                    out.append({"measure": m, "parameter": k, "S1": np.nan, "S1_conf": np.nan, "ST": np.nan,
                                "ST_conf": np.nan, "note": f"not measured: every run alive at the horizon "
                                f"(day {self.horizon:,})"})
                continue
            if m == "lifespan" and alive:
                note = (f"{alive} of {len(runs)} runs alive at the horizon count as dying there: indices of "
                        "lifespans cut at the horizon")
            if np.isfinite(y).all() and np.ptp(y) == 0:
                # the read-out did not change anywhere: no parameter explains any variance
                for k in self.keys:
                    out.append({"measure": m, "parameter": k, "S1": 0.0, "S1_conf": 0.0,
                                "ST": 0.0, "ST_conf": 0.0, "note": note or "the read-out is the same at every point"})
                continue
            if np.isnan(y).any():
                for k in self.keys:
                    out.append({"measure": m, "parameter": k, "S1": np.nan, "S1_conf": np.nan,
                                "ST": np.nan, "ST_conf": np.nan,
                                "note": "not measured at every design point (some points have no run reaching it)"})
                continue
            # the intervals come from a bootstrap: seed it, or every call (terminal, indices.csv,
            # report) draws other ones. SALib tests `if seed:`, so 0 would mean "unseeded".
            res = sobol_analyze.analyze(_problem(self.ranges), y, calc_second_order=False,
                                        print_to_console=False, seed=BOOTSTRAP_SEED)
            s1, s1c, st, stc = (np.asarray(res[k], float) for k in ("S1", "S1_conf", "ST", "ST_conf"))
            if ((s1 < 0) | (s1 > 1) | (st < 0) | (st > 1)).any():
                unconverged = ("indices outside [0, 1], which true indices cannot be: too few samples for them "
                               "to have converged; read them with their intervals, or raise --samples (and -r)")
                note = f"{note}; {unconverged}" if note else unconverged
            for j, k in enumerate(self.keys):
                out.append({"measure": m, "parameter": k, "S1": float(s1[j]), "S1_conf": float(s1c[j]),
                            "ST": float(st[j]), "ST_conf": float(stc[j]), "note": note})
        return pd.DataFrame(out, columns=["measure", "parameter", "S1", "S1_conf", "ST", "ST_conf", "note"])

    def pareto(self, benefit: str = "active_member_days", cost: str = "total_spend") -> pd.DataFrame:
        """Design points no other point beats on both higher benefit and lower cost.

        Cost is total spend by default (events, content, feeds and priced staff as well as
        incentives): on incentive spend alone, a sweep of event frequency put every point at 0
        and kept only the most expensive (a planner's red team, 2026-12-07).
        """
        from sim.experiments.stats import pareto_front

        self._check_measure(benefit)
        self._check_measure(cost)
        t = self.table().dropna(subset=[benefit, cost])
        idx = pareto_front(t[benefit].to_numpy(), t[cost].to_numpy())
        return t.iloc[idx][["point", *self.keys, benefit, cost]].reset_index(drop=True)

    # figures
    def plot_heatmap(self, measure: str = "lifespan"):
        """Heatmap of the mean of `measure` over a two-parameter grid."""
        from sim.outputs.plots import sweep_heatmap

        self._check_measure(measure)
        if self.method != "grid" or len(self.ranges) != 2:
            raise ValueError(f"a heatmap needs a grid over two parameters; this sweep is a {self.method} over "
                             f"{len(self.ranges)} (use plot_partial_dependence)")
        return sweep_heatmap(self, measure)

    def plot_partial_dependence(self, measures=INDEX_MEASURES):
        """Each read-out against each swept parameter: design points and a binned mean."""
        from sim.outputs.plots import sweep_partial_dependence

        measures = (measures,) if isinstance(measures, str) else tuple(measures)
        for name in measures:
            self._check_measure(name)
        return sweep_partial_dependence(self, measures)

    def plot_indices(self):
        """Bar chart of Sobol first-order and total-order indices with 95% intervals (method 'sobol')."""
        from sim.outputs.plots import sweep_indices

        if self.method != "sobol":
            raise ValueError(f"Sobol indices need method='sobol'; this sweep is a {self.method} "
                             "(use plot_partial_dependence)")
        return sweep_indices(self)

    def plot_pareto(self):
        """Design points on total spend versus active member-days, with the Pareto set highlighted."""
        from sim.outputs.plots import sweep_pareto

        return sweep_pareto(self)

    def figures(self) -> dict:
        """The figures that fit this sweep's method and parameter count, keyed by file name."""
        figs = {"partial_dependence.png": self.plot_partial_dependence(), "pareto.png": self.plot_pareto()}
        if self.method == "grid" and len(self.ranges) == 2:
            figs["heatmap_lifespan.png"] = self.plot_heatmap("lifespan")
            figs["heatmap_active_member_days.png"] = self.plot_heatmap("active_member_days")
        if self.method == "sobol":
            figs["sobol_indices.png"] = self.plot_indices()
        return figs

    def to_html(self, path) -> None:
        """Write the sweep report as a single HTML file at `path`."""
        from sim.outputs.report import sweep_html

        Path(path).write_text(sweep_html(self), encoding="utf-8")

    def write(self, out) -> Path:
        """sweep.csv, runs.csv, indices.csv (sobol), pareto.csv, figures, report.html/.md, published together."""
        from sim.outputs.folder import publish
        from sim.outputs.plots import write_figures
        from sim.outputs.report import sweep_html, sweep_markdown

        out = Path(out)
        with publish(out, kind="sweep", complete=not self.failures) as stage:
            (stage / "sweep.csv").write_text(self.table().to_csv(index=False), encoding="utf-8")
            (stage / "runs.csv").write_text(self.runs().to_csv(index=False), encoding="utf-8")
            (stage / "pareto.csv").write_text(self.pareto().to_csv(index=False), encoding="utf-8")
            ind = self.indices()
            if ind is not None:
                (stage / "indices.csv").write_text(ind.to_csv(index=False), encoding="utf-8")
            images = write_figures(self.figures(), stage)
            (stage / "report.html").write_text(sweep_html(self, images), encoding="utf-8")
            (stage / "report.md").write_text(sweep_markdown(self, images), encoding="utf-8")
        return out


#: Read-outs a run may never reach within its horizon (phase starts, the decline): the sweep table counts them.
REACHED = ("t_growth", "t_active", "t_decline", "t_dormant", "decline_steepness", "members_day90")

#: Most design points a sweep may have (a grid of 1,000 levels over 3 parameters is 10^9).
MAX_DESIGN_POINTS = 100_000


def design_size(method: str, samples: int, d: int) -> int:
    """Design points a method yields: grid samples^d, lhs samples, sobol samples * (d + 2).

    >>> design_size("grid", 1000, 3)
    1000000000
    """
    if method == "grid":
        return samples ** d
    if method == "sobol":
        return samples * (d + 2)
    return samples


@dataclass
class SweepPlan:
    """A validated sweep, ready to run: the design, its scenarios and seeds (see `plan_sweep`)."""

    base: Scenario
    ranges: list
    method: str
    samples: int
    replications: int
    seed: int
    points: np.ndarray
    variants: list
    workers: int | None = None


def plan_sweep(scenario: Scenario | str, params: list, method: str = "lhs", samples: int | None = None,
               replications: int = 5, seed: int | None = None, workers: int | None = None) -> SweepPlan:
    """Check every argument and build the design and its scenarios; nothing runs, nothing is written.

    Raises ValueError or TypeError (with the parameter named) for: no or repeated
    parameters, unknown keys (with a "did you mean"), samples or replications below 1, more
    than `MAX_DESIGN_POINTS` points (checked before the design is allocated).
    """
    from sim.model.community import whole_number

    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if isinstance(params, (str, ParamRange)):
        params = [params]
    # a ParamRange given in Python is checked as its text would be (key, bounds, NOT_SWEPT)
    # (bounds as plain floats: numpy scalars' repr is 'np.float64(...)'); the schema decides `integer`
    ranges = [parse_param(f"{p.key}={float(p.low)!r}:{float(p.high)!r}" if isinstance(p, ParamRange) else p, base)
              for p in params]
    if not ranges:
        raise ValueError("a sweep needs at least one parameter range KEY=LOW:HIGH (--param on the command "
                         "line, params=[...] in Python)")
    keys = [r.key for r in ranges]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise ValueError(f"sweep parameter {', '.join(twice)} given more than once; give each parameter once")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    samples = {"grid": 5, "lhs": 20, "sobol": 16}[method] if samples is None else \
        whole_number(samples, "samples", low=1)
    replications = whole_number(replications, "replications", low=1)
    if workers is not None:
        workers = whole_number(workers, "workers", low=1)
    n_points = design_size(method, samples, len(ranges))
    if n_points > MAX_DESIGN_POINTS:
        raise ValueError(f"the {method} design has {n_points:,} points (samples {samples}, {len(ranges)} "
                         f"parameters); the limit is {MAX_DESIGN_POINTS:,}: use fewer samples or parameters")
    seed = whole_number(base.seed if seed is None else seed, "seed", high=2**63 - 1)
    pts = design(ranges, method, samples, seed=seed)
    variants = []
    for row in pts:
        overrides = [f"{r.key}={_fmt_value(v, r.integer)}" for r, v in zip(ranges, row)]
        try:
            variants.append(base.with_overrides(overrides))
        except ScenarioError as exc:  # the overrides are the sweep's own: blame the swept range, not --set
            problem = str(exc).replace("--set: ", "swept: ")
            raise ValueError(f"design point {', '.join(overrides)} is invalid (narrow the swept range):\n"
                             f"{problem}") from None
    return SweepPlan(base, ranges, method, samples, replications, seed, pts, variants, workers)


def sweep(scenario: Scenario | str, params: list, method: str = "lhs", samples: int | None = None,
          replications: int = 5, executor: Executor | str | None = None,
          store: ResultStore | str | os.PathLike | None = None, seed: int | None = None,
          progress: bool = True, workers: int | None = None) -> SweepResult:
    """Run a sweep. `params`: ParamRange objects or 'key=LOW:HIGH' strings.

    `samples` defaults to 5 levels per parameter (grid), 20 points (lhs) or 16 base samples
    (sobol: 16 * (d + 2) points). Other arguments as in `sim.experiments.compare.compare`.
    Every argument is checked before anything is allocated or run (`plan_sweep`).
    """
    plan = plan_sweep(scenario, params, method=method, samples=samples, replications=replications,
                      seed=seed, workers=workers)
    return run_plan(plan, executor=executor, store=store, progress=progress)


def run_plan(plan: SweepPlan, executor: Executor | str | None = None,
             store: ResultStore | str | os.PathLike | None = None, progress: bool = True) -> SweepResult:
    """Run a planned sweep (after the executor, graph-file and memory checks of `sim.experiments.preflight`)."""
    from sim.experiments.compare import warn_invalid
    from sim.experiments.executors import make_executor
    from sim.experiments.preflight import check_all
    from sim.experiments.store import run_key
    from sim.version import code_version

    base, ranges, method, samples, replications = plan.base, plan.ranges, plan.method, plan.samples, plan.replications
    seed, pts, variants, workers = plan.seed, plan.points, plan.variants, plan.workers
    check_all(variants, executor, workers, len(variants) * replications)
    seeds = replication_seeds(seed, replications)
    st = store if isinstance(store, ResultStore) else (ResultStore(store) if store else temporary_store())
    st.write_manifest({"kind": "sweep", "versions": versions(), "code": code_version(), "method": method,
                       "samples": samples,
                       "replications": replications, "seeds": seeds,
                       "params": [r.__dict__ for r in ranges], "base": base.to_dict(),
                       "points": pts.tolist()})
    keys = [run_key(sc) for sc in variants]
    by_key: dict = {}
    for i, key in enumerate(keys):
        by_key.setdefault(key, []).append(i)
    key_of = {id(sc): key for sc, key in zip(variants, keys)}
    rows: list[dict] = []

    def on_record(sc, seed_, record):
        for i in by_key[key_of[id(sc)]]:
            rows.append({"point": i, **dict(zip([r.key for r in ranges], pts[i])), "seed": seed_,
                         **record["readouts"]})

    unique = list({key: sc for sc, key in zip(variants, keys)}.values())
    tasks = [(sc, s) for sc in unique for s in seeds]
    if isinstance(executor, Executor):
        ex = execute(tasks, st, executor, on_record, progress, label="sweep", keys=key_of)
    else:
        with make_executor(workers=workers, serial=(executor == "serial")) as pool:
            ex = execute(tasks, st, pool, on_record, progress, label="sweep", keys=key_of)
    failures = [(f"point {by_key.get(k, k)}", s, tb) for k, s, tb in ex.failures]
    result = SweepResult(base, ranges, method, pts, seeds, rows, failures, st, ex.seconds, ex.reused)
    result.invalid = ex.invalid
    warn_invalid(ex.invalid)
    return result
