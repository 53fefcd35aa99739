"""The scenario parameter tree: every key, its default, unit, allowed range and meaning.

One declarative table (in the spirit of NDlib's model configuration) serves three users:
validation (`sim.scenario`), the generated reference `docs/scenarios.md`, and `circlesim
explain`. Strategy parameters live next to each strategy class in `sim/model/strategies/` and are
merged in by kind.
"""

from __future__ import annotations

from typing import Any

from sim.model import founding, population
from sim.model.mechanics import acquisition, activity, attention, churn, content, groups, motivation, newcomers
from sim.readouts import lifecycle
from sim.scenario.params import ROLES, P, Param

__all__ = ["COMMON_STRATEGY_PARAMS", "GRAPH_TYPES", "P", "Param", "ROLES", "SCHEMA", "SECTION_ROLES", "defaults",
           "dict_leaves", "iter_leaves", "param_at", "param_of", "role_in", "role_of",
           "strategy_kinds", "strategy_params"]
GRAPH_TYPES = population.GRAPH_TYPES

# --------------------------------------------------------------------------------------
# The tree. Sections are dicts, leaves are Params. `strategies` is handled separately.
# --------------------------------------------------------------------------------------
SCHEMA: dict[str, Any] = {
    "name": P("", "str", "-", "Short name shown in reports; a variant without one is named after its file.",
              role="run"),
    "description": P("", "str", "-", "What this scenario tests, in a sentence or two.", role="run"),
    "currency": P("cost units", "str", "-", "Label of money amounts in summaries, verdicts, reports and "
                  "figures (e.g. EUR, USD, CNY); every cost parameter is in this currency. A label only: "
                  "it never changes a result, and runs that differ only in it share their stored results.", role="run"),
    "seed": P(1, "int", "-", "Master random seed; replications spawn child seeds from it.", 0, 2**63 - 1, role="run"),
    "horizon_days": P(1000, "int", "days", "Days simulated.", 1, 20000, role="run"),
    "population": population.PARAMS,
    "community": founding.PARAMS,
    "acquisition": acquisition.PARAMS,
    "content": content.PARAMS,
    "attention": attention.PARAMS,
    "motivation": motivation.PARAMS,
    "newcomers": newcomers.PARAMS,
    "activity": activity.PARAMS,
    "churn": churn.PARAMS,
    "groups": groups.PARAMS,
    "lifecycle": lifecycle.PARAMS,
}

#: A key's role when its `Param` names none: a section's (`sim.scenario.params.ROLES`). Levers
#: and the market are named on their own keys (`role="lever"`, next to the code that reads them);
#: what is not named is an assumption, except the read-outs' thresholds, a strategy's keys
#: (levers unless named assumptions, as `points.value`) and the `fit:` section's settings (run).
SECTION_ROLES = {"lifecycle": "read-out", "strategies": "lever", "fit": "run"}
DEFAULT_ROLE = "assumption"

COMMON_STRATEGY_PARAMS: dict[str, Param] = {
    "kind": P(None, "str", "-", "Strategy kind; defaults to the entry's name.", nullable=True, role="run"),
    "start": P(0, "int", "day", "First day the strategy is in force.", 0, 100000),
    "stop": P(None, "int", "day", "Day it stops (exclusive); null: never.", 0, 100000, nullable=True),
    "every": P(None, "int", "days", "For recurring actions (events, promotion rounds): the "
               "period; null: every day.", 1, 100000, nullable=True),
}


def param_at(parts, tree: dict = SCHEMA) -> Param | None:
    """The `Param` at dotted key `parts` (a sequence of names) of a schema tree, or None (a section, no key).

    >>> param_at(["horizon_days"]).default, param_at(["population"]), param_at(["no", "such"])
    (1000, None, None)
    """
    node = tree
    for p in parts:
        if not isinstance(node, dict) or p not in node:
            return None
        node = node[p]
    return node if isinstance(node, Param) else None


def param_of(key: str, scenario=None) -> Param | None:
    """The `Param` of dotted `key`, strategies' keys included (None: no such key).

    A strategy's key is found by `scenario`'s strategy of that name (its kind; `scenario` may also
    be a {name: kind} mapping), else by kind.

    >>> param_of("strategies.points.value").default, param_of("strategies.nosuch.value")
    (0.02, None)
    """
    parts = key.split(".")
    if parts[0] != "strategies":
        return param_at(parts)
    from sim.model.strategies import KINDS

    if len(parts) != 3:
        return None
    kind = strategy_kinds(scenario).get(parts[1], parts[1])  # a dict too: a loader has one before the Scenario
    return strategy_params(kind).get(parts[2]) if kind in KINDS else None


def strategy_kinds(scenario) -> dict:
    """{strategy name: kind} of a `Scenario` (a dict is returned as it is; None gives {})."""
    if scenario is None:
        return {}
    if isinstance(scenario, dict):
        return scenario
    return {name: kind for name, kind, _ in scenario.strategies}


def dict_leaves(d: dict, prefix: tuple = ()):
    """Yield (path tuple, value) for every leaf of a nested dict (a resolved scenario's values).

    >>> list(dict_leaves({"a": 1, "b": {"c": 2}}))
    [(('a',), 1), (('b', 'c'), 2)]
    """
    for key, value in d.items():
        if isinstance(value, dict):
            yield from dict_leaves(value, prefix + (key,))
        else:
            yield prefix + (key,), value


def role_of(key: str, scenario=None) -> str | None:
    """What dotted `key` stands for: 'lever', 'assumption', 'market', 'read-out' or 'run' (None: no such key).

    >>> role_of("community.organizers"), role_of("acquisition.q_weak"), role_of("strategies.points.value")
    ('lever', 'assumption', 'assumption')
    >>> role_of("strategies.points.daily_cap"), role_of("population.size"), role_of("lifecycle.churn_risk")
    ('lever', 'market', 'read-out')
    """
    spec = param_of(key, scenario)
    return None if spec is None else role_in(key.split(".")[0], spec)


def role_in(section: str, spec: Param) -> str:
    """A key's role: its own (`spec.role`), else its top-level `section`'s (`SECTION_ROLES`, else an assumption)."""
    return spec.role or SECTION_ROLES.get(section, DEFAULT_ROLE)


def strategy_params(kind: str) -> dict:
    """Common schedule parameters plus the kind's own (see `sim/model/strategies/`)."""
    from sim.model.strategies import KINDS

    return {**COMMON_STRATEGY_PARAMS, **KINDS[kind].PARAMS}


def iter_leaves(tree: dict, prefix: tuple = ()):
    """Yield (path tuple, Param) for every leaf of a schema tree, depth first."""
    for key, node in tree.items():
        if isinstance(node, Param):
            yield prefix + (key,), node
        else:
            yield from iter_leaves(node, prefix + (key,))


def defaults(tree: dict = SCHEMA) -> dict:
    """The tree of defaults: what a scenario with no keys means."""
    out = {}
    for key, node in tree.items():
        out[key] = node.default if isinstance(node, Param) else defaults(node)
    return out
