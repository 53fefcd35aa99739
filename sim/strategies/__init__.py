"""Strategies: one small class per intervention kind, each with a start, stop and period.

Where things live: points.py (points), tiers.py (member tiers), invite_reward.py (invite
rewards / fission), koc_promotion.py (KOC incubation), events.py (online and offline
events), content.py (cadence, quality, attitude, UGC), personalized_feed.py, split_groups.py
(Dunbar mitosis), cross_promotion.py, operating_mode.py.
"""

from sim.strategies.base import Effects, Strategy
from sim.strategies.content import Content
from sim.strategies.cross_promotion import CrossPromotion
from sim.strategies.events import Events
from sim.strategies.invite_reward import InviteReward
from sim.strategies.koc_promotion import KocPromotion
from sim.strategies.operating_mode import OperatingMode
from sim.strategies.personalized_feed import PersonalizedFeed
from sim.strategies.points import Points
from sim.strategies.split_groups import SplitGroups
from sim.strategies.tiers import Tiers

KINDS: dict[str, type[Strategy]] = {
    cls.kind: cls
    for cls in (Points, Tiers, InviteReward, KocPromotion, Events, Content,
                PersonalizedFeed, SplitGroups, CrossPromotion, OperatingMode)
}


def register(cls: type[Strategy]) -> type[Strategy]:
    """Add a strategy kind (researchers' own interventions); usable as a class decorator.

    The kind is validated like the built-in ones. Registration lives in this process: run
    experiments that use it with the serial executor, or import the registering module in
    the workers.

    >>> from sim.schema import P
    >>> @register
    ... class Nudge(Strategy):
    ...     kind = "nudge_example"
    ...     PARAMS = {"size": P(0.1, "float", "interest", "How hard to nudge.", 0, 1)}
    ...     def apply(self, effects, day):
    ...         effects.tier_bonus += self.params.size
    >>> "nudge_example" in KINDS
    True
    >>> _ = KINDS.pop("nudge_example")
    """
    if not (isinstance(cls, type) and issubclass(cls, Strategy) and cls.kind):
        raise TypeError("register() takes a Strategy subclass with a non-empty `kind`")
    KINDS[cls.kind] = cls
    return cls


def todays_effects(strategies, day: int) -> Effects:
    """Collect the Effects of every strategy in force on `day` (DESIGN.md step 1)."""
    effects = Effects()
    for strategy in strategies:
        if strategy.active(day):
            strategy.apply(effects, day)
    return effects


__all__ = ["Effects", "Strategy", "KINDS", "register", "todays_effects", *[c.__name__ for c in KINDS.values()]]
