"""The `fit:` section of a scenario file: what to fit, with which priors, and how hard to try.

```yaml
fit:
  parameters:                        # dotted scenario keys and their priors
    acquisition.q_weak: {prior: uniform, low: 0.01, high: 0.15}
    acquisition.p_external: {prior: log-uniform, low: 1.0e-5, high: 1.0e-3}
    motivation.novelty_halflife: {prior: normal, mean: 300, sd: 100, low: 60, high: 900}
  observed: [members, dau, posts]    # series of the history to match (default: all it has)
  block_days: 14                     # summary statistics: series averaged over 14-day blocks
  population_size: 200               # ABC-SMC particles per generation
  generations: 8                     # at most
  budget: 4000                       # no generation starts after this many simulations
  forecast_draws: 100                # posterior draws continued to the forecast horizon
```

Priors: ``uniform`` (``low``, ``high``), ``log-uniform`` (``0 < low < high``; sampled and
perturbed on the log scale, so a rate spanning decades is explored evenly) and ``normal``
(``mean``, ``sd``, truncated to ``low``/``high``, by default the parameter's allowed range).
Every bound must lie inside the parameter's range in the schema (docs/scenarios.md). Integer
parameters are rounded after sampling. Problems are reported like every scenario problem, as
``file:line: fit.parameters.<key>.<field>: message``.

>>> from sim.scenario import scenario_from_dict
>>> sc = scenario_from_dict({"fit": {"parameters": {"acquisition.q_weak": {"prior": "uniform",
...                                                                         "low": 0.01, "high": 0.1}}}})
>>> spec = FitSpec.from_scenario(sc)
>>> spec.parameters[0].key, spec.parameters[0].kind, spec.block_days
('acquisition.q_weak', 'uniform', 14)
"""

from __future__ import annotations

import copy
import difflib
import math
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from sim.fitting.history import SERIES
from sim.scenario.loader import decimal_hint
from sim.scenario.params import P, Param

PRIORS = ("uniform", "log-uniform", "normal")
_PRIOR_ALIASES = {"loguniform": "log-uniform", "log_uniform": "log-uniform", "gaussian": "normal",
                  "truncated-normal": "normal"}
_PRIOR_FIELDS = {"uniform": ("prior", "low", "high"), "log-uniform": ("prior", "low", "high"),
                 "normal": ("prior", "mean", "sd", "low", "high")}
#: Keys that can never be fitted: they are not properties of the community.
UNFITTABLE = ("seed", "horizon_days", "name", "description")

#: The scalar settings of the `fit` section (validated like every other scenario key).
SETTINGS: dict[str, Param] = {
    "block_days": P(14, "int", "days", "Summary statistics: each observed series is averaged over "
                    "consecutive blocks of this many days (then log(1 + mean)).", 1, 1000),
    "population_size": P(200, "int", "particles", "ABC-SMC particles per generation.", 5, 1_000_000),
    "generations": P(8, "int", "generations", "At most this many ABC-SMC generations.", 1, 1000),
    "budget": P(4000, "int", "simulations", "No new generation starts once this many simulations are spent "
                "(the calibration sample from the prior included); the generation running then "
                "finishes.", 1, 10**9),
    "min_acceptance_rate": P(0.01, "float", "share", "Stop when a generation accepts fewer than this share "
                             "of its simulations.", 0, 1),
    "quantile": P(0.5, "float", "quantile", "Each generation's epsilon is this quantile of the previous "
                  "generation's distances (0.5: the median).", 0.01, 1),
    "forecast_days": P(None, "int", "days", "Forecast horizon in days since launch; null: the scenario's "
                       "horizon_days.", 2, 20000, nullable=True),
    "forecast_draws": P(100, "int", "draws", "Posterior draws continued to the forecast horizon (and run "
                        "by compare --from-fit).", 1, 1_000_000),
    "launch_date": P(None, "str", "date", "Calendar date (YYYY-MM-DD) of day 0 for a history with a date "
                     "column; null: its first date.", nullable=True),
    "seed": P(None, "int", "-", "Seed of the fit; null: the scenario's seed.", 0, 2**63 - 1, nullable=True),
}
DEFAULT_DORMANT_BY = (365, 730)


