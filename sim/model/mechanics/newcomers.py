"""Newcomers: today's joiners become members of the diffusion circle, and find a group.

Joiners differ: a joiner's interest starts at `motivation.initial_interest`, moved by how well
the topic fits it (`interest_from_fit * (fit - mean fit)`) and by chance (`interest_sd`:
people join on a whim, from a friend's share, for a promotion). It starts with full novelty
and the habit of someone who has just visited, in the group holding most of its friends
(`groups.place_joiners`). For its first `trial_days` the newcomer is on trial: first
impressions weigh more (`trial_adapt_rate`, used by `motivation`), and its leaving hazard is
higher (`churn.newcomer_hazard`). Joyce & Kraut (2006) found that a reply to a newcomer's
first post made a second post more likely (56% vs 44%). Strategies adjust a joiner's start
through their `on_join` hook (invite rewards: rewarded invitees came for the reward, not
the topic) and say what the joins cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.mechanics import groups
from sim.model.state import Circle, Status
from sim.scenario.params import P

#: The `newcomers` section of a scenario file (the mean starting interest is
#: `motivation.initial_interest`).
PARAMS: dict[str, Any] = {
    "interest_from_fit": P(1.0, "float", "interest per fit", "How much a joiner's starting "
                           "interest moves with its topic fit above the population's mean.", 0, 10),
    "interest_sd": P(0.15, "float", "interest", "Spread of starting interest beyond topic fit "
                     "(why people join varies).", 0, 1),
    "trial_days": P(14, "int", "days", "Newcomers' trial period: first impressions weigh more "
                    "and leaving is likelier (its scale of decay).", 1, 10000),
    "trial_adapt_rate": P(0.25, "float", "1/day", "Speed at which a newcomer's interest moves "
                          "toward what its day was worth during the trial.", 0, 1),
}
STATE: dict = {}


def starting_interest(fit: np.ndarray, mean_fit: float, mean: float, params, rng) -> np.ndarray:
    """Joiners' starting interest: the mean, moved by topic fit and by chance, in [0, 1].

    >>> from types import SimpleNamespace as NS
    >>> starting_interest(np.array([0.2, 0.6]), 0.4, 0.6, NS(interest_from_fit=1.0, interest_sd=0.0),
    ...                   np.random.default_rng(0)).round(2)
    array([0.4, 0.8])
    """
    x = mean + params.interest_from_fit * (fit - mean_fit)
    if params.interest_sd:
        x = x + rng.normal(0.0, params.interest_sd, fit.size)
    return x.clip(0.0, 1.0)


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
    st.set_status(joiners, Status.MEMBER)
    st.circle[joiners] = Circle.DIFFUSION
    interest = starting_interest(day.population.topic_fit[joiners], day.population.mean_fit,
                                 day.scenario.motivation.initial_interest, day.scenario.newcomers, day.rng)
    cost = 0.0
    for strategy in day.strategies:
        cost += strategy.on_join(joining, interest)
    st.interest[joiners] = interest.clip(0.0, 1.0)
    st.expected[joiners] = st.interest[joiners]
    st.novelty[joiners] = 1.0
    st.invited[joiners] = joining.word_of_mouth
    st.joined_day[joiners] = day.number
    st.last_active_day[joiners] = day.number
    st.active[joiners] = True
    st.habit[joiners] = 1.0
    groups.place_joiners(day, joiners)
    return Admission(cost)
