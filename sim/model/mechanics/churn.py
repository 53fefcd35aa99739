"""Leaving: who quits the community today (docs/model.md, step 9), then tomorrow's activity.

Members leave by one of three rules:
  * 'interest' (default): a member weighs what it gets from the topic (interest) together
    with the people it has there (belonging, `belonging_weight * f / (f + belonging_half)`
    for f maintained friends who are members, after Garcia et al. 2013's cost-benefit
    rule). Below a bar it leaves with daily hazard `leave_hazard`, several times higher for
    newcomers and falling with tenure (`newcomer_hazard`): most people who quit, quit early.
    The bar is `leave_threshold` for established members; a newcomer judges the community
    against the interest it came with (expectation-confirmation, Bhattacherjee 2001), a bar
    that falls to the threshold over the trial period. Friends inside were already part of
    what a newcomer expected, so belonging holds members as their tenure grows. Leaving is
    decided on a visit (active days): members who stopped coming stay on the roll as the
    silent majority, as in real groups, rather than formally quitting. Of those who give
    up, `mute_share` mute the group instead of leaving it: they stay members, get no
    notifications and visit as rarely as the dormant (events can wake them).
  * 'cost_benefit' (Garcia et al. 2013 exactly): leave when b * friends present < c; the
    survivors form a k-core.
  * 'off'.
Organizers never leave. Activity for tomorrow is drawn by `sim.model.mechanics.activity`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.mechanics import activity
from sim.model.population import friends_inside, reached_counts
from sim.model.state import Array, Circle, Status, Value
from sim.scenario.params import P

#: The `churn` section of a scenario file: every key with its default, unit, range and meaning.
PARAMS: dict[str, Any] = {
    "mode": P("interest", "str", "-", "'interest': leave when interest stays low; "
              "'cost_benefit': leave when benefit_per_friend * friends present < cost "
              "(Garcia et al. 2013); 'off': nobody leaves.",
              choices=("interest", "cost_benefit", "off")),
    "leave_threshold": P(0.15, "float", "interest", "Members whose interest plus belonging is "
                         "below this may leave (newcomers: below what they expected on "
                         "joining, falling to this over the trial period).", 0, 1),
    "leave_hazard": P(0.05, "float", "1/day", "Daily chance a long-standing member below the "
                      "threshold leaves.", 0, 1),
    "newcomer_hazard": P(8.0, "float", "x", "Extra leaving hazard on the day of joining, as a "
                         "multiple of leave_hazard; it fades as exp(-tenure / "
                         "newcomers.trial_days).", 0, 1000),
    "belonging_weight": P(0.2, "float", "interest", "What having friends inside is worth, in "
                          "interest units, when many are there (Garcia et al. 2013).", 0, 10),
    "belonging_half": P(3.0, "float", "friends", "Friends inside at which belonging is half its "
                        "weight.", 0.0001, 1e6),
    "mute_share": P(0.3, "float", "share", "Of the members who give up on the community, the share "
                     "who mute it and stay on the roll (silent, visiting as the dormant do) "
                     "rather than leave: leaving a chat group is visible, muting it is not (a "
                     "stated choice).", 0, 1),
    "overload_mute": P(0.03, "float", "1/log-unit", "Chance per visit and log-unit of unread "
                        "backlog that a member mutes the group, times (1 - motivation): under "
                        "overload users withdraw (Jones, Ravid & Rafaeli 2004).", 0, 1),
    "dormant_after": P(30, "int", "days", "Days without activity after which a member is "
                       "dormant (silent majority).", 1, 100000),
    "dormant_activity": P(0.1, "float", "x", "Activity multiplier of dormant members.", 0, 1),
    "burnout_audience": P(10, "int", "readers/day", "Active readers a core member needs in the "
                          "whole community (core content reaches every group); fewer burns it out.",
                          0, 10_000_000),
    "burnout_rate": P(0.01, "float", "1/day", "Core interest lost per day with no audience.", 0, 1),
    "benefit_per_friend": P(1.0, "float", "utility", "b in the cost-benefit rule.", 0, 1e6),
    "cost": P(2.5, "float", "utility", "c in the cost-benefit rule.", 0, 1e6),
}

STATE = {
    "muted": Array(bool, False, "Muted the group: disappointed, stays on the roll, visits as the dormant do."),
    "expected": Array(float, 0.0, "Interest a member had when it joined (what it expected)."),
    "left_friends": Value(None, "(persons, counts): those with maintained ties who left yesterday, ascending, "
                                "and how many (None: nobody left)."),
}


def belonging(friends_inside: np.ndarray, weight: float, half: float) -> np.ndarray:
    """What the friends one has inside are worth (interest units), saturating (pure).

    >>> belonging(np.array([0, 3, 300]), 0.2, 3.0).round(3)
    array([0.   , 0.1  , 0.198])
    """
    f = np.asarray(friends_inside, dtype=float)
    return weight * f / (f + half)


def leaving_bar(expected: np.ndarray, tenure: np.ndarray, threshold: float, trial_days: float) -> np.ndarray:
    """What a member's interest plus belonging must reach for it to stay (pure).

    Newcomers judge the community against what they expected when they joined
    (expectation-confirmation, Bhattacherjee 2001); as tenure grows the bar falls to the
    general `leave_threshold` (commitment builds).

    >>> leaving_bar(np.array([0.6, 0.6, 0.1]), np.array([0, 10_000, 0]), 0.15, 14).round(2)
    array([0.6 , 0.15, 0.15])
    """
    excess = np.maximum(np.asarray(expected, float) - threshold, 0.0)
    return threshold + excess * np.exp(-np.asarray(tenure, float) / max(trial_days, 1e-9))


def tenure_hazard(tenure: np.ndarray, base: float, newcomer: float, trial_days: float) -> np.ndarray:
    """Daily leaving hazard below the threshold, falling with tenure (pure).

    >>> tenure_hazard(np.array([0, 10_000]), 0.05, 4.0, 14).round(3)
    array([0.25, 0.05])
    """
    return np.minimum(1.0, base * (1.0 + newcomer * np.exp(-np.asarray(tenure) / max(trial_days, 1e-9))))


def cost_benefit_leavers(maintained, members: np.ndarray, benefit: float, cost: float) -> np.ndarray:
    """Members for whom benefit * (member friends) < cost (simultaneous update)."""
    friends = maintained @ members.astype(float)
    return members & (benefit * friends < cost)


@dataclass(frozen=True)
class Churn:
    """Today's leavers, and who was active today (counted before tomorrow's activity is drawn)."""

    leavers: np.ndarray
    active_today: np.ndarray  # mask over persons: members active today, leavers included


def leavers_today(day, members: np.ndarray) -> np.ndarray:
    """Which of `members` (ids) leave today under the scenario's leaving rule (organizers never leave)."""
    st, ch, rng = day.state, day.scenario.churn, day.rng
    members = members.compress(st.circle.take(members) != Circle.ORGANIZER)
    if ch.mode == "interest":
        # quitting is something one does on a visit: silent members stay on the roll
        members = members.compress(st.active.take(members))
        trial = day.scenario.newcomers.trial_days
        standing = st.standing(members, day.number)
        bar = leaving_bar(st.expected.take(members), standing, ch.leave_threshold, trial)
        # interest alone decides for most; belonging only matters below the bar
        below = st.interest.take(members) < bar
        low = members.compress(below)
        if low.size == 0:
            return low
        bar = bar.compress(below)
        mask = st.member_mask()
        tenure = standing.compress(below)
        # friends inside were part of what a newcomer expected; they hold established members
        pull = belonging(friends_inside(day.population.maintained, low, mask),
                         ch.belonging_weight, ch.belonging_half) * -np.expm1(-tenure / trial)
        keep = st.interest.take(low) + pull >= bar
        low, tenure = low.compress(~keep), tenure.compress(~keep)
        hazard = tenure_hazard(tenure, ch.leave_hazard, ch.newcomer_hazard, trial)
        return low.compress(rng.random(low.size) < hazard)
    if ch.mode == "cost_benefit":
        mask = np.zeros(st.n, bool)
        mask[members] = True
        staff = st.circle == Circle.ORGANIZER
        present = mask | (staff & st.member_mask())  # staff count as friends present
        leaving = cost_benefit_leavers(day.population.maintained, present, ch.benefit_per_friend, ch.cost)
        return (leaving & mask).nonzero()[0]
    return np.zeros(0, np.int64)