@dataclass(frozen=True)
class Prior:
    """One fitted parameter: its dotted key, prior and the schema's declaration of it."""

    key: str
    kind: str
    low: float
    high: float
    mean: float | None = None
    sd: float | None = None
    integer: bool = False

    # ---------------------------------------------------------------- scales
    @property
    def log(self) -> bool:
        """Whether the parameter is sampled and perturbed on the log10 scale (log-uniform priors)."""
        return self.kind == "log-uniform"

    def to_internal(self, x):
        """Natural units -> the scale ABC-SMC works on (log10 for log-uniform priors)."""
        x = np.asarray(x, float)
        return np.log10(x) if self.log else x

    def to_natural(self, z):
        """The ABC-SMC scale -> natural units (rounded for integer parameters)."""
        z = np.asarray(z, float)
        x = 10.0 ** z if self.log else z
        return np.round(x) if self.integer else x

    def internal_bounds(self) -> tuple[float, float]:
        """The prior's support on the ABC-SMC scale."""
        lo, hi = self.to_internal([self.low, self.high])
        return float(lo), float(hi)

    # ---------------------------------------------------------------- distribution
    def scipy(self):
        """The prior on the ABC-SMC scale as a frozen scipy.stats distribution."""
        from scipy import stats

        lo, hi = self.internal_bounds()
        if self.kind == "normal":
            return stats.truncnorm((lo - self.mean) / self.sd, (hi - self.mean) / self.sd, loc=self.mean,
                                   scale=self.sd)
        return stats.uniform(lo, hi - lo)

    def pyabc_rv(self):
        """The prior on the ABC-SMC scale as a pyabc random variable."""
        import pyabc

        lo, hi = self.internal_bounds()
        if self.kind == "normal":
            return pyabc.RV("truncnorm", (lo - self.mean) / self.sd, (hi - self.mean) / self.sd,
                            loc=self.mean, scale=self.sd)
        return pyabc.RV("uniform", lo, hi - lo)

    def sample(self, rng: np.random.Generator, n: int | None = None):
        """Draws from the prior in natural units."""
        u = rng.random(n)
        return self.to_natural(self.scipy().ppf(u))

    def quantile(self, q):
        """Prior quantiles in natural units (before rounding)."""
        z = self.scipy().ppf(q)
        return 10.0 ** z if self.log else z

    def pdf(self, x):
        """Prior density in natural units (for the prior-versus-posterior figure)."""
        x = np.asarray(x, float)
        if self.log:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(x > 0, self.scipy().pdf(np.log10(np.maximum(x, 1e-300))) / (x * np.log(10)), 0.0)
        return self.scipy().pdf(x)

    def describe(self) -> str:
        """The prior in words: 'uniform on [0.01, 0.1]'."""
        if self.kind == "normal":
            return f"normal(mean {self.mean:g}, sd {self.sd:g}) truncated to [{self.low:g}, {self.high:g}]"
        return f"{self.kind} on [{self.low:g}, {self.high:g}]"

    def to_dict(self) -> dict:
        """The prior as it would be written in the `fit:` section."""
        d = {"prior": self.kind, "low": self.low, "high": self.high}
        if self.kind == "normal":
            d.update(mean=self.mean, sd=self.sd)
        if self.integer:
            d["integer"] = True
        return d


