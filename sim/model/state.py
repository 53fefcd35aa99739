"""The model's state: one numpy array entry per person on the graph, plus a few carried values.

Each mechanism declares the arrays it owns (its `STATE`); `State` allocates every declared
array, so a test can hand-build a state for one mechanism without building a model. Mesa
agents (`agents/`) are thin handles that read and write these arrays; the daily step works on
the arrays directly, vectorised, never agent by agent.

>>> st = State(3)
>>> st.status.tolist(), int(st.group[0])
([0, 0, 0], -1)
>>> st.status[1] = Status.MEMBER
>>> st.members.tolist()
[False, True, False]
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from enum import EnumMeta, IntEnum
from typing import Any

import numpy as np


class _MembersOnTheClass(EnumMeta):
    """Enum metaclass for Python 3.11: attributes not on the class are simply absent.

    3.11's `EnumType.__getattr__` (gone in 3.12) is called for every attribute a class lacks,
    and numpy asks the class of each scalar it meets for `__array_ufunc__` and its kin, so
    `state.status == Status.MEMBER` paid for a Python-level miss several times over. The
    members are put in the class dicts below, so normal lookup finds them.
    """

    def __getattr__(cls, name):
        raise AttributeError(name)


class Status(IntEnum, metaclass=_MembersOnTheClass):
    """Where a person stands with the community."""

    OUTSIDER = 0
    MEMBER = 1
    LEFT = 2


class Circle(IntEnum, metaclass=_MembersOnTheClass):
    """The member's circle: diffusion (everyone else), core (experts), organizer (staff)."""

    DIFFUSION = 0
    CORE = 1
    ORGANIZER = 2


# Python 3.11 looks enum members up through EnumType.__getattr__ on every `Status.MEMBER`
# (3.12 stores them on the class); the daily step does that tens of times a day, so put the
# members in the class dicts, as 3.12 does. Values and identity are unchanged.
for _enum in (Status, Circle):
    for _member in _enum:
        type.__setattr__(_enum, _member.name, _member)

#: Circle -> its lower-case name ("core", "organizer", "diffusion").
CIRCLE_NAMES = {c: c.name.lower() for c in Circle}


@dataclass(frozen=True)
class Array:
    """Declaration of one per-person state array: its dtype, initial value and meaning."""

    dtype: Any
    fill: Any
    doc: str


@dataclass(frozen=True)
class Value:
    """Declaration of one value carried from day to day (not per person)."""

    default: Any
    doc: str


#: Arrays every mechanism reads: membership, circle, group, activity and their days.
STATE = {
    "status": Array(np.int8, Status.OUTSIDER, "Status of each person (outsider, member, left)."),
    "circle": Array(np.int8, Circle.DIFFUSION, "Circle of each member."),
    "group": Array(np.int32, -1, "Group (chat) each member sits in; -1 outside."),
    "joined_day": Array(np.int32, -1, "Day the person joined; -1 never."),
    "left_day": Array(np.int32, -1, "Day the person left; -1 never."),
    "active": Array(bool, False, "Active today."),
    "last_active_day": Array(np.int32, -1, "Last day the member was active."),
    "invited": Array(bool, False, "Joined through a sharing friend (word of mouth)."),
    "founder": Array(bool, False, "Joined at launch (the founding team): never on a newcomer's trial."),
    "n_groups": Value(0, "Group ids handed out so far (groups may be empty)."),
}


def declarations() -> dict[str, Array | Value]:
    """Every state declaration: this module's, each mechanism's and the recorder's.

    Raises ValueError when two parts declare the same name (one owner per array).
    """
    from sim.model.mechanics import MECHANISM_MODULES
    from sim.readouts import recorder

    out: dict[str, Array | Value] = {}
    for owner, decl in [("state", STATE), *[(m.__name__, m.STATE) for m in MECHANISM_MODULES],
                        ("recorder", recorder.STATE)]:
        for name, spec in decl.items():
            if name in out:
                raise ValueError(f"state {name!r} declared twice (second time by {owner})")
            out[name] = spec
    return out


class State:
    """Per-person arrays (length n) and carried values, allocated from the declarations.

    Parameters
    ----------
    n : int
        People on the social graph.
    """

    def __init__(self, n: int):
        self.n = int(n)
        for name, spec in declarations().items():
            if isinstance(spec, Array):
                setattr(self, name, np.full(self.n, spec.fill, dtype=spec.dtype))
            else:
                setattr(self, name, copy.copy(spec.default))

    @property
    def members(self) -> np.ndarray:
        """Mask of current members."""
        return self.status == Status.MEMBER

    def standing(self, persons: np.ndarray, today: int) -> np.ndarray:
        """Days each of `persons` has been a member, founders counted as long-standing (inf).

        What the newcomer rules (trial, expectation bar, newcomer hazard) read: the founding
        team was recruited to launch the community and is not on trial.
        """
        tenure = (today - self.joined_day[persons]).astype(float)
        return np.where(self.founder[persons], np.inf, tenure)

    def motivation(self, effects, persons: np.ndarray | None = None) -> np.ndarray:
        """Interest plus extrinsic reward plus tier status, clipped to [0, 1] (of `persons`, default all)."""
        if persons is None:
            m = self.interest + self.extrinsic
            if effects.tier_bonus:
                m = m + effects.tier_bonus * self.tier
        else:
            m = self.interest[persons] + self.extrinsic[persons]
            if effects.tier_bonus:
                m = m + effects.tier_bonus * self.tier[persons]
        return np.clip(m, 0.0, 1.0)
