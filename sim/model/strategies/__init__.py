"""Strategies: one small class per intervention kind, each with a start, stop and period.

Where things live: points.py (points), tiers.py (member tiers), invite_reward.py (invite
rewards / fission), koc_promotion.py (KOC incubation), events.py (online and offline
events), content.py (cadence, quality, attitude, UGC), personalized_feed.py, split_groups.py
(Dunbar mitosis), cross_promotion.py, operating_mode.py.
"""

from sim.model.strategies.base import COMBINE, Effects, Event, KocRound, Strategy, StrategyConflict, combine
from sim.model.strategies.content import Content
from sim.model.strategies.cross_promotion import CrossPromotion
from sim.model.strategies.events import Events
from sim.model.strategies.invite_reward import InviteReward
from sim.model.strategies.koc_promotion import KocPromotion
from sim.model.strategies.operating_mode import OperatingMode
from sim.model.strategies.personalized_feed import PersonalizedFeed
from sim.model.strategies.points import Points
from sim.model.strategies.split_groups import SplitGroups
from sim.model.strategies.tiers import Tiers

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

    >>> from sim.scenario.params import P
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


def in_force(strategies, day: int) -> tuple:
    """The strategies in force on `day`, sorted by name (the order hooks run in)."""
    return tuple(sorted((s for s in strategies if s.active(day)), key=lambda s: s.name))


def _clash_days(a, b, first: int, last: int) -> list[int]:
    """Days in [first, last) on which `a` and `b` could first both set a field.

    The first day of their overlap, and the first day in it on which each, or both, of the
    recurring ones act.
    """
    days = {first}
    for s in (a, b):
        if s.recurring:
            days.add(next((d for d in range(first, last) if s.fires(d)), first))
    if a.recurring and b.recurring:
        days.add(next((d for d in range(first, last) if a.fires(d) and b.fires(d)), first))
    return sorted(days)


def clash(a, b, horizon: int, since: int = 0) -> str | None:
    """Why strategies `a` and `b` cannot run together within `horizon` days, or None when they can.

    Checked on every day a clash can first show: the first day the two overlap, and the first
    day in that overlap on which one or both of two recurring actions happen (two promotion
    rounds every 30 and 20 days clash on day 30, not on their first common day). The reason
    names the day. `since`: days before it are known to be clear (a run extended past them).
    """
    first = max(a.start, b.start, since)
    last = min(horizon if a.stop is None else a.stop, horizon if b.stop is None else b.stop)
    if first >= last:
        return None
    for day in _clash_days(a, b, first, last):
        try:
            todays_effects([a, b], day)
        except StrategyConflict as exc:
            return str(exc).replace("on the same day", f"on day {day}", 1)
    return None


def check_conflicts(strategies, horizon: int, since: int = 0) -> None:
    """Raise `StrategyConflict` now if two strategies in force together set a field only one may set (`clash`).

    Days [since, horizon) are checked; those before `since` must have been checked already.
    """
    from itertools import combinations

    for a, b in combinations(strategies, 2):
        why = clash(a, b, horizon, since)
        if why:
            raise StrategyConflict(why)


def todays_effects(strategies, day: int) -> Effects:
    """Combine the Effects of every strategy in force on `day` by each field's rule (order-free)."""
    contributions = []
    for strategy in in_force(strategies, day):
        effects = Effects()
        strategy.apply(effects, day)
        contributions.append((strategy.name, effects))
    return combine(contributions)


__all__ = ["COMBINE", "Effects", "Event", "KocRound", "Strategy", "StrategyConflict", "KINDS", "check_conflicts",
           "clash", "combine", "in_force", "register", "todays_effects", *[c.__name__ for c in KINDS.values()]]