@dataclass(frozen=True)
class FitSpec:
    """A validated `fit:` section: priors, observed series and ABC-SMC / forecast settings."""

    parameters: tuple[Prior, ...]
    observed: tuple[str, ...] | None = None
    block_days: int = 14
    population_size: int = 200
    generations: int = 8
    budget: int = 4000
    min_acceptance_rate: float = 0.01
    quantile: float = 0.5
    forecast_days: int | None = None
    forecast_draws: int = 100
    dormant_by: tuple[int, ...] = DEFAULT_DORMANT_BY
    launch_date: str | None = None
    seed: int | None = None
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def keys(self) -> list[str]:
        """The fitted parameters' dotted keys, in file order."""
        return [p.key for p in self.parameters]

    def prior(self, key: str) -> Prior:
        """The prior of one fitted parameter."""
        return next(p for p in self.parameters if p.key == key)

    def with_settings(self, **settings) -> "FitSpec":
        """A copy with some settings replaced (None values are ignored), e.g. budget from the command line."""
        return replace(self, **{k: v for k, v in settings.items() if v is not None})

    def to_dict(self) -> dict:
        """The section as plain data, in the form the loader accepts back."""
        d = asdict(self)
        d.pop("extra")
        d["parameters"] = {p.key: p.to_dict() for p in self.parameters}
        d["observed"] = list(self.observed) if self.observed else None
        d["dormant_by"] = list(self.dormant_by)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "FitSpec":
        """Rebuild from `to_dict` output or the loader's validated section (trusted input)."""
        d = copy.deepcopy(d)
        params = []
        for key, pr in d.pop("parameters").items():
            params.append(Prior(key, pr["prior"], float(pr["low"]), float(pr["high"]), pr.get("mean"),
                                pr.get("sd"), bool(pr.get("integer", False))))
        obs = d.pop("observed", None)
        dormant = tuple(d.pop("dormant_by", DEFAULT_DORMANT_BY) or ())
        where = d.pop("where", None) or {}
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__ and k != "extra"}
        return cls(tuple(params), tuple(obs) if obs else None, dormant_by=dormant, extra={"where": where}, **known)

    def where(self, key: str) -> str:
        """'file:line' of a key of the fit section (for problems found against the history)."""
        return self.extra.get("where", {}).get(key, "fit")

    @classmethod
    def from_scenario(cls, scenario) -> "FitSpec":
        """The spec of a scenario's `fit:` section; ValueError when it has none."""
        section = getattr(scenario, "fit", None)
        if not section:
            where = getattr(scenario, "path", None) or "the scenario"
            raise ValueError(f"{where} has no 'fit:' section: list the parameters to fit and their priors "
                             "(see sim/fitting/spec.py or the README)")
        return cls.from_dict(section)


