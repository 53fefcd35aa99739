"""Newcomers: today's joiners become members of the diffusion circle, and find a group.

A joiner starts at `motivation.initial_interest` with full novelty, active on its first day,
in the group holding most of its friends (`groups.place_joiners`). Strategies adjust a
joiner's start through their `on_join` hook (invite rewards: rewarded invitees came for the
reward, not the topic) and say what the joins cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.mechanics import groups
from sim.model.state import Circle, Status

PARAMS: dict = {}  # initial interest is `motivation.initial_interest`
STATE: dict = {}


@dataclass(frozen=True)
class Admission:
    """What today's joins cost the strategies' budgets (invite rewards)."""

    cost: float = 0.0


def step(day) -> Admission:
    """Admit `day.joining.joiners`: status, circle, interest, novelty, activity and group."""
    st, joining = day.state, day.joining
    joiners = joining.joiners
    if joiners.size == 0:
        return Admission(0.0)
    st.status[joiners] = Status.MEMBER
    st.circle[joiners] = Circle.DIFFUSION
    interest = np.full(joiners.size, day.scenario.motivation.initial_interest)
    cost = 0.0
    for strategy in day.strategies:
        cost += strategy.on_join(joining, interest)
    st.interest[joiners] = np.clip(interest, 0.0, 1.0)
    st.novelty[joiners] = 1.0
    st.invited[joiners] = joining.word_of_mouth
    st.joined_day[joiners] = day.number
    st.last_active_day[joiners] = day.number
    st.active[joiners] = True
    groups.place_joiners(day, joiners)
    return Admission(cost)
