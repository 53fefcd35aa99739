"""A scenario parameter: default, type, unit, allowed range, a one-line meaning and its role.

Every section of the schema is a dict of these, declared next to the code that reads it
(a mechanism's `PARAMS`, a strategy's `PARAMS`); `sim.scenario.schema` assembles the tree.

>>> P(0.5, "float", "share", "A share.", 0, 1).describe_range()
'float in [0, 1]'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: What a parameter stands for. A sweep over levers ranks designs; over anything else it is a
#: sensitivity analysis, and a comparison whose designs differ in assumptions compares worlds
#: (`sim.scenario.schema.role_of` says which a key is; docs/scenarios.md lists it for every key).
ROLES = {
    "lever": "what the community's operators choose and the model responds to (staffing, group policy, a "
             "strategy's rates, caps and schedule)",
    "assumption": "how people and the platform behave, and what things cost: not chosen, estimated (from the "
                  "literature, a price list, or a fit to a community's history). A strategy's cost per unit is "
                  "one: the model's response does not depend on it, so a sweep of it alone ranks the cheapest first",
    "market": "who is out there: the persons and their ties",
    "read-out": "how results are read (phase thresholds, alarms); never changes a run",
    "run": "how a run is set up or labelled (seed, horizon, names)",
}

#: How a message names keys of each role: (one key, several keys).
ROLE_NAMES = {
    "lever": ("a lever", "levers"),
    "assumption": ("an assumption", "assumptions"),
    "market": ("the market (who is out there)", "the market (who is out there)"),
    "read-out": ("a read-out threshold (it changes how results are read, never a run)",
                 "read-out thresholds (they change how results are read, never a run)"),
    "run": ("a run setting", "run settings"),
}


@dataclass(frozen=True)
class Param:
    """One scenario leaf: default value, type, unit, allowed range, a one-line meaning and its role (`ROLES`)."""

    default: Any
    type: str  # "int" | "float" | "bool" | "str"
    unit: str
    doc: str
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    nullable: bool = False
    role: str | None = None  # one of ROLES; None: the section's (sim.scenario.schema.SECTION_ROLES)

    def __post_init__(self):
        if self.role is not None and self.role not in ROLES:
            raise ValueError(f"role {self.role!r} is not one of {', '.join(ROLES)}")

    def describe_range(self) -> str:
        """Human-readable allowed values, used in error messages and the reference."""
        if self.choices:
            text = "one of " + ", ".join(repr(c) for c in self.choices)
        elif self.type == "bool":
            text = "true or false"
        elif self.low is not None or self.high is not None:
            lo = "-inf" if self.low is None else _fmt(self.low)
            hi = "inf" if self.high is None else _fmt(self.high)
            text = f"{self.type} in [{lo}, {hi}]"
        else:
            text = self.type
        if self.nullable:
            text += " or null"
        return text


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(x)


def P(default, type_, unit, doc, low=None, high=None, choices=None, nullable=False, role=None) -> Param:
    """Shorthand constructor of a `Param` (choices become a tuple)."""
    return Param(default, type_, unit, doc, low, high, tuple(choices) if choices else None, nullable, role)
