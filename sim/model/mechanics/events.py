"""Events: on an event day, members who notice may come, attendees gain interest and novelty.

Online events reach many and lift a little; offline meet-ups reach few and lift a lot
(`sim/model/strategies/events.py` holds the formats). An event is a reason to come, not a
reason to care: a member who notices comes with a chance equal to its interest, and a dormant
one with the event's `wake` chance times that: events reach the silent majority (seed 004)
insofar as it still cares. (Until model version 5 every active noticer came and a dormant one
woke with `wake` whatever its interest, so an event with no boost and no novelty still filled
a dead community once a month and kept it counted as alive.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.state import Circle

PARAMS: dict = {}  # events are configured per strategy (sim/model/strategies/events.py)
STATE: dict = {}


@dataclass(frozen=True)
class EventDay:
    """Members reached by today's events (0 on ordinary days)."""

    attendees: int = 0


def attend(day, event) -> int:
    """Apply one event: who notices may come, and attendees' interest and novelty rise. Returns attendees.

    A noticer comes with a chance equal to its interest, a dormant one with `wake` times that.
    """
    if event.reach <= 0:  # no one notices: draw nothing, so the shared stream stays paired with a baseline
        return 0
    st, rng = day.state, day.rng
    members = (st.member_mask() & (st.circle != Circle.ORGANIZER)).nonzero()[0]
    notice = members[rng.random(members.size) < event.reach * day.population.topic_fit[members] * 2]
    dormant = ((day.number - st.last_active_day[notice]) >= day.scenario.churn.dormant_after) | st.muted[notice]
    come = st.interest[notice] * np.where(dormant, event.wake, 1.0)
    wake = notice[rng.random(notice.size) < come]
    st.muted[wake] = False  # an event that reaches a member who muted the group brings it back
    st.active[wake] = True
    st.last_active_day[wake] = day.number
    st.interest[wake] = np.minimum(1.0, st.interest[wake] + event.boost)
    st.novelty[wake] = np.minimum(1.0, st.novelty[wake] + event.novelty)
    return int(wake.size)


def step(day) -> EventDay:
    """Hold today's events (in the order of their strategy names)."""
    if not day.effects.events:
        return EventDay(0)
    return EventDay(sum(attend(day, event) for event in day.effects.events))
