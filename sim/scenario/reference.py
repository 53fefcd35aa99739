"""Generate `docs/scenarios.md`, the scenario parameter reference, from the schema.

The file is generated, never edited by hand: `circlesim reference --out docs/scenarios.md`.
A test fails when the committed file is stale.

>>> "population.size" in scenario_reference()
True
"""

from __future__ import annotations

from sim.scenario.schema import COMMON_STRATEGY_PARAMS, ROLES, SCHEMA, Param, iter_leaves, role_in


def _row(key: str, p: Param, section: str | None = None) -> str:
    """One table row; the role is read as `role_in` reads it, in `section` (default: the key's first part)."""
    role = role_in(section or key.split(".")[0], p)
    default = "null" if p.default is None else repr(p.default).replace("'", '"')
    if isinstance(p.default, bool):
        default = str(p.default).lower()
    doc = p.doc.replace("|", "\\|")
    return f"| `{key}` | {default} | {p.unit} | {p.describe_range()} | {role} | {doc} |"


HEAD = "| key | default | unit | allowed | role | meaning |"
RULE = "|---|---|---|---|---|---|"


def scenario_reference() -> str:
    """The Markdown text of docs/scenarios.md: every scenario and strategy parameter with default, unit and range."""
    from sim.model.strategies import KINDS

    lines = [
        "# Scenario file reference",
        "",
        "Generated from `sim/scenario/schema.py` and `sim/model/strategies/` by `circlesim reference --out "
        "docs/scenarios.md`; do not edit by hand (a test checks it is current).",
        "",
        "A scenario is a YAML mapping. Every key is optional and has the default below. "
        "`extends: base.yaml` (relative to the file) merges the file over a base scenario; "
        "mappings merge key by key and a strategy of the base set to `null` is removed (`strategies: null` "
        "removes them all). An empty section, or an empty strategy the bases do not have, is an error: "
        "write `points: {}` for a strategy with its defaults. "
        "Command-line `--set dotted.key=value` overrides come last; a mapping value replaces the section "
        "(`--set population.graph={type: watts_strogatz}` sets the section's other keys back to their "
        "defaults). Unknown keys are errors.",
        "",
        "Each key's **role** says what it stands for: a sweep over levers ranks designs, a sweep over "
        "anything else is a sensitivity analysis (its best points rank worlds, not designs), and two designs "
        "that differ in an assumption are compared in different worlds (`circlesim sweep` and `compare` "
        "say so). Fit assumptions to a history; set levers to what its operators did.",
        "",
        *[f"- **{role}**: {meaning}." for role, meaning in ROLES.items()],
        "",
        HEAD,
        RULE,
    ]
    for path, p in iter_leaves(SCHEMA):
        lines.append(_row(".".join(path), p))
    lines += [
        "",
        "## Strategies",
        "",
        "`strategies` maps a name of your choice to a strategy's settings. The kind is the name "
        "unless `kind:` says otherwise, so one scenario can hold two `events` entries. Every "
        "strategy takes the schedule keys:",
        "",
        HEAD,
        RULE,
    ]
    for key, p in COMMON_STRATEGY_PARAMS.items():
        lines.append(_row(key, p, "strategies"))
    for kind, cls in KINDS.items():
        lines += ["", f"### `{kind}`", "", f"{cls.summary} (`sim/model/strategies/{cls.__module__.split('.')[-1]}.py`)",
                  "", HEAD, RULE]
        for key, p in cls.PARAMS.items():
            lines.append(_row(f"strategies.{kind}.{key}", p))
    lines += _fit_section()
    return "\n".join(lines) + "\n"


def _fit_section() -> list[str]:
    """The `fit:` section (sim/fitting/spec.py): how a scenario is calibrated to a history."""
    from sim.fitting.spec import DEFAULT_DORMANT_BY, PRIORS, SETTINGS

    lines = [
        "",
        "## The `fit:` section",
        "",
        "Optional; read by `circlesim fit` (`sim/fitting/spec.py`) and never by a run, so it does not change "
        "what a scenario simulates. `fit.parameters` maps dotted scenario keys (numeric ones, strategy keys "
        "as `strategies.<name>.<key>`) to a prior: " + ", ".join(f"`{p}`" for p in PRIORS) + ". "
        "`uniform` and `log-uniform` take `low` and `high`; `normal` takes `mean` and `sd` and is truncated "
        "to `low`/`high` (default: the key's allowed range). Every bound must lie in the key's allowed range. "
        "`fit.observed` lists the history's series to match (default: every series the history has); "
        f"`fit.dormant_by` the days whose dormancy probability is forecast (default {list(DEFAULT_DORMANT_BY)}).",
        "",
        HEAD,
        RULE,
    ]
    for key, p in SETTINGS.items():
        lines.append(_row(f"fit.{key}", p))
    return lines