# ----------------------------------------------------------------------------------------
# Validation (called by the scenario loader)
# ----------------------------------------------------------------------------------------
def parameter_declaration(key: str, resolved: dict) -> Param | None:
    """The schema's Param of a dotted key in a resolved scenario (strategies by their kind), or None.

    A strategy's key names one of the scenario's strategies (not a kind it does not run).
    """
    from sim.scenario.schema import param_of

    strategies = resolved.get("strategies") or {}
    parts = key.split(".")
    if parts[0] == "strategies" and (len(parts) != 3 or parts[1] not in strategies):
        return None
    return param_of(key, {name: spec["kind"] for name, spec in strategies.items()})


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _check_prior(key: str, raw, decl: Param, here: tuple, report) -> dict | None:
    """Validate one parameter's prior; report problems with `report(path, message)`; return it normalised."""
    if not isinstance(raw, dict):
        report(here, "expected a mapping such as {prior: uniform, low: 0.01, high: 0.1}")
        return None
    kind = raw.get("prior")
    if kind is None:
        report(here, f"missing 'prior'; one of {', '.join(PRIORS)}")
        return None
    kind = _PRIOR_ALIASES.get(str(kind).lower(), str(kind).lower())
    if kind not in PRIORS:
        close = difflib.get_close_matches(str(raw.get("prior")), PRIORS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        report(here + ("prior",), f"{raw.get('prior')!r} is not a prior; one of {', '.join(PRIORS)}{hint}")
        return None
    ok = True
    for k in raw:
        if k not in _PRIOR_FIELDS[kind] and k != "integer":  # `integer` is set by the validator itself
            close = difflib.get_close_matches(str(k), _PRIOR_FIELDS[kind], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else \
                f"; a {kind} prior takes {', '.join(_PRIOR_FIELDS[kind][1:])}"
            report(here + (str(k),), f"unknown field{hint}")
            ok = False
    rng = decl.describe_range()
    out = {"prior": kind}
    for k in _PRIOR_FIELDS[kind][1:]:
        v = raw.get(k)
        if v is None:
            if kind == "normal" and k in ("low", "high"):
                bound = decl.low if k == "low" else decl.high
                if bound is None:
                    report(here, f"a normal prior needs '{k}': {key} is unbounded ({rng})")
                    ok = False
                else:
                    out[k] = float(bound)
                continue
            report(here, f"missing '{k}' for a {kind} prior")
            ok = False
            continue
        if not _number(v):
            report(here + (k,), f"expected a number, got {v!r}{decimal_hint(v)}")
            ok = False
            continue
        out[k] = float(v)
    if not ok:
        return None
    lo, hi = out["low"], out["high"]
    if not lo < hi:
        report(here + ("high",), f"high ({hi:g}) must be above low ({lo:g})")
        return None
    for k in ("low", "high"):
        v = out[k]
        if (decl.low is not None and v < decl.low) or (decl.high is not None and v > decl.high):
            report(here + (k,), f"{v:g} is outside the range of {key}: {rng}")
            ok = False
    if kind == "log-uniform" and lo <= 0:
        report(here + ("low",), f"a log-uniform prior needs low > 0, got {lo:g}")
        ok = False
    if kind == "normal":
        if out["sd"] <= 0:
            report(here + ("sd",), f"sd must be above 0, got {out['sd']:g}")
            ok = False
        elif not lo <= out["mean"] <= hi:
            report(here + ("mean",), f"mean {out['mean']:g} is outside [low, high] = [{lo:g}, {hi:g}]")
            ok = False
    if decl.type == "int":
        out["integer"] = True
    return out if ok else None


def budget_shortfall(budget: int, particles: int) -> str | None:
    """Why `budget` simulations cannot run a fit of `particles` per generation, or None if they can.

    The calibration sample and one generation take `particles` simulations each.

    >>> budget_shortfall(10, 100)
    '10 simulations cannot fill the calibration sample and one generation of 100 particles; give at least 200'
    """
    if budget >= 2 * particles:
        return None
    return (f"{budget:,} simulations cannot fill the calibration sample and one generation of {particles} "
            f"particles; give at least {2 * particles:,}")


def validate_fit_section(doc, resolved: dict, locs: dict, file: str, problems: list) -> dict | None:
    """Check a scenario's `fit:` section against the schema; append `Problem`s; return it normalised.

    Called by `sim.scenario.loader` after the rest of the scenario is resolved, so dotted keys
    of strategies are checked against the strategies the scenario actually has.
    """
    from sim.scenario.loader import Problem, _validate_tree, _where

    def report(path: tuple, message: str) -> None:
        f, line = _where(locs, ("fit",) + path, file)
        problems.append(Problem(f, line, ".".join(("fit",) + path), message))

    if not isinstance(doc, dict):
        report((), "expected a mapping with 'parameters' (see the README's fit section)")
        return None
    scalars = {k: v for k, v in doc.items() if k not in ("parameters", "observed", "dormant_by", "where")}
    import datetime as dt

    if type(scalars.get("launch_date")) is dt.date:  # YAML reads an unquoted 2025-04-01 as a date
        scalars["launch_date"] = scalars["launch_date"].isoformat()
    out = _validate_tree(scalars, SETTINGS, ("fit",), locs, file, problems)
    budget, particles = out.get("budget"), out.get("population_size")
    if isinstance(budget, int) and isinstance(particles, int) and budget_shortfall(budget, particles):
        report(("budget",), budget_shortfall(budget, particles))
    if out.get("launch_date") is not None:
        try:
            dt.date.fromisoformat(out["launch_date"])
        except ValueError:
            report(("launch_date",), f"{out['launch_date']!r} is not a date (YYYY-MM-DD)")

    params = doc.get("parameters")
    normalised: dict = {}
    if not isinstance(params, dict) or not params:
        report(("parameters",) if "parameters" in doc else (),
               "list at least one parameter to fit, e.g. parameters: {acquisition.q_weak: "
               "{prior: uniform, low: 0.01, high: 0.1}}")
    else:
        for key, raw in params.items():
            key = str(key)
            here = ("parameters", key)
            decl = parameter_declaration(key, resolved)
            if key in UNFITTABLE:
                report(here, f"{key} cannot be fitted: it describes the run, not the community")
                continue
            if decl is None:
                from sim.scenario.schema import SCHEMA, iter_leaves

                known = [".".join(p) for p, _ in iter_leaves(SCHEMA)]
                known += [f"strategies.{n}.{k}" for n, s in (resolved.get("strategies") or {}).items()
                          for k in s if k != "kind"]
                sections = {k.split(".", 1)[0] for k in known}
                if key in sections and isinstance(raw, dict):  # `--set fit.parameters.acquisition.q_weak.low=`
                    name = f"{key}.<name>.<key>" if key == "strategies" else f"{key}.<name>"
                    report(here, f"not a scenario parameter: a fitted parameter is named by its whole dotted key "
                           f"on one line ({name}: {{prior: ..., low: ..., high: ...}}), not by nested keys "
                           f"(which --set fit.parameters.{key}... also makes); write it so in the fit: section, "
                           f"or set the section whole with --set "
                           f"'fit.parameters={{{name}: {{prior: uniform, low: ..., high: ...}}}}'")
                    continue
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else " (see docs/scenarios.md)"
                report(here, f"not a scenario parameter{hint}")
                continue
            if decl.type not in ("int", "float"):
                report(here, f"only numeric parameters can be fitted; {key} is {decl.describe_range()}")
                continue
            prior = _check_prior(key, raw, decl, here, report)
            if prior is not None:
                normalised[key] = prior
    out["parameters"] = normalised

    observed = doc.get("observed")
    if observed is not None:
        if isinstance(observed, str):
            observed = [observed]
        if not isinstance(observed, list) or not observed:
            report(("observed",), f"expected a list of series, some of {', '.join(SERIES)}")
            observed = None
        else:
            for s in observed:
                if s not in SERIES:
                    close = difflib.get_close_matches(str(s), SERIES, n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else f"; one of {', '.join(SERIES)}"
                    report(("observed",), f"{s!r} is not a series{hint}")
            if len(set(observed)) != len(observed):
                report(("observed",), "a series is listed twice")
    out["observed"] = list(observed) if observed else None

    dormant = doc.get("dormant_by", list(DEFAULT_DORMANT_BY))
    if dormant is None:
        dormant = []
    if not isinstance(dormant, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0
                                                for d in dormant):
        hint = next(filter(None, map(decimal_hint, dormant)), "") if isinstance(dormant, list) else ""
        report(("dormant_by",), f"expected a list of days, e.g. [365, 730], got {dormant!r}{hint}")
        dormant = list(DEFAULT_DORMANT_BY)
    out["dormant_by"] = sorted(set(dormant))
    # where each key was written, so later checks against the history can point at the file and line
    where = {}
    for key in ("observed", "forecast_days", "parameters", "block_days", "launch_date"):
        f, line = _where(locs, ("fit", key), file)
        where[key] = f"{f}:{line}" if line else f
    out["where"] = where
    return out


__all__ = ["PRIORS", "SETTINGS", "FitSpec", "Prior", "parameter_declaration", "validate_fit_section"]
