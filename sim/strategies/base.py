"""What every strategy shares: a schedule (start, stop, every) and the day's Effects it sets.

A strategy never touches the state arrays itself. On each day it is in force it writes
to an `Effects` record; the mechanisms in `sim/mechanics/` read that record. This keeps
each intervention a small, declarative class and each mechanism in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from sim.schema import Param


@dataclass
class Effects:
    """Everything strategies can change on one day; the defaults mean 'no strategy'."""

    # points (sim/strategies/points.py)
    points_on: bool = False
    points_checkin: float = 0.0
    points_post: float = 0.0
    points_invite: float = 0.0
    points_cap: float = float("inf")
    point_value: float = 0.0      # extrinsic motivation per point earned today
    point_cost: float = 0.0       # money per point issued (redemption cost)
    # tiers
    tier_thresholds: tuple = ()   # cumulative points for tier 1, 2, ...
    tier_bonus: float = 0.0       # interest target per tier level
    tier_post_boost: float = 0.0  # extra posting per tier level
    tier_cost: float = 0.0        # money per tiered member per day
    # invite rewards
    share_boost: float = 1.0
    invite_cost: float = 0.0      # money per successful invitation
    invitee_interest: float = 0.0  # added to a rewarded invitee's initial interest (usually < 0)
    # KOC promotion (set only on promotion days)
    koc: dict | None = None
    # events (set only on event days)
    event: dict | None = None
    # content
    core_cadence: float = 1.0
    quality: float = 1.0
    attitude: float = 0.0
    ugc_boost: float = 1.0
    # feeds and groups
    personalized_feed: bool = False
    split_cap: int | None = None
    admin_hours: float = 0.0
    # acquisition
    external_boost: float = 1.0
    # operating mode
    brand_share: float | None = None
    organizer_hours_mult: float = 1.0
    promo_cost: float = 0.0
    promo_share: float = 0.0
    fatigue_rate: float = 0.0
    mode_days: int = 0
    # money spent today by strategy name (fixed costs; per-action costs are added by mechanics)
    spend: dict = field(default_factory=dict)


class Strategy:
    """Base class: a named intervention with a start day, an optional stop day and period."""

    kind: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    PARAMS: ClassVar[dict[str, Param]] = {}

    def __init__(self, name: str, params: Any):
        self.name = name
        self.params = params
        self.start = params.start
        self.stop = params.stop
        self.every = params.every

    def bind(self, model) -> None:
        """Called once when the model is built; strategies that need model state keep it."""
        self.model = model

    def active(self, day: int) -> bool:
        """In force today: start <= day < stop."""
        return day >= self.start and (self.stop is None or day < self.stop)

    def fires(self, day: int) -> bool:
        """A recurring action happens today (every day when `every` is null)."""
        if not self.active(day):
            return False
        return self.every is None or (day - self.start) % self.every == 0

    def apply(self, effects: Effects, day: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, start={self.start}, stop={self.stop})"
