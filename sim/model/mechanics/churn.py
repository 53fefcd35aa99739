"""Activity, dormancy and leaving (DESIGN.md step 6).

Tomorrow's activity is `activity_max * motivation^activity_exponent`, much lower for dormant
members (silent for `dormant_after` days). Members leave by one of three rules:
'interest' (below `leave_threshold` they leave with daily hazard `leave_hazard`),
'cost_benefit' (Garcia et al. 2013: leave when b * friends present < c; survivors form a
k-core), or 'off'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.state import Circle, Status, Value
from sim.scenario.params import P

#: The `churn` section of a scenario file: every key with its default, unit, range and meaning.
PARAMS: dict[str, Any] = {
    "mode": P("interest", "str", "-", "'interest': leave when interest stays low; "
              "'cost_benefit': leave when benefit_per_friend * friends present < cost "
              "(Garcia et al. 2013); 'off': nobody leaves.",
              choices=("interest", "cost_benefit", "off")),
    "leave_threshold": P(0.15, "float", "interest", "Members below this interest may leave.", 0, 1),
    "leave_hazard": P(0.05, "float", "1/day", "Daily chance a member below the threshold leaves.", 0, 1),
    "dormant_after": P(30, "int", "days", "Days without activity after which a member is "
                       "dormant (silent majority).", 1, 100000),
    "dormant_activity": P(0.1, "float", "x", "Activity multiplier of dormant members.", 0, 1),
    "burnout_audience": P(10, "int", "readers/day", "Active readers a core member needs in "
                          "its group; fewer burns it out.", 0, 10_000_000),
    "burnout_rate": P(0.01, "float", "1/day", "Core interest lost per day with no audience.", 0, 1),
    "benefit_per_friend": P(1.0, "float", "utility", "b in the cost-benefit rule.", 0, 1e6),
    "cost": P(2.5, "float", "utility", "c in the cost-benefit rule.", 0, 1e6),
}

STATE = {
    "left_friends": Value(None, "Per person: maintained ties who left yesterday (None: nobody left)."),
}


def activity_probability(motivation: np.ndarray, dormant: np.ndarray, churn, mot) -> np.ndarray:
    """Chance of being active tomorrow (pure).

    >>> from types import SimpleNamespace as NS
    >>> activity_probability(np.array([1.0, 1.0]), np.array([False, True]),
    ...                      NS(dormant_activity=0.1), NS(activity_max=0.8, activity_exponent=2))
    array([0.8 , 0.08])
    """
    p = mot.activity_max * motivation ** mot.activity_exponent
    return np.where(dormant, p * churn.dormant_activity, p)


def cost_benefit_leavers(maintained, members: np.ndarray, benefit: float, cost: float) -> np.ndarray:
    """Members for whom benefit * (member friends) < cost (simultaneous update)."""
    friends = maintained @ members.astype(float)
    return members & (benefit * friends < cost)


@dataclass(frozen=True)
class Churn:
    """Today's leavers, and who was active today (counted before tomorrow's activity is drawn)."""

    leavers: np.ndarray
    active_today: np.ndarray  # mask over persons: members active today, leavers included


def mark_active(day) -> None:
    """Start of the day: everyone active today (yesterday's draw, event wakes) was seen today."""
    st = day.state
    st.last_active_day[st.active] = day.number


def leavers_today(day, members: np.ndarray) -> np.ndarray:
    """Members who leave today under the scenario's leaving rule."""
    st, ch, rng = day.state, day.scenario.churn, day.rng
    if ch.mode == "interest":
        low = members[(st.interest[members] < ch.leave_threshold) & (st.circle[members] != Circle.ORGANIZER)]
        return low[rng.random(low.size) < ch.leave_hazard]
    if ch.mode == "cost_benefit":
        mask = np.zeros(st.n, bool)
        mask[members] = True
        return np.flatnonzero(cost_benefit_leavers(day.population.maintained, mask,
                                                   ch.benefit_per_friend, ch.cost))
    return np.zeros(0, np.int64)


def draw_activity(day, members: np.ndarray, motivation: np.ndarray) -> None:
    """Who is active tomorrow: a smooth function of motivation, much lower when dormant."""
    st, sc = day.state, day.scenario
    dormant = (day.number + 1 - st.last_active_day[members]) >= sc.churn.dormant_after
    p = activity_probability(motivation[members], dormant, sc.churn, sc.motivation)
    active_next = members[day.rng.random(members.size) < p]
    st.active[:] = False
    st.active[active_next] = True
    st.active[members[st.circle[members] == Circle.ORGANIZER]] = True


def step(day) -> Churn:
    """Apply leaving, then draw tomorrow's activity; remember whose friends left (contagion)."""
    from sim.model.population import count_from

    st = day.state
    motivation = st.motivation(day.effects)
    member_mask = st.status == Status.MEMBER
    active_today = st.active & member_mask
    members = np.flatnonzero(member_mask)
    leavers = leavers_today(day, members)
    st.status[leavers] = Status.LEFT
    st.left_day[leavers] = day.number
    st.group[leavers] = -1
    st.active[leavers] = False
    stay = np.ones(st.n, bool)
    stay[leavers] = False
    draw_activity(day, members[stay[members]], motivation)
    st.left_friends = count_from(day.population.followers, leavers, st.n) if leavers.size else None
    return Churn(leavers, active_today)


def at_risk(state, churn, risk: float) -> int:
    """Members whose chance of leaving within 30 days exceeds `risk` (DOMAIN.md section 7)."""
    if churn.mode != "interest" or 1.0 - (1.0 - churn.leave_hazard) ** 30 <= risk:
        return 0
    members = (state.status == Status.MEMBER) & (state.circle != Circle.ORGANIZER)
    return int((members & (state.interest < churn.leave_threshold)).sum())
