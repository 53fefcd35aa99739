"""Events: online (Q&A, contests, live) or offline (meet-ups) activities on a schedule.

An event day brings members who notice and still care (chance: their interest), wakes dormant
ones (the silent majority) with the `wake` chance times their interest, lifts attendees'
interest and refreshes novelty, adds discussion, and costs money and organizer hours. What an
attendee gains wears out when events come often and recovers over a pause (`recovery_days`).
"""

from sim.model.strategies.base import Effects, Event, Strategy
from sim.scenario.params import P

FORMAT_DEFAULTS = {
    # reach: share of members who notice; boost: interest gained by attendees
    "online": {"reach": 0.5, "boost": 0.08, "novelty": 0.10},
    "offline": {"reach": 0.1, "boost": 0.25, "novelty": 0.25},
}


class Events(Strategy):
    """Online or offline events on a schedule; two on one day both happen."""

    kind = "events"
    recurring = True
    summary = "Online or offline events: those who notice and still care come, some dormant ones wake."
    PARAMS = {
        "format": P("online", "str", "-", "Event format.", choices=("online", "offline"), role="lever"),
        "reach": P(None, "float", "share", "How widely the event is noticed: a member notices with "
                   "chance min(1, 2 x reach x its topic fit), so reach is the share who notice among "
                   "members of fit 0.5 (about 0.8 x reach on average, fit averaging 0.4; default by "
                   "format: online 0.5, offline 0.1).", 0, 1, nullable=True, role="assumption"),
        "boost": P(None, "float", "interest", "Interest gained by attendees (default by format: "
                   "online 0.08, offline 0.25).", 0, 1, nullable=True, role="assumption"),
        "wake": P(0.3, "float", "probability", "Chance a dormant member who notices wakes up, at full "
                  "interest (times its interest; a member who is not dormant comes with chance = interest).",
                  0, 1, role="assumption"),
        "novelty": P(None, "float", "share", "Novelty restored to attendees (default by format).",
                     0, 1, nullable=True, role="assumption"),
        "messages": P(100.0, "float", "messages/group", "Extra discussion per group on the day.", 0, 1e6,
                      role="assumption"),
        "cost": P(200.0, "float", "currency/event", "Cost of one event.", 0, 1e9, role="assumption"),
        "hours": P(4.0, "float", "organizer hours", "Organizer hours one event takes.", 0, 1000, role="assumption"),
        "recovery_days": P(30.0, "float", "days", "Habituation: a member's chance to come and its gain in "
                           "interest and novelty are scaled by 1 - exp(-days since the last event it attended / "
                           "recovery_days), so events repeated often wear out and one after a pause works again "
                           "(a member's first event: in full). A stated choice, not measured; 0: no habituation "
                           "(model version 6).", 0, 1e6, role="assumption"),
    }

    def apply(self, effects: Effects, day: int) -> None:
        """On an event day, add this event (format defaults filled in) and charge its cost."""
        if not self.fires(day):
            return
        p = self.params
        d = FORMAT_DEFAULTS[p.format]
        effects.events = (Event(
            name=self.name,
            reach=d["reach"] if p.reach is None else p.reach,
            boost=d["boost"] if p.boost is None else p.boost,
            novelty=d["novelty"] if p.novelty is None else p.novelty,
            wake=p.wake, messages=p.messages, hours=p.hours, recovery_days=p.recovery_days,
        ),)
        self.charge(effects, p.cost)