def mute_when_overloaded(day) -> None:
    """Readers facing more than they can read may mute the group (withdrawal under overload).

    Jones, Ravid & Rafaeli (2004): as message volume grows, users end active participation.
    A reader mutes with chance `overload_mute * ln(backlog) * (1 - motivation)`: the keen skim
    on, the lukewarm turn the group off. Staff never mute.
    """
    rate = day.scenario.churn.overload_mute
    r = day.results.get("reading")
    if not rate or r is None or r.readers.size == 0:
        return
    st = day.state
    p = rate * np.log(np.maximum(r.backlog, 1.0)) * (1.0 - st.motivation(day.effects, r.readers))
    st.muted[r.readers.compress(day.rng.random(r.readers.size) < p)] = True


def step(day) -> Churn:
    """Apply leaving, then draw tomorrow's activity; remember whose friends left (contagion)."""
    st = day.state
    member_mask = st.member_mask()
    active_today = st.active & member_mask
    members = st.member_ids()
    leavers = leavers_today(day, members)
    if day.scenario.churn.mute_share and leavers.size:
        # most who give up on a chat group mute it rather than leave it
        mute = day.rng.random(leavers.size) < day.scenario.churn.mute_share
        st.muted[leavers.compress(mute)] = True
        leavers = leavers.compress(~mute)
    mute_when_overloaded(day)
    from_leavers = activity.messages_from(day, leavers) if day.scenario.activity.notification_pull else None
    st.set_status(leavers, Status.LEFT)
    st.left_day[leavers] = day.number
    st.group[leavers] = -1
    st.active[leavers] = False
    staying = members.compress(st.status.take(members) == Status.MEMBER) if leavers.size else members
    activity.draw_activity(day, staying, st.motivation(day.effects, staying), from_leavers)
    st.left_friends = reached_counts(day.population.followers, leavers) if leavers.size else None
    return Churn(leavers, active_today)


