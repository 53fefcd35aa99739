"""What every strategy shares: a schedule, the day's `Effects` it sets, and their combine rules.

A strategy never touches the state arrays itself. On each day it is in force it writes its
own `Effects` record (fresh, all defaults); the model then combines the records of every
strategy in force, field by field, by each field's declared rule, visiting strategies in the
order of their names. So the order of strategies in a scenario file never changes a result.
A strategy may also implement hooks the mechanisms call (`on_join`).

Combine rules (the default of each field is the rule's neutral value):

* ``multiply``: multipliers compound (two campaigns' boosts multiply);
* ``add``: amounts add up;
* ``max`` / ``min``: the strongest setting wins (the tightest group cap);
* ``any``: a switch is on if any strategy turns it on;
* ``collect``: records are kept side by side (two events on one day both happen);
* ``spend``: money by strategy name;
* ``conflict``: at most one strategy may set it on a day; two is an error (`StrategyConflict`).

>>> a, b = Effects(), Effects()
>>> a.ugc_boost, b.ugc_boost = 1.5, 0.8
>>> combine([("content", a), ("mode", b)]).ugc_boost == combine([("mode", b), ("content", a)]).ugc_boost
True
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import numpy as np

from sim.scenario.params import Param

RULES = ("multiply", "add", "max", "min", "any", "collect", "spend", "conflict")


def rule(default, combine: str, doc: str = "", factory=None):
    """A field of `Effects` with its combine rule (declared once, checked by the tests)."""
    if combine not in RULES:
        raise ValueError(f"unknown combine rule {combine!r}")
    meta = {"combine": combine, "doc": doc}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Event:
    """One event on one day (sim/model/strategies/events.py)."""

    name: str
    reach: float     # share of members who notice (scaled by topic fit)
    boost: float     # interest gained by attendees
    novelty: float   # novelty restored to attendees
    wake: float      # chance a dormant member who notices wakes up
    messages: float  # extra discussion per group
    hours: float     # organizer hours the event takes
    recovery_days: float = 0.0  # habituation: days for an attendee's response to recover (0: none)


@dataclass(frozen=True)
class KocRound:
    """One KOC promotion round (sim/model/strategies/koc_promotion.py)."""

    name: str
    per_round: int
    min_posts: int
    interest_boost: float
    cost: float


@dataclass
class Effects:
    """Everything strategies can change on one day; the defaults mean 'no strategy'."""

    # points (sim/model/strategies/points.py): one points programme at a time
    points_on: bool = rule(False, "any", "a points programme runs")
    points_checkin: float = rule(0.0, "conflict", "points per active day")
    points_post: float = rule(0.0, "conflict", "points per message")
    points_invite: float = rule(0.0, "conflict", "points per friend who joins")
    points_cap: float = rule(float("inf"), "conflict", "most points per member per day")
    point_value: float = rule(0.0, "conflict", "extrinsic motivation per point earned today")
    point_cost: float = rule(0.0, "conflict", "money per point issued (redemption cost)")
    points_wear_days: float = rule(0.0, "conflict", "time constant of the points' wear-out (0: none)")
    # tiers (tiers.py): one tier ladder at a time
    tier_by: str = rule("points", "conflict", "what tiers rank by: cumulative 'points' or 'posts'")
    tier_thresholds: tuple = rule((), "conflict", "cumulative points (or posts) for tier 1, 2, ...")
    tier_bonus: float = rule(0.0, "conflict", "motivation per tier level")
    tier_post_boost: float = rule(0.0, "conflict", "extra posting per tier level")
    tier_cost: float = rule(0.0, "conflict", "money per tiered member per day")
    tier_wear_days: float = rule(0.0, "conflict", "time constant of tier status adaptation (0: none)")
    tier_goal_gradient: float = rule(0.0, "conflict", "visit-hazard gain per unit of progress toward the next tier")
    tier_posting_gradient: float = rule(0.0, "conflict", "talkativeness gain per unit of progress toward the next tier")
    # invite rewards (invite_reward.py; the reward and the invitee's interest are its on_join hook)
    share_boost: float = rule(1.0, "multiply", "multiplier on members' sharing")
    # KOC promotion (koc_promotion.py), set only on promotion days
    koc: KocRound | None = rule(None, "conflict", "today's KOC round")
    # events (events.py), set only on event days
    events: tuple = rule((), "collect", "today's events, by strategy name")
    # content (content.py)
    core_cadence: float = rule(1.0, "multiply", "multiplier on core posting")
    quality: float = rule(1.0, "multiply", "multiplier on the value of core and fermented content")
    attitude: float = rule(0.0, "max", "share of attitude content")
    ugc_boost: float = rule(1.0, "multiply", "multiplier on ordinary members' posting")
    # feeds and groups (personalized_feed.py, split_groups.py)
    personalized_feed: bool = rule(False, "any", "members read best-first")
    split_cap: int | None = rule(None, "min", "largest group allowed (mitosis above)")
    admin_hours: float = rule(0.0, "max", "volunteer admin hours per group per day")
    # acquisition (cross_promotion.py)
    external_boost: float = rule(1.0, "multiply", "multiplier on the external joining chance")
    # operating mode (operating_mode.py): one mode at a time
    brand_share: float | None = rule(None, "conflict", "brand's share of the running")
    organizer_hours_mult: float = rule(1.0, "conflict", "multiplier on organizer hours")
    promo_cost: float = rule(0.0, "conflict", "interest target lost to brand promotion")
    promo_share: float = rule(0.0, "conflict", "brand promotion share of traffic")
    fatigue_rate: float = rule(0.0, "conflict", "operations fatigue per day")
    mode_days: int = rule(0, "conflict", "days the operating mode has run")
    # money spent today by strategy name (fixed costs; per-action costs are added by mechanics)
    spend: dict = rule(None, "spend", "money by strategy name", factory=dict)


#: Field name -> combine rule.
COMBINE = {f.name: f.metadata["combine"] for f in fields(Effects)}
_DEFAULTS = Effects()


class StrategyConflict(ValueError):
    """Two strategies in force on the same day set a field that only one may set."""


def _is_default(name: str, value: Any) -> bool:
    default = getattr(_DEFAULTS, name)
    if isinstance(value, np.ndarray):
        return False
    return value == default


def combine(contributions: list[tuple[str, Effects]]) -> Effects:
    """Combine named strategies' Effects field by field; the result does not depend on list order.

    Raises `StrategyConflict` when two strategies set a ``conflict`` field.
    """
    out = Effects()
    setter: dict[str, str] = {}
    for name, eff in sorted(contributions, key=lambda c: c[0]):
        for key, how in COMBINE.items():
            value = getattr(eff, key)
            if how == "spend":
                for who, amount in value.items():
                    out.spend[who] = out.spend.get(who, 0.0) + amount
                continue
            if _is_default(key, value):
                continue
            current = getattr(out, key)
            if how == "multiply":
                value = current * value
            elif how == "add":
                value = current + value
            elif how == "max":
                value = value if current is None else max(current, value)
            elif how == "min":
                value = value if current is None else min(current, value)
            elif how == "any":
                value = bool(current or value)
            elif how == "collect":
                value = tuple(current) + tuple(value)
            elif key in setter:
                raise StrategyConflict(
                    f"strategies {setter[key]!r} and {name!r} both set {key!r} on the same day; "
                    f"only one may (merge them into one strategy, or give them separate days)")
            setter[key] = name
            setattr(out, key, value)
    return out


class Strategy(abc.ABC):
    """Base class: a named intervention with a start day, an optional stop day and a period.

    Subclasses declare `kind`, `summary` and `PARAMS` and implement `apply`; one that acts on
    some days only also sets `recurring = True` and tests `fires(day)` (it then takes `every`).
    """

    kind: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    PARAMS: ClassVar[dict[str, Param]] = {}
    #: True when the strategy acts on some days only and reads `every` (through `fires`); a
    #: scenario that gives `every` to a strategy that is not recurring is an error, not ignored.
    recurring: ClassVar[bool] = False

    def __init__(self, name: str, params: Any):
        self.name = name
        self.params = params
        self.start = params.start
        self.stop = params.stop
        self.every = params.every

    def bind(self, model) -> None:
        """Hook, called once when the model is built: plug-ins that need the model keep it (read only)."""
        self.model = model

    def active(self, day: int) -> bool:
        """In force today: start <= day < stop."""
        return day >= self.start and (self.stop is None or day < self.stop)

    def fires(self, day: int) -> bool:
        """A recurring action happens today (every day when `every` is null)."""
        if not self.active(day):
            return False
        return self.every is None or (day - self.start) % self.every == 0

    @abc.abstractmethod
    def apply(self, effects: Effects, day: int) -> None:
        """Write today's effects of this strategy into `effects` (its own fresh record)."""

    def charge(self, effects: Effects, amount: float) -> None:
        """Book `amount` of money to this strategy today."""
        effects.spend[self.name] = effects.spend.get(self.name, 0.0) + amount

    def on_join(self, joining, interest: np.ndarray) -> float:
        """Hook: adjust today's joiners' initial `interest` in place; return what the joins cost."""
        return 0.0

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, start={self.start}, stop={self.stop})"
