"""The model's state: one numpy array entry per person on the graph, plus a few carried values.

Each mechanism declares the arrays it owns (its `STATE`); `State` allocates every declared
array, so a test can hand-build a state for one mechanism without building a model. Mesa
agents (`agents/`) are thin handles that read and write these arrays; the daily step works on
the arrays directly, vectorised, never agent by agent.

>>> st = State(3)
>>> st.status.tolist(), int(st.group[0])
([0, 0, 0], -1)
>>> st.set_status([1], Status.MEMBER)
>>> st.members.tolist(), st.member_ids().tolist()
([False, True, False], [1])
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np


class Status:
    """Where a person stands with the community: the codes stored in `State.status`.

    Plain int class attributes rather than an IntEnum, on purpose: numpy compares an int8
    array with a Python int in place but casts the whole array to int64 for an int subclass
    such as an enum member, so `state.status == Status.MEMBER` cost ten times as much with
    an enum (384 vs 36 microseconds at 1,000,000 persons), tens of times a day.

    >>> Status.MEMBER, Status.NAMES[Status.LEFT]
    (1, 'left')
    """

    OUTSIDER = 0
    MEMBER = 1
    LEFT = 2
    NAMES = {0: "outsider", 1: "member", 2: "left"}


class Circle:
    """The member's circle, as stored in `State.circle`: diffusion, core or organizer.

    Diffusion is everyone else, core the experts, organizer the staff. Plain ints, for the
    reason given under `Status`.

    >>> Circle.CORE, Circle.NAMES[Circle.ORGANIZER]
    (1, 'organizer')
    """

    DIFFUSION = 0
    CORE = 1
    ORGANIZER = 2
    NAMES = {0: "diffusion", 1: "core", 2: "organizer"}


#: Circle -> its lower-case name ("core", "organizer", "diffusion").
CIRCLE_NAMES = dict(Circle.NAMES)


@dataclass(frozen=True)
class Array:
    """Declaration of one per-person state array: its dtype, initial value and meaning."""

    dtype: Any
    fill: Any
    doc: str


@dataclass(frozen=True)
class Value:
    """Declaration of one value carried from day to day (not per person).

    One exception: a per-person array that only some scenarios need may be declared as a
    Value (default None) and allocated when first used (`motivation.information_recent`).
    """

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


def person_ids(persons) -> np.ndarray:
    """`persons` as ids: a boolean mask becomes the ids where it holds; ids pass through (pure).

    The daily steps read with `take`, which would read a mask as the ids 0 and 1.

    >>> person_ids(np.array([False, True, True])).tolist(), person_ids([2, 0]).tolist()
    ([1, 2], [2, 0])
    """
    persons = np.asarray(persons)
    return persons.nonzero()[0] if persons.dtype == bool else persons


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
        # status changes only through set_status, so the member ids can be kept between changes
        self.status.flags.writeable = False
        self._member_ids: np.ndarray | None = None
        self._member_mask: np.ndarray | None = None

    def __setstate__(self, saved: dict) -> None:
        """Unpickled or deep-copied: `status` becomes an array of its own again, read-only, and the caches are rebuilt.

        An unpickled array may not own its memory, and then its writeable flag cannot be set
        back on: `set_status` would fail on a model pickled mid-run.
        """
        self.__dict__.update(saved)
        self.status = np.array(self.status)
        self.status.flags.writeable = False
        self._member_ids = self._member_mask = None

    def set_status(self, persons, code: int) -> None:
        """Set the status of `persons` (ids or a mask) to `code` (a `Status`).

        The only way to change `status` (the array is read-only): half the daily steps need
        the member ids, and finding them is a pass over everyone (about 1 ms at 1,000,000
        persons), so they are kept until the next change.
        """
        self.status.flags.writeable = True
        try:
            self.status[persons] = code
        finally:
            self.status.flags.writeable = False
        self._member_ids = None
        self._member_mask = None

    def member_ids(self) -> np.ndarray:
        """Ids of the current members, ascending (read-only; kept until `set_status` changes them)."""
        if self._member_ids is None:
            ids = self.member_mask().nonzero()[0]  # the mask is asked for too: compare once
            ids.flags.writeable = False
            self._member_ids = ids
        return self._member_ids

    def member_mask(self) -> np.ndarray:
        """Mask of current members (read-only; kept until `set_status` changes them).

        Eight steps a day ask for it; at 1,000,000 persons each comparison is a pass over
        everyone. Combine it into a new array (``mask & other``), never in place.
        """
        if self._member_mask is None:
            mask = self.status == Status.MEMBER
            mask.flags.writeable = False
            self._member_mask = mask
        return self._member_mask

    @property
    def members(self) -> np.ndarray:
        """Mask of current members (a new array: callers may change it)."""
        return self.status == Status.MEMBER

    def standing(self, persons: np.ndarray, today: int) -> np.ndarray:
        """Days each of `persons` (ids or a mask) has been a member, founders counted as long-standing (inf).

        What the newcomer rules (trial, expectation bar, newcomer hazard) read: the founding
        team was recruited to launch the community and is not on trial.
        """
        persons = person_ids(persons)
        tenure = (today - self.joined_day.take(persons)).astype(float)
        return np.where(self.founder.take(persons), np.inf, tenure)

    def tier_levels(self, effects) -> np.ndarray:
        """Tier levels as members feel them: `tier_pull` while tier status wears out, else `tier` (per person).

        Status adaptation (model version 12, `rewards.wear_tier_pull`): each level reached is
        felt in full, then less each day it is held.
        """
        if effects.tier_wear_days and self.tier_pull is not None:
            return self.tier_pull
        return self.tier

    def motivation(self, effects, persons: np.ndarray | None = None) -> np.ndarray:
        """Interest plus extrinsic reward plus tier status, clipped to [0, 1] (`persons`: ids or mask; default all)."""
        if persons is None:
            m = self.interest + self.extrinsic
            if effects.tier_bonus:
                m = m + effects.tier_bonus * self.tier_levels(effects)
        else:
            persons = person_ids(persons)
            m = self.interest.take(persons) + self.extrinsic.take(persons)
            if effects.tier_bonus:
                m = m + effects.tier_bonus * self.tier_levels(effects).take(persons)
        return m.clip(0.0, 1.0)
