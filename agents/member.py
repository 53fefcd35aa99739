"""Mesa agents for the three circles: thin handles over the model's state arrays.

A `Member` holds only `person` (its index on the social graph); every attribute reads and
writes the model's arrays, so notebooks see live values while the daily step runs
vectorised. Promotion (diffusion -> core) replaces the handle by one of the new class; the
person's state is untouched.

Example
-------
>>> from sim import CommunityModel, load_scenario, scenarios_dir
>>> model = CommunityModel(load_scenario(scenarios_dir() / "baseline.yaml", overrides=["population.size=500"]))
>>> core = model.agents_by_type[CoreMember]
>>> all(isinstance(a, CoreMember) for a in core)
True
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.model.mechanics.activity import is_dormant
from sim.model.state import CIRCLE_NAMES, Circle, Status


def _number(agent, name: str, value, whole: bool):
    """`value` as a float (or int when `whole`), or TypeError naming the attribute."""
    if whole:
        from sim.model.community import whole_number  # here: community imports this module

        return whole_number(value, f"{type(agent).__name__}.{name}", low=-(2 ** 63))  # the range: the caller's
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{type(agent).__name__}.{name} must be a number, got {value!r}")
    return float(value)


def _share(agent, name: str, value):
    """A share in [0, 1] (interest, extrinsic reward, novelty): the daily step clips nothing it reads."""
    v = _number(agent, name, value, whole=False)
    if not 0.0 <= v <= 1.0:  # also refuses NaN
        raise ValueError(f"{type(agent).__name__}.{name} must lie in [0, 1], got {value!r}")
    return v


def _at_least_zero(agent, name: str, value, whole: bool = False):
    """A finite amount of at least 0 (points; with `whole`, a count such as posts)."""
    v = _number(agent, name, value, whole)
    if not (v >= 0 and np.isfinite(v)):
        raise ValueError(f"{type(agent).__name__}.{name} must be a finite number of at least 0, got {value!r}")
    return v


def _count(agent, name: str, value):
    return _at_least_zero(agent, name, value, whole=True)


def _tier(agent, name: str, value):
    v = _number(agent, name, value, whole=True)
    if v not in (0, 1, 2):
        raise ValueError(f"{type(agent).__name__}.{name} must be 0 (ordinary), 1 (core user) or 2 (KOC), got {value!r}")
    return v


def _group(agent, name: str, value):
    v = _number(agent, name, value, whole=True)
    n = int(agent.model.state.n_groups)
    if not 0 <= v < n:
        raise ValueError(f"{type(agent).__name__}.{name} must be an existing group, 0 to {n - 1}, got {value!r}")
    return v


def _past_day(agent, name: str, value):
    v = _number(agent, name, value, whole=True)
    if not 0 <= v <= agent.model.day:
        raise ValueError(f"{type(agent).__name__}.{name} must be a day from 0 to today ({agent.model.day}), "
                         f"got {value!r}")
    return v


def _array_property(name: str, doc: str, cast=float, check=None, after=None):
    """An attribute that reads and writes person `self.person` of the state array `name`.

    `check(agent, name, value)` returns the value to store or raises a TypeError/ValueError
    naming the attribute: a bad value would otherwise surface days later, deep in a mechanism.
    `after(state, value)` keeps what the daily step caches about the array in step with the write.
    """
    def getter(self):
        return cast(getattr(self.model.state, name)[self.person])

    def setter(self, value):
        if check is not None:
            value = check(self, name, value)
        getattr(self.model.state, name)[self.person] = value
        if after is not None:
            after(self.model.state, value)

    return property(getter, setter, doc=doc)


class Member(mesa.Agent):
    """A community member; subclasses name the circle. Attributes live in `model.state`."""

    circle_id: int = -1

    def __init__(self, model, person: int):
        super().__init__(model)
        self.person = int(person)

    interest = _array_property("interest", "Intrinsic interest in the community, 0..1.", check=_share)
    # the reward fades only while `extrinsic_left` says some is left (motivation.extrinsic_rewards): a
    # value written here never faded when no points ran (red team, 2026-12-07)
    extrinsic = _array_property("extrinsic", "Motivation from rewards (points), 0..1.", check=_share,
                                after=lambda state, value: setattr(state, "extrinsic_left",
                                                                   bool(state.extrinsic_left or value)))
    novelty = _array_property("novelty", "How fresh the community still feels to this member, 0..1.", check=_share)
    points = _array_property("points", "Cumulative points earned.", check=_at_least_zero)
    tier = _array_property("tier", "Tier level: 0 ordinary, 1 core user, 2 KOC.", int, check=_tier)
    group = _array_property("group", "Group (chat) id the member sits in.", int, check=_group)
    joined_day = _array_property("joined_day", "Day the member joined.", int, check=_past_day)
    last_active_day = _array_property("last_active_day", "Last day the member was active.", int, check=_past_day)
    posts_total = _array_property("posts_total", "Messages posted since joining.", int, check=_count)

    @property
    def circle(self) -> str:
        """'core', 'organizer' or 'diffusion'."""
        return CIRCLE_NAMES[int(self.model.state.circle[self.person])]

    @property
    def friends(self) -> list[int]:
        """Persons (graph indices) this member maintains ties with (at most the Dunbar limit)."""
        return [int(j) for j in self.model.population.friends(self.person)]

    @property
    def member_friends(self) -> list[int]:
        """Maintained ties who are members now."""
        f = self.model.population.friends(self.person)
        return [int(j) for j in f[self.model.state.status[f] == Status.MEMBER]]

    @property
    def active(self) -> bool:
        """Active today."""
        return bool(self.model.state.active[self.person])

    @property
    def dormant(self) -> bool:
        """Silent for `churn.dormant_after` days or more, or muted the group: the summary's dormant count.

        It left out the muted and looked one day ahead (`model.day` is the next day to step), so a
        notebook's count of dormant handles disagreed with the summary's circles on the same day
        (a newcomer, 2026-12-07).
        """
        st = self.model.state
        if st.circle[self.person] == Circle.ORGANIZER:  # staff are at work, never counted dormant
            return False
        last_run = self.model.day - 1  # the day the model last stepped, as the daily count is taken
        return bool(is_dormant(int(st.last_active_day[self.person]), last_run,
                               self.model.scenario.churn.dormant_after, bool(st.muted[self.person])))

    def step(self) -> None:
        """Members act through the model's vectorised daily step, not one by one."""

    def remove(self) -> None:
        """Refused: a member leaves through the model's state, not by removing its handle.

        Mesa's `Agent.remove` would take the handle out of `model.agents` while the person stays
        a member in the arrays (red team, 2026-12-07). Members leave in the daily step
        (`sim/model/mechanics/churn.py` says how), and the handles follow the arrays.
        """
        if getattr(self, "_removable", False):  # `sync_handles` drops a handle the arrays no longer need
            super().remove()
            return
        raise TypeError(f"{type(self).__name__}(person={self.person}).remove(): a member leaves in the model's "
                        "daily step (sim/model/mechanics/churn.py), not by removing its Mesa handle, which would "
                        "leave the person a member without one")

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(person={self.person}, interest={self.interest:.2f}, "
                f"group={self.group}, tier={self.tier})")


class CoreMember(Member):
    """Core circle: experts who settle rare, high-value content and need an audience."""

    circle_id = Circle.CORE


class Organizer(Member):
    """Organizer circle: operations staff who ferment core content and reply to members."""

    circle_id = Circle.ORGANIZER


class DiffusionMember(Member):
    """Diffusion circle: everyone else; mostly reading, sometimes posting, sharing, inviting."""

    circle_id = Circle.DIFFUSION


CIRCLE_CLASS = {Circle.CORE: CoreMember, Circle.ORGANIZER: Organizer, Circle.DIFFUSION: DiffusionMember}


def sync_handles(model) -> None:
    """Make the Mesa agents match the arrays: one handle per member, of its circle's class."""
    st = model.state
    want = np.where(st.status == Status.MEMBER, st.circle, -1).astype(np.int8)
    have = model._handle_circle
    changed = np.flatnonzero(want != have)
    handles = model._handles
    for person in changed:
        old = handles.pop(int(person), None)
        if old is not None:
            old._removable = True
            old.remove()
        if want[person] >= 0:
            handles[int(person)] = CIRCLE_CLASS[int(want[person])](model, int(person))
    have[changed] = want[changed]
