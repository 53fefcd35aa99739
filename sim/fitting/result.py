"""A finished fit: the posterior, the forecast, figures and the report; written to and read from a folder.

Files of a fit's output folder::

    fit_manifest.json      what was fitted: scenario (resolved), fit section, history, seed, versions
    history.csv            the observed history as read (a copy, so the folder stands alone)
    fit.db                 pyabc's database (every generation); distance_weights.json (the adaptive
                           distance's weights, for an exact resume); abc_state.json (why it stopped)
    posterior.csv          the final generation: particle, weight, each parameter, seed, distance
    generations.csv        per generation: epsilon, simulations, acceptance rate, ESS
    forecast_draws.csv     the posterior draws continued to the horizon and what each did
    forecast.csv           per day and series: 5/25/50/75/95% of the forecast draws
    fit_summary.json       per parameter mean/q05/q50/q95 and the forecast block
    forecast_fan.png, posterior_pairs.png, prior_vs_posterior.png, dormancy.png
    report.html, report.md a report a strategist can forward
    forecast/              the results store of the forecast runs
"""

from __future__ import annotations

import json
import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.fitting.forecast import fan, forecast_summary, lifespans
from sim.fitting.history import ObservedHistory, read_history
from sim.fitting.spec import FitSpec
from sim.fitting.summary import SummaryLayout
from sim.fitting.weighted import effective_sample_size, weighted_mean, weighted_quantile, weighted_sd
from sim.scenario import Scenario, ScenarioError
from sim.version import MODEL_VERSION

#: How much of the prior's 90% interval the posterior's 90% interval keeps, by verdict.
CONSTRAINED_BELOW, PRIOR_ABOVE = 0.5, 0.85


def share_of_prior(prior, q05: float, q95: float) -> float:
    """The posterior's 90% interval as a share of the prior's, both on the scale the prior is drawn on.

    For a log-uniform prior that is the log scale: in natural units the same information read
    25% low in the range and 78% high in it (a researcher's red team, 2026-12-07).

    >>> from sim.fitting.spec import Prior
    >>> p = Prior("motivation.novelty_halflife", "log-uniform", 100.0, 1000.0)
    >>> round(share_of_prior(p, 100.0, 316.2), 2), round(share_of_prior(p, 316.2, 1000.0), 2)
    (0.56, 0.56)
    >>> round(share_of_prior(Prior("acquisition.q_close", "uniform", 0.0, 1.0), 0.2, 0.65), 2)
    0.5
    """
    lo, hi = max(q05, prior.low), max(q95, prior.low)  # an integer prior's rounding can fall below it (to 0)
    (a, b), (pa, pb) = prior.to_internal([lo, hi]), prior.to_internal([*prior.quantile([0.05, 0.95])])
    return float((b - a) / (pb - pa)) if pb > pa else math.nan