def at_risk(state, churn, risk: float, members: tuple | None = None) -> int:
    """Members whose chance of leaving within 30 days exceeds `risk` (docs/domain.md, 'Measures operators watch').

    Leaving is decided on visits, so an established member below the threshold leaves within
    30 days with chance 1 - (1 - habit * leave_hazard)^30, its habit standing for its
    visiting rate. An estimate: it leaves out newcomers' higher bar and hazard, and
    belonging may still hold some of those it counts. `members`: (member ids, their circles,
    their interest) when the caller has them already.
    """
    if churn.mode != "interest" or 1.0 - (1.0 - churn.leave_hazard) ** 30 <= risk:
        return 0
    if members is None:
        ids = state.member_ids()
        members = (ids, state.circle.take(ids), state.interest.take(ids))
    ids, circles, interest = members
    low = ids.compress((circles != Circle.ORGANIZER) & (interest < churn.leave_threshold))
    # p30 = 1 - q^30 with q = 1 - habit * hazard falls as q grows: compare q with the q at which
    # p30 = risk, and evaluate the power only within a hair of it (same count, a fraction of the work)
    q = 1.0 - state.habit.take(low) * churn.leave_hazard
    edge = (1.0 - risk) ** (1.0 / 30)
    near = np.abs(q - edge) <= 1e-9
    if not near.any():
        return int(np.count_nonzero(q < edge))
    exact = q.compress(near)
    return int(np.count_nonzero(q.compress(~near) < edge)) + int(np.count_nonzero(1.0 - exact ** 30 > risk))
