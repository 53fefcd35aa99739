"""Activity and habit: who comes back tomorrow.

A member's chance of being active tomorrow is

    activity_max * motivation^activity_exponent * (habit_floor + (1 - habit_floor) * habit)

where `habit` is the member's recent visiting rate, an exponential moving average of its
daily activity (memory `1 / habit_rate` days). Coming back is partly habitual (Wood & Neal
2007; habits strengthen with repetition and fade without it, Lally et al. 2010): a joiner has
just visited (habit 1), so cohorts start lively and settle to a rate that depends on interest;
members who stop visiting lose the habit and go quiet, so MAU is well below membership. A
member silent for `churn.dormant_after` days is dormant (the silent majority) and visits far
less again, as does one who muted the group (`churn.mute_share`). Messages from friends in
one's group notify and pull one back (`notification_pull`): in chat groups, visits are
triggered by posts (Seufert et al. 2015), so a lively group of friends keeps its members
coming. Organizers are at work every day.

People differ in how often they come back at all (`population.visit_rate_sigma`): a personal
rate r scales the day's visit hazard, whatever the trigger, so the chance p becomes
`1 - (1 - p)^r` (`personal_visits`). Users' activity levels span orders of magnitude (Zhou et
al. 2008, "Role of activity in human dynamics"; Goncalves & Ramasco 2008); with the same
average chance, visits concentrate on fewer people and MAU/members falls. A newcomer's
personal rate takes over gradually (`visit_rate_settle_days`, `settled_rate`: first visits
come on the joining impulse, alike), and the rate follows the posting propensity
(`visit_rate_correlation`: the heaviest posters are the most regular visitors).
docs/evidence.md measures what each does (model version 3 switched them on).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.mechanics import rewards
from sim.model.mechanics.attention import friend_messages
from sim.model.state import Array, Circle
from sim.scenario.params import P

#: The `activity` section of a scenario file: every key with its default, unit, range and meaning.
PARAMS: dict[str, Any] = {
    "habit_rate": P(0.1, "float", "1/day", "Weight of today in the habit (recent visiting rate): "
                    "1 / memory in days (about 10 days; Lally et al. 2010 report habits "
                    "forming and fading over weeks).", 0, 1),
    "notification_pull": P(0.015, "float", "per message", "Chance that one message from a "
                           "friend in one's group today brings one back tomorrow: in chat "
                           "groups visits are triggered by posts (Seufert et al. 2015). Muted "
                           "members get no notifications.", 0, 1),
    "habit_floor": P(0.3, "float", "share", "Share of the activity chance that needs no "
                     "habit: a member who has lost the habit keeps this share of it.", 0, 1),
}

STATE = {
    "habit": Array(float, 0.0, "Recent visiting rate (moving average of daily activity), 0..1."),
}


def is_dormant(last_active: np.ndarray, today: int, after: int, muted: np.ndarray) -> np.ndarray:
    """Dormant on day `today`: silent for `after` days or more (`churn.dormant_after`), or muted (pure).

    One rule for tomorrow's visit chance, events' wake-up, the daily dormant count and a member's
    handle (they were written four times).

    >>> is_dormant(np.array([0, 95, 95]), 100, 10, np.array([False, False, True])).tolist()
    [True, False, True]
    """
    return ((today - last_active) >= after) | muted


def activity_probability(motivation: np.ndarray, habit: np.ndarray, dormant: np.ndarray,
                         churn, mot, act) -> np.ndarray:
    """Chance of being active tomorrow (pure).

    >>> from types import SimpleNamespace as NS
    >>> activity_probability(np.array([1.0, 1.0, 1.0]), np.array([1.0, 0.0, 1.0]),
    ...                      np.array([False, False, True]), NS(dormant_activity=0.1),
    ...                      NS(activity_max=0.8, activity_exponent=2), NS(habit_floor=0.5)).round(3)
    array([0.8 , 0.4 , 0.08])
    """
    p = mot.activity_max * motivation ** mot.activity_exponent
    p = p * (act.habit_floor + (1.0 - act.habit_floor) * habit)
    return np.where(dormant, p * churn.dormant_activity, p)


def mark_active(day) -> None:
    """Start of the day: everyone active today (yesterday's draw, event wakes) was seen today."""
    st = day.state
    st.last_active_day[st.active.nonzero()[0]] = day.number  # by index: a mask assignment is slower


def update_habit(state, members: np.ndarray, rate: float) -> np.ndarray:
    """Move each of `members`' (ids) habit toward today's activity (1 active, 0 not); returns the new habits."""
    h = state.habit.take(members)
    h = h + rate * (state.active.take(members) - h)
    state.habit[members] = h
    return h


def pulled_back(p: np.ndarray, notifications: np.ndarray, pull: float) -> np.ndarray:
    """Visit chance once notifications may bring a member back: each does with chance `pull` (pure).

    >>> pulled_back(np.array([0.1, 0.1]), np.array([0, 10]), 0.05).round(3).tolist()
    [0.1, 0.461]
    """
    notifications = np.asarray(notifications, float)
    kept = np.ones(notifications.shape)  # (1 - pull)^0 is exactly 1: the power only where notified
    some = (notifications != 0).nonzero()[0]
    kept[some] = (1.0 - pull) ** notifications.take(some)
    return 1.0 - (1.0 - p) * kept


def personal_visits(p: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Visit chance `p` of members whose personal visit rate is `rate` (mean 1): `1 - (1 - p)^rate` (pure).

    The rate multiplies the visit hazard `-log(1 - p)`, so a chance of 1 stays 1 and one of 0
    stays 0, and no chance is clipped. `rate` must be positive (lognormal draws are).

    >>> personal_visits(np.array([0.5, 0.5, 0.5, 1.0]), np.array([1.0, 2.0, 0.5, 0.3])).round(3).tolist()
    [0.5, 0.75, 0.293, 1.0]
    """
    with np.errstate(divide="ignore"):  # log(1 - 1) = -inf: a certain visit stays certain
        return -np.expm1(rate * np.log1p(-np.minimum(p, 1.0)))


def settled_rate(rate: np.ndarray, tenure: np.ndarray, settle_days: float) -> np.ndarray:
    """Personal visit rate in force at `tenure` days: `rate^(1 - exp(-tenure / settle_days))` (pure).

    A joiner comes on the joining impulse (rate 1, as everyone); its own rhythm takes over as
    the habit forms, so cohorts start alike and spread later (`population.visit_rate_settle_days`).

    >>> settled_rate(np.array([4.0, 4.0, 0.25]), np.array([0, 10_000, 10_000]), 30.0).round(3).tolist()
    [1.0, 4.0, 0.25]
    """
    return np.asarray(rate, float) ** -np.expm1(-np.asarray(tenure, float) / settle_days)


def notified(day, members: np.ndarray, from_leavers=None, muted: np.ndarray | None = None) -> np.ndarray:
    """Messages each of `members` (ids) got today from ties it maintains in its group (0 when muted).

    Counted after today's leavers left their groups: their messages no longer pull. When the
    reading step kept everyone's count (`Reading.friend_messages`) and `from_leavers` (from
    `messages_from`, taken before the leavers left) is given, the leavers' share is taken off
    that count; otherwise everything is counted again. Counts are whole numbers, so both ways
    give the same result to the bit. `muted`: `state.muted[members]`, when the caller has it.
    """
    st, content = day.state, day.results.get("content")
    if content is None:
        return np.zeros(members.size)
    kept = getattr(day.results.get("reading"), "friend_messages", None)
    if from_leavers is not None and kept is not None and (st.group.take(members) >= 0).all():
        got = kept.take(members)
        if isinstance(from_leavers, np.ndarray):
            got = got - from_leavers.take(members)
    else:
        got = friend_messages(day.population.followers, st.group, st.posts_today,
                              content.senders, st.n)[members]
    return np.where(st.muted.take(members) if muted is None else muted, 0.0, got)


def messages_from(day, leavers: np.ndarray):
    """What today's `leavers` sent their group's members (call before they leave; see `notified`).

    None when the reading step kept no counts; 0.0 when none of them posted today.
    """
    if getattr(day.results.get("reading"), "friend_messages", None) is None or day.results.get("content") is None:
        return None
    st = day.state
    posted = leavers.compress(st.posts_today.take(leavers) > 0)
    if posted.size == 0:
        return 0.0
    return friend_messages(day.population.followers, st.group, st.posts_today, posted, st.n)


def draw_activity(day, members: np.ndarray, motivation: np.ndarray, from_leavers=None) -> None:
    """Who is active tomorrow: motivation times habit, much lower when dormant or muted; friends' messages pull.

    `members`: ids; `motivation` is aligned with them; `from_leavers`: see `notified`.
    """
    st, sc = day.state, day.scenario
    habit = update_habit(st, members, sc.activity.habit_rate)
    muted = st.muted.take(members)
    dormant = is_dormant(st.last_active_day.take(members), day.number + 1, sc.churn.dormant_after, muted)
    p = activity_probability(motivation, habit, dormant, sc.churn, sc.motivation, sc.activity)
    climb_factor = rewards.climb_factor(day, members, day.effects.tier_goal_gradient)
    if climb_factor is not None:  # climbing toward the next tier: a higher own visit hazard (versions 13-14)
        p = personal_visits(p, np.where(dormant, 1.0, climb_factor))  # the dormant and muted are not climbing
    pull = sc.activity.notification_pull
    if pull:
        p = pulled_back(p, notified(day, members, from_leavers, muted), pull)
    if day.population.visit_rate is not None:
        rate = day.population.visit_rate.take(members)
        settle = sc.population.visit_rate_settle_days
        if settle > 0:  # joiners start alike; their own rhythm takes over as the habit forms
            rate = settled_rate(rate, day.number + 1 - st.joined_day.take(members), settle)
        p = personal_visits(p, rate)
    active_next = members.compress(day.rng.random(members.size) < p)
    st.active[:] = False
    st.active[active_next] = True
    recalled = members.compress(st.recalled.take(members))
    if recalled.size:  # brought back by a sharing friend (viral reactivation)
        st.active[recalled] = True
        st.muted[recalled] = False
        st.recalled[:] = False
    st.active[members.compress(st.circle.take(members) == Circle.ORGANIZER)] = True
