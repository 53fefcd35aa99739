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
from sim.scenario.params import P, Param

__all__ = ["COMMON_STRATEGY_PARAMS", "GRAPH_TYPES", "P", "Param", "SCHEMA", "defaults", "iter_leaves", "param_at"]
GRAPH_TYPES = population.GRAPH_TYPES

# --------------------------------------------------------------------------------------
# The tree. Sections are dicts, leaves are Params. `strategies` is handled separately.
# --------------------------------------------------------------------------------------
SCHEMA: dict[str, Any] = {
    "name": P("", "str", "-", "Short name shown in reports; a variant without one is named after its file."),
    "description": P("", "str", "-", "What this scenario tests, in a sentence or two."),
    "currency": P("cost units", "str", "-", "Label of money amounts in summaries, verdicts, reports and "
                  "figures (e.g. EUR, USD, CNY); every cost parameter is in this currency. A label only: "
                  "it never changes a result, and runs that differ only in it share their stored results."),
    "seed": P(1, "int", "-", "Master random seed; replications spawn child seeds from it.", 0, 2**63 - 1),
    "horizon_days": P(1000, "int", "days", "Days simulated.", 1, 20000),
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

COMMON_STRATEGY_PARAMS: dict[str, Param] = {
    "kind": P(None, "str", "-", "Strategy kind; defaults to the entry's name.", nullable=True),
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
