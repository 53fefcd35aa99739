"""Activity and habit: who comes back tomorrow.

A member's chance of being active tomorrow is

    activity_max * motivation^activity_exponent * (habit_floor + (1 - habit_floor) * habit)

where `habit` is the member's recent visiting rate, an exponential moving average of its
daily activity (memory `1 / habit_rate` days). Coming back is partly habitual (Wood & Neal
2007; habits strengthen with repetition and fade without it, Lally et al. 2010): a joiner has
just visited (habit 1), so cohorts start lively and settle to a rate that depends on interest;
members who stop visiting lose the habit and go quiet, so MAU is well below membership. A
member silent for `churn.dormant_after` days is dormant (the silent majority) and visits far
less again. Organizers are at work every day.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.state import Array, Circle
from sim.scenario.params import P

#: The `activity` section of a scenario file: every key with its default, unit, range and meaning.
PARAMS: dict[str, Any] = {
    "habit_rate": P(0.1, "float", "1/day", "Weight of today in the habit (recent visiting rate): "
                    "1 / memory in days (about 10 days; Lally et al. 2010 report habits "
                    "forming and fading over weeks).", 0, 1),
    "habit_floor": P(0.3, "float", "share", "Share of the activity chance that needs no "
                     "habit: a member who has lost the habit keeps this share of it.", 0, 1),
}

STATE = {
    "habit": Array(float, 0.0, "Recent visiting rate (moving average of daily activity), 0..1."),
}


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
    st.last_active_day[st.active] = day.number


def update_habit(state, members: np.ndarray, rate: float) -> None:
    """Move each member's habit toward today's activity (1 active, 0 not)."""
    h = state.habit[members]
    state.habit[members] = h + rate * (state.active[members] - h)


def draw_activity(day, members: np.ndarray, motivation: np.ndarray) -> None:
    """Who is active tomorrow: motivation times habit, much lower when dormant."""
    st, sc = day.state, day.scenario
    update_habit(st, members, sc.activity.habit_rate)
    dormant = (day.number + 1 - st.last_active_day[members]) >= sc.churn.dormant_after
    p = activity_probability(motivation[members], st.habit[members], dormant, sc.churn,
                             sc.motivation, sc.activity)
    active_next = members[day.rng.random(members.size) < p]
    st.active[:] = False
    st.active[active_next] = True
    st.active[members[st.circle[members] == Circle.ORGANIZER]] = True