@dataclass
class FitResult:
    """The posterior of a fit and its forecast, with figures and reports.

    `posterior()` is the final ABC-SMC generation (weighted particles), `forecast()` the
    forecast block, `summary()` all of fit_summary.json; `plot_forecast()`,
    `plot_posterior()`, `plot_constraints()` and `plot_dormancy()` draw the figures and
    `write(out)` writes every file.
    """

    scenario: Scenario  # with horizon_days = the forecast horizon
    spec: FitSpec
    history: ObservedHistory
    layout: SummaryLayout
    fit_seed: int
    particles: pd.DataFrame  # posterior in natural units: particle, weight, <keys>, seed, distance
    generations: pd.DataFrame
    draws: pd.DataFrame
    records: list
    failures: list = field(default_factory=list)
    info: dict = field(default_factory=dict)  # how the fit ran: resume, stop reason, executor, times
    out: Path | None = None

    # ---------------------------------------------------------------- tables
    @property
    def horizon(self) -> int:
        """The forecast horizon (days since launch)."""
        return int(self.scenario.horizon_days)

    def posterior(self) -> pd.DataFrame:
        """The weighted posterior sample: particle, weight, each fitted parameter, seed, distance."""
        return self.particles.copy()

    def parameter_summary(self) -> dict:
        """Per fitted parameter: mean, sd, q05, q50, q95, the prior's 90% interval and what the data did."""
        out = {}
        w = self.particles["weight"].to_numpy()
        for p in self.spec.parameters:
            x = self.particles[p.key].to_numpy(float)
            q05, q50, q95 = weighted_quantile(x, w, [0.05, 0.5, 0.95])
            pq05, pq95 = (float(v) for v in p.quantile([0.05, 0.95]))
            ratio = share_of_prior(p, q05, q95)
            verdict = "constrained by the data" if ratio < CONSTRAINED_BELOW else \
                ("stayed at the prior" if ratio > PRIOR_ABOVE else "partly constrained")
            out[p.key] = {"mean": weighted_mean(x, w), "sd": weighted_sd(x, w), "q05": float(q05),
                          "q50": float(q50), "q95": float(q95), "prior": p.to_dict(),
                          "prior_q05": pq05, "prior_q95": pq95, "interval_vs_prior": float(ratio),
                          "interval_vs_prior_scale": "log10" if p.log else "natural",
                          "verdict": verdict}
        return out

    def history_check(self) -> dict:
        """Does the fitted model reproduce the history? A posterior predictive check.

        Each observed summary statistic (a series' block mean) against the 90% band of the same
        statistic over the forecast draws, which replay the history's days. The check is not out
        of sample: a draw's first run is an accepted simulation, with its own seed, so a fitting
        model leaves well under a tenth outside; a large share outside means even the simulations
        the fit accepted miss the history (a launch date set wrong, weekly values read as daily,
        a mechanism the model lacks). `worst`: the statistic furthest outside.
        """
        from sim.fitting.forecast import daily

        ok = [r for r in self.records if r is not None]
        labels = self.layout.labels()
        observed = np.concatenate([self.layout.observed()[s] for s in self.layout.series])
        if len(ok) < 2:
            return {"statistics": len(labels), "outside": None, "share_outside": None, "draws": len(ok)}
        series = self.layout.series
        sims = np.array([np.concatenate(list(self.layout.simulated({s: daily(r, s) for s in series}).values()))
                         for r in ok])
        lo, hi = np.quantile(sims, 0.05, axis=0), np.quantile(sims, 0.95, axis=0)
        outside = (observed < lo) | (observed > hi)
        width = np.maximum(hi - lo, 1e-9)
        miss = np.where(observed > hi, observed - hi, np.where(observed < lo, lo - observed, 0.0)) / width
        worst = None
        if outside.any():
            i = int(np.argmax(miss))
            worst = {"statistic": labels[i], "observed": float(np.expm1(observed[i])),
                     "band": [float(np.expm1(lo[i])), float(np.expm1(hi[i]))]}
        return {"statistics": len(labels), "outside": int(outside.sum()),
                "share_outside": float(outside.mean()), "draws": len(ok), "worst": worst}

    def forecast(self) -> dict:
        """The forecast block: dormancy day, peak, probabilities of dormancy by given days."""
        return forecast_summary(self.records, self.horizon, self.spec.dormant_by, self.history.last_day)

    def forecast_series(self, series: str = "dau") -> pd.DataFrame:
        """Per day of the forecast: 5/25/50/75/95% of `series` over the draws."""
        from sim.fitting.forecast import STORED_COUNTS

        kept = sorted({k for r in self.records if r is not None for k in r["series"]} | set(STORED_COUNTS))
        if series not in kept:
            raise ValueError(f"no forecast series {series!r}; the forecast kept: {', '.join(kept)}")
        return fan(self.records, series, self.horizon)

    def forecast_table(self) -> pd.DataFrame:
        """forecast.csv: one row per day, q05 ... q95 of every kept series."""
        parts = []
        for s in self.fan_series():
            df = self.forecast_series(s).set_index("day")
            df.columns = [f"{s}_{c}" for c in df.columns]
            parts.append(df)
        table = pd.concat(parts, axis=1).reset_index() if parts else pd.DataFrame({"day": []})
        if self.history.origin is not None:
            table.insert(1, "date", [self.history.date_of(d) for d in table["day"]])
        return table

    def fan_series(self) -> list[str]:
        """The series drawn in the forecast fan: the observed ones, and DAU."""
        series = list(self.layout.series)
        return series + (["dau"] if "dau" not in series else [])

    def draws_table(self) -> pd.DataFrame:
        """forecast_draws.csv: each draw's parameters and seed, and what its run did."""
        df = self.draws.copy()
        life = lifespans([r or {"lifespan": None} for r in self.records], self.horizon)
        df["dormant_from_day"] = [None if (r is None or not math.isfinite(v)) else int(v)
                                  for r, v in zip(self.records, life)]
        df["alive_at_horizon"] = [r is not None and r["lifespan"] is None for r in self.records]
        for m in ("peak_day", "peak_dau", "peak_members", "active_member_days"):
            df[m] = [None if r is None else r["readouts"].get(m) for r in self.records]
        return df

    def summary(self) -> dict:
        """Everything of fit_summary.json."""
        gens = self.generations
        return {
            "scenario": self.scenario.get("name") or (Path(self.scenario.path).stem if self.scenario.path else None),
            "scenario_file": self.scenario.path,
            "history": {"file": self.history.path, "sha256": self.history.sha256, "observed_days": int(
                len(self.history.days)), "last_day": self.history.last_day, "series": list(self.layout.series),
                "launch_date": self.history.date_of(0)},
            "parameters": self.parameter_summary(),
            "forecast": self.forecast(),
            "history_check": self.history_check(),
            "sentence": self.sentence(),
            "abc": {"algorithm": "ABC-SMC (pyabc), adaptive weighted Euclidean distance (MAD scales, refit "
                                 "every generation from all simulations), median epsilon schedule"
                                 if self.spec.quantile == 0.5 else
                                 f"ABC-SMC (pyabc), adaptive distance, epsilon = {self.spec.quantile:g} "
                                 "quantile of the previous distances",
                    "summary_statistics": f"log(1 + mean over {self.spec.block_days}-day blocks) of "
                                          f"{', '.join(self.layout.series)}: {self.layout.size()} statistics",
                    "population_size": self.spec.population_size,
                    "generations": gens.to_dict(orient="records"),
                    "total_simulations": int(self.info.get("total_simulations", gens["simulations"].sum())),
                    "final_epsilon": float(gens["epsilon"].iloc[-1]) if len(gens) else None,
                    "effective_sample_size": effective_sample_size(self.particles["weight"]),
                    "stopped_by": self.info.get("stopped_by"), "seed": self.fit_seed,
                    "budget": self.spec.budget},
            "run": {k: v for k, v in self.info.items() if k not in ("total_simulations", "stopped_by")},
            "failures": len(self.failures),
        }

    # ---------------------------------------------------------------- words
    def summary_title(self) -> str:
        """The scenario's name (or file stem) for titles."""
        return self.scenario.get("name") or (Path(self.scenario.path).stem if self.scenario.path else "fit")

    def day_text(self, day) -> str:
        """'day 412' or 'day 412 (2025-03-04)' when the history has dates."""
        if day is None:
            return f"after day {self.horizon}"
        d = int(round(day))
        date = self.history.date_of(d)
        return f"day {d:,}" + (f" ({date})" if date else "")

    def sentence(self) -> str:
        """The one sentence a strategist forwards: when the community goes dormant on its present course."""
        f = self.forecast()
        life = f["lifespan"]
        if life["q05"] is None:  # at most 5% of the forecasts went dormant: say how many, not a percentage
            n = f["draws"]
            share = life["after_horizon_share"]
            alive = n if share is None else round(share * n)
            return (f"On its present course the community is still active at day {self.horizon:,} "
                    f"(the forecast horizon) in {alive:,} of {n:,} forecasts.")
        if life["q95"] is None:
            # more than 5% of the forecasts are still active at the horizon, so the dormancy days
            # have a lower bound only: 95% of the forecasts are still active on day q05
            share, n = life["after_horizon_share"], f["draws"]
            early = f"95% of the forecasts are still active on {self.day_text(life['q05'])}"
            # the mode of the dormancy days leaves out the forecasts still active: when those are
            # the larger part, "still active at the horizon" is the most likely outcome
            if share >= 0.5 or life["most_likely"] is None:  # day 0 is a day
                return (f"On its present course the community is most likely still active at the "
                        f"{self.horizon:,}-day horizon ({share:.0%} of {n:,} forecasts are); {early}.")
            return (f"On its present course the community most likely goes dormant around "
                    f"{self.day_text(life['most_likely'])}; {early}, and {share:.0%} of {n:,} at the "
                    f"{self.horizon:,}-day horizon.")
        return (f"On its present course the community goes dormant between {self.day_text(life['q05'])} "
                f"and {self.day_text(life['q95'])} (90%); most likely around "
                f"{self.day_text(life['most_likely'])}.")

    # ---------------------------------------------------------------- figures
    def plot_forecast(self):
        """The observed series over the posterior predictive fan (50% and 90%), continued to the horizon."""
        from sim.outputs.fit_plots import forecast_fan_figure

        return forecast_fan_figure(self)

    def plot_posterior(self):
        """Posterior marginals (diagonal) and pairs (below it), weighted."""
        from sim.outputs.fit_plots import posterior_pairs_figure

        return posterior_pairs_figure(self)

    def plot_constraints(self):
        """Prior against posterior per parameter: what the data constrained and what stayed at the prior."""
        from sim.outputs.fit_plots import prior_posterior_figure

        return prior_posterior_figure(self)

    def plot_dormancy(self):
        """The forecast distribution of the dormancy day."""
        from sim.outputs.fit_plots import dormancy_figure

        return dormancy_figure(self)

    def figures(self) -> dict:
        """All figures, keyed by the file name they are written under."""
        return {"forecast_fan.png": self.plot_forecast(), "posterior_pairs.png": self.plot_posterior(),
                "prior_vs_posterior.png": self.plot_constraints(), "dormancy.png": self.plot_dormancy()}

    # ---------------------------------------------------------------- files
    def to_html(self, path) -> None:
        """Write the report as one self-contained HTML file."""
        from sim.outputs.fit_report import fit_html

        Path(path).write_text(fit_html(self), encoding="utf-8")

    def write(self, out: str | os.PathLike | None = None) -> Path:
        """Write posterior.csv, generations.csv, the forecast tables, fit_summary.json, figures and reports.

        They are published as one set (`sim.outputs.folder.publish`): interrupted, the folder keeps
        the previous set whole, never this fit's tables beside the last one's reports.
        """
        from sim.outputs.fit_report import fit_caveats, fit_html, fit_markdown, read_with_care
        from sim.outputs.folder import publish
        from sim.outputs.plots import write_figures

        out = Path(out or self.out)
        with publish(out, "fit") as stage:
            def put(name: str, text: str) -> None:
                (stage / name).write_text(text, encoding="utf-8")

            put("posterior.csv", self.posterior().to_csv(index=False))
            put("generations.csv", self.generations.to_csv(index=False))
            put("forecast_draws.csv", self.draws_table().to_csv(index=False))
            put("forecast_draws.json", json.dumps(self.draws.to_dict(orient="records")))
            put("forecast.csv", self.forecast_table().to_csv(index=False))
            # the file people forward carries what the report says to weigh first (red team, 2026-12-07)
            summary = {**self.summary(), "read_with_care": read_with_care(self), "caveats": fit_caveats(self)}
            put("fit_summary.json", json.dumps(summary, indent=2, default=_jsonable))
            images = write_figures(self.figures(), stage)
            put("report.html", fit_html(self, images))
            put("report.md", fit_markdown(self, images))
        return out


