"""Events: on an event day, members who notice may come, attendees gain interest and novelty.

Online events reach many and lift a little; offline meet-ups reach few and lift a lot
(`sim/model/strategies/events.py` holds the formats). An event is a reason to come, not a
reason to care: a member who notices comes with a chance equal to its interest, and a dormant
one with the event's `wake` chance times that: events reach the silent majority (seed 004)
insofar as it still cares. (Until model version 5 every active noticer came and a dormant one
woke with `wake` whatever its interest, so an event with no boost and no novelty still filled
a dead community once a month and kept it counted as alive.)

Events wear out (model version 7). A noticer's chance to come and what an attendee gains are
scaled by how far it has recovered from the last event it attended, `1 - exp(-gap /
recovery_days)`: habituation, the decline of a response to a repeated stimulus that is faster
the more often it comes and that recovers when the stimulus pauses (Thompson & Spencer 1966;
Rankin et al. 2009), as advertising wears out with repetition (Pechmann & Stewart 1988).
Until version 7 every event restored full novelty at any frequency, and since novelty's fading
is what ends a community here, weekly events gave 5.4 times the baseline's member-days. The
form is from that literature; `recovery_days` (default 30) is a stated choice, not a measured
value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.mechanics.activity import is_dormant
from sim.model.state import Circle, Value

PARAMS: dict = {}  # events are configured per strategy (sim/model/strategies/events.py)
STATE = {
    "last_event_day": Value(None, "Day each person last attended an event (very negative: never): a "
                            "per-person array allocated at the first event (not counted in the memory "
                            "estimate's state bytes: 4 more per person then)."),
}

NEVER = -(10 ** 9)  # "never attended": exp(-(day - NEVER) / recovery) is 0, the full gain


def recovered(gap: np.ndarray, recovery_days: float) -> np.ndarray:
    """Share of an event's full effect an attendee feels `gap` days after the last event it attended (pure).

    `1 - exp(-gap / recovery_days)`; 1 everywhere when `recovery_days` is 0 (no habituation).

    >>> recovered(np.array([0, 30, 90, 10**9]), 90.0).round(3).tolist()
    [0.0, 0.283, 0.632, 1.0]
    """
    if recovery_days <= 0:
        return np.ones(np.shape(gap))
    return -np.expm1(-np.asarray(gap, float) / recovery_days)


@dataclass(frozen=True)
class EventDay:
    """Members reached by today's events (0 on ordinary days)."""

    attendees: int = 0


def attend(day, event, before: np.ndarray) -> np.ndarray:
    """Apply one event: who notices may come, and attendees' interest and novelty rise. Returns the attendees (ids).

    A noticer comes with a chance equal to its interest, a dormant one with `wake` times that,
    both times how far it has recovered from the last event it attended (`recovered`); so is
    what it gains. `before`: each person's last event day as the day began, so two events on
    one day judge everyone alike whatever their order.
    """
    if event.reach <= 0:  # no one notices: draw nothing, so the shared stream stays paired with a baseline
        return np.zeros(0, np.int64)
    st, rng = day.state, day.rng
    members = (st.member_mask() & (st.circle != Circle.ORGANIZER)).nonzero()[0]
    # reach is the share noticing at topic fit 0.5 (fit averages 0.4: about 0.8 x reach notice)
    notice = members[rng.random(members.size) < event.reach * day.population.topic_fit[members] * 2]
    dormant = is_dormant(st.last_active_day[notice], day.number, day.scenario.churn.dormant_after, st.muted[notice])
    come = st.interest[notice] * np.where(dormant, event.wake, 1.0)
    habituates = event.recovery_days > 0
    if habituates:  # the pull to come and what an attendee gains both wear out with frequent events
        felt = recovered(day.number - before[notice], event.recovery_days)  # int32: NEVER + 20,000 days fit
        come = come * felt
    came = rng.random(notice.size) < come
    wake = notice[came]
    st.muted[wake] = False  # an event that reaches a member who muted the group brings it back
    st.active[wake] = True
    st.last_active_day[wake] = day.number
    st.last_event_day[wake] = day.number  # attendance counts for every event, wearing out or not
    boost, novelty = event.boost, event.novelty
    if habituates:
        boost, novelty = boost * felt[came], novelty * felt[came]
    st.interest[wake] = np.minimum(1.0, st.interest[wake] + boost)
    st.novelty[wake] = np.minimum(1.0, st.novelty[wake] + novelty)
    return wake


def step(day) -> EventDay:
    """Hold today's events (in the order of their strategy names; each judged on the history before today).

    A member who attends two events on one day counts once among the day's attendees (until
    model version 16 once per event, so the count could exceed the members).
    """
    if not day.effects.events:
        return EventDay(0)
    st = day.state
    if st.last_event_day is None:
        st.last_event_day = np.full(st.n, NEVER, np.int32)
    # one event reads its attendees' history before writing it; a second one the same day needs the copy
    before = st.last_event_day.copy() if len(day.effects.events) > 1 else st.last_event_day
    came = [attend(day, event, before) for event in day.effects.events]
    return EventDay(int(came[0].size) if len(came) == 1 else int(np.unique(np.concatenate(came)).size))
