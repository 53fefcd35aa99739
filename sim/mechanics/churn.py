"""Activity, dormancy and leaving (DESIGN.md step 6).

Tomorrow's activity is `activity_max * motivation^activity_exponent`, much lower for dormant
members (silent for `dormant_after` days). Members leave by one of three rules:
'interest' (below `leave_threshold` they leave with daily hazard `leave_hazard`),
'cost_benefit' (Garcia et al. 2013: leave when b * friends present < c; survivors form a
k-core), or 'off'.
"""

from __future__ import annotations

import numpy as np

from sim.mechanics.state import LEFT, MEMBER, ORGANIZER


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


def leave_and_activate(model, motivation) -> np.ndarray:
    """Apply leaving, then draw tomorrow's activity. Returns the indices of today's leavers."""
    st, sc, rng = model.state, model.scenario, model.rng
    ch = sc.churn
    members = np.flatnonzero(st.status == MEMBER)
    if ch.mode == "interest":
        low = members[(st.interest[members] < ch.leave_threshold) & (st.circle[members] != ORGANIZER)]
        leavers = low[rng.random(low.size) < ch.leave_hazard]
    elif ch.mode == "cost_benefit":
        mask = np.zeros(st.n, bool)
        mask[members] = True
        leavers = np.flatnonzero(cost_benefit_leavers(model.population.maintained, mask,
                                                      ch.benefit_per_friend, ch.cost))
    else:
        leavers = np.zeros(0, np.int64)
    st.status[leavers] = LEFT
    st.left_day[leavers] = model.day
    st.group[leavers] = -1
    st.active[leavers] = False

    stay = np.ones(st.n, bool)
    stay[leavers] = False
    members = members[stay[members]]
    dormant = (model.day + 1 - st.last_active_day[members]) >= ch.dormant_after
    p = activity_probability(motivation[members], dormant, ch, sc.motivation)
    active_next = members[rng.random(members.size) < p]
    st.active[:] = False
    st.active[active_next] = True
    st.active[members[st.circle[members] == ORGANIZER]] = True
    return leavers


def at_risk(state, churn, risk: float) -> int:
    """Members whose chance of leaving within 30 days exceeds `risk` (DOMAIN.md section 7)."""
    if churn.mode != "interest" or 1.0 - (1.0 - churn.leave_hazard) ** 30 <= risk:
        return 0
    members = (state.status == MEMBER) & (state.circle != ORGANIZER)
    return int((members & (state.interest < churn.leave_threshold)).sum())