def _jsonable(x):
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return None if not np.isfinite(x) else float(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, Path):
        return str(x)
    return str(x)


#: The files `load_fit` reads, written together by `FitResult.write` once a fit has finished.
FIT_SET = ("posterior.csv", "generations.csv", "forecast_draws.json", "fit_summary.json")


def _records_by_digest(store) -> dict:
    """{(scenario digest, seed): run key} of the forecast records in `store` (each record carries its digest)."""
    found = {}
    for path in sorted((store.root / "runs").glob("*/*.json")):
        try:
            digest = json.loads(path.read_text(encoding="utf-8")).get("digest")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(digest, str) and path.stem.isdigit():
            found.setdefault((digest, int(path.stem)), path.parent.name)
    return found


def _check_strategy_names(scenario: Scenario, folder: Path) -> None:
    """`ScenarioError` naming the fit folder when its scenario names a strategy circlesim now refuses.

    A fit made before 2026-12-07 could name one `monthly.events`; every posterior draw and
    design is a scenario checked again, and would fail on the name with a message about the
    wrong file.
    """
    from sim.scenario.loader import Problem, bad_strategy_name

    problems = [Problem(str(folder / "fit_manifest.json"), None, f"strategies.{name}",
                        f"{why}; rename it in {scenario.path or 'the scenario'} and fit again")
                for name, _, _ in scenario.strategies if (why := bad_strategy_name(name))]
    if problems:
        raise ScenarioError(problems, f"the fit in {folder}")


