"""A scenario parameter: default, type, unit, allowed range and a one-line meaning.

Every section of the schema is a dict of these, declared next to the code that reads it
(a mechanism's `PARAMS`, a strategy's `PARAMS`); `sim.scenario.schema` assembles the tree.

>>> P(0.5, "float", "share", "A share.", 0, 1).describe_range()
'float in [0, 1]'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Param:
    """One scenario leaf: default value, type, unit, allowed range and a one-line meaning."""

    default: Any
    type: str  # "int" | "float" | "bool" | "str"
    unit: str
    doc: str
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    nullable: bool = False

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


def P(default, type_, unit, doc, low=None, high=None, choices=None, nullable=False) -> Param:
    """Shorthand constructor of a `Param` (choices become a tuple)."""
    return Param(default, type_, unit, doc, low, high, tuple(choices) if choices else None, nullable)