def load_fit(folder: str | os.PathLike) -> FitResult:
    """A finished fit read back from its output folder (for reports, notebooks and compare --from-fit)."""
    from sim.experiments.store import ResultStore
    from sim.fitting.engine import scenario_with

    folder = Path(folder)
    manifest_path = folder / "fit_manifest.json"
    if not manifest_path.exists():
        raise FileNotFoundError(f"{folder}: not a fit output folder (no fit_manifest.json); run circlesim fit first")
    missing = [n for n in FIT_SET if not (folder / n).exists()]
    if missing:
        raise FileNotFoundError(f"{folder}: the fit has not finished, or ran with write=False, so its results were "
                                f"never written (no {', '.join(missing)}); run the same circlesim fit command (or "
                                "sim.fit with write=True) again: it resumes from its database and writes them")
    reading = "fit_manifest.json"  # the file being read, for the message when one is damaged
    try:
        man = json.loads(manifest_path.read_text(encoding="utf-8"))
        if not isinstance(man, dict):
            raise TypeError(f"a {type(man).__name__}, not the manifest's mapping")
        made_with = man.get("model_version")  # recorded from model version 4 on
        if made_with != MODEL_VERSION:
            warnings.warn(f"{folder}: this fit was made with model version {made_with or '3 or earlier'}, the model "
                          f"is at {MODEL_VERSION}: its posterior and forecasts describe that model (CHANGELOG.md says "
                          "what changed); run the fit again for this one", stacklevel=2)
        # unchecked: a fit made by an earlier model version may hold keys since renamed (warned above)
        scenario = Scenario(man["scenario"]["resolved"], man["scenario"]["path"], _checked=True)
        _check_strategy_names(scenario, folder)
        spec = FitSpec.from_dict(man["fit"])
        reading = "history.csv"
        history = read_history(folder / "history.csv")  # days since launch, with the original file's comments
        reading = "fit_manifest.json"
        history.path = man["history"]["path"]
        history.sha256 = man["history"]["sha256"]
        if man["history"].get("launch_date"):
            import datetime as dt

            history.origin = dt.date.fromisoformat(man["history"]["launch_date"])
        layout = SummaryLayout.from_history(history, man["observed"], spec.block_days)
        reading = "posterior.csv"
        particles = pd.read_csv(folder / "posterior.csv")
        reading = "generations.csv"
        generations = pd.read_csv(folder / "generations.csv")
        reading = "forecast_draws.json"
        draws = pd.DataFrame(json.loads((folder / "forecast_draws.json").read_text(encoding="utf-8")))
        from sim.experiments.store import own_strategy_kinds, run_key

        store = ResultStore(folder / "forecast")
        records, by_digest = [], None
        for _, d in draws.iterrows():
            try:
                sc = scenario_with(scenario, spec, {k: d[k] for k in spec.keys})
            except ScenarioError as exc:  # not a damaged file: e.g. a strategy kind this process lacks
                raise ScenarioError(exc.problems, f"the fit in {folder}") from None
            key, seed = run_key(sc), int(d["seed"])
            if not store.has(key, seed) and own_strategy_kinds(sc):
                # a researcher's own strategy kind keys runs to its class object, which a new process
                # makes anew: find this fit's forecast by the scenario's digest the record carries
                by_digest = _records_by_digest(store) if by_digest is None else by_digest
                key = by_digest.get((sc.digest(), seed), key)
            records.append(store.read_valid(key, seed, sc.horizon_days)[0] if store.has(key, seed) else None)
        reading = "fit_summary.json"
        summary = json.loads((folder / "fit_summary.json").read_text(encoding="utf-8"))
        info = dict(summary.get("run", {}))
        info["stopped_by"] = summary.get("abc", {}).get("stopped_by")
        info["total_simulations"] = summary.get("abc", {}).get("total_simulations")
        fit_seed = int(man["seed"])
    except ScenarioError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, pd.errors.EmptyDataError) as exc:
        why = f"no {exc}" if isinstance(exc, KeyError) else (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ValueError(f"{folder / reading}: damaged, the fit cannot be read back ({why}); run circlesim fit "
                         "again into a new --out") from None
    return FitResult(scenario, spec, history, layout, fit_seed, particles, generations, draws, records,
                     [], info, folder)


__all__ = ["FitResult", "load_fit"]
