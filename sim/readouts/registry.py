"""Every read-out, declared once: name, label, unit, better direction, per day or per run, function.

Daily read-outs are the columns of `timeseries.csv` (in this order); run read-outs are the
measures of `summary.json`, the CLI summary, compare and sweep tables, verdicts, reports and
the page. To add a read-out, add one `Readout` here (or call `register` from your own code):
a daily one with an `aggregate` also becomes a run measure.

>>> DAILY["dau"].label, RUN["lifespan"].better
('daily active members', True)
>>> "lifespan" in measures() and "dau" not in measures()
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from sim.model.mechanics.activity import is_dormant
from sim.model.mechanics.churn import at_risk as count_at_risk
from sim.model.mechanics.groups import counts_by_group
from sim.model.state import Circle


@dataclass(frozen=True)
class Readout:
    """One read-out.

    Parameters
    ----------
    name : str
        Column or key (dotted for a nested `summary.json` value, e.g. ``retention.d30``).
    label, unit : str
        How tables and figures name it.
    better : bool or None
        True when higher is better, False when lower is, None when neither.
    per : {"day", "run"}
        A `timeseries.csv` column, or one value per run.
    fn : callable
        Daily: ``fn(view: DayView)``; per run: ``fn(run: RunView)``.
    fmt : str
        Format spec of one value (``"{:,.0f}"``).
    aggregate : {"sum", "mean", "max", "last"} or None
        Daily only: also report this aggregate over the run as a run measure.
    in_summary : bool
        Per run only: written to `summary.json` (the measures that `summary.json` already
        carries under their name are never written twice).
    key : bool
        Shown in the report's headline table.
    verdict : tuple of str or None
        Verdict sentence when it goes up and when it goes down (``{x}`` is the amount).
    """

    name: str
    label: str
    unit: str
    better: bool | None
    per: str
    fn: Callable[[Any], Any]
    fmt: str = "{:,.0f}"
    aggregate: str | None = None
    in_summary: bool = True
    key: bool = False
    verdict: tuple[str, str] | None = None
    doc: str = ""

    @property
    def bounds(self) -> tuple[float, float] | None:
        """The range a value can take: [0, 1] for a share (its intervals are clipped to it), else None."""
        return (0.0, 1.0) if self.unit.startswith("share") else None

    def unit_in(self, currency: str) -> str:
        """The unit with the scenario's currency label (`currency`) in place of the word 'currency'."""
        return self.unit.replace("currency", currency)

    def format(self, value) -> str:
        """One value as text ('n/a' when missing)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "n/a"
        try:
            return self.fmt.format(value)
        except (TypeError, ValueError):
            return str(value)


DAILY: dict[str, Readout] = {}
RUN: dict[str, Readout] = {}


def register(readout: Readout) -> Readout:
    """Add a read-out to the registry (replacing one of the same name)."""
    if readout.per not in ("day", "run"):
        raise ValueError(f"read-out {readout.name!r}: per must be 'day' or 'run'")
    (DAILY if readout.per == "day" else RUN)[readout.name] = readout
    return readout


def unregister(name: str) -> None:
    """Remove a read-out (tests add throwaway ones)."""
    DAILY.pop(name, None)
    RUN.pop(name, None)


def measures() -> list[str]:
    """Names of every run measure, in table order: run read-outs, then aggregated daily ones."""
    return list(RUN) + [name for name, r in DAILY.items() if r.aggregate and name not in RUN]


def measure(name: str) -> Readout:
    """The declaration of a run measure (or of the daily read-out it aggregates)."""
    return RUN[name] if name in RUN else DAILY[name]


# ------------------------------------------------------------------------------ daily
class _once:
    """A property computed on first access and then kept on the instance.

    `functools.cached_property` without its lock (Python 3.11 takes one on every first
    access, a measurable share of the daily read-outs); a DayView lives in one thread.
    """

    def __init__(self, fn):
        self.fn, self.name, self.__doc__ = fn, fn.__name__, fn.__doc__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


class DayView:
    """What a daily read-out sees at the end of a day: the model, today's results and cached masks."""

    def __init__(self, model, day, cost: dict):
        self.model, self.day, self.state = model, day, model.state
        self.effects, self.scenario = day.effects, model.scenario
        self.cost = cost

    @_once
    def members(self) -> np.ndarray:
        """Mask of members at the end of the day (read-only, shared: combine it, never change it in place)."""
        return self.state.member_mask()

    @_once
    def member_ids(self) -> np.ndarray:
        """Persons who are members at the end of the day (the read-outs work on them, not on all n)."""
        return self.state.member_ids()

    @_once
    def n_members(self) -> int:
        """Members at the end of the day."""
        return int(self.member_ids.size)

    @_once
    def member_circles(self) -> np.ndarray:
        """Circle of each of `member_ids`."""
        return self.state.circle.take(self.member_ids)

    @_once
    def member_last_active(self) -> np.ndarray:
        """Last active day of each of `member_ids` (MAU and dormancy read it)."""
        return self.state.last_active_day.take(self.member_ids)

    @_once
    def member_interest(self) -> np.ndarray:
        """Interest of each of `member_ids` (mean interest and members at risk read it)."""
        return self.state.interest.take(self.member_ids)

    @_once
    def member_dormant(self) -> np.ndarray:
        """For each of `member_ids`: not staff and silent for `churn.dormant_after` days or more, or muted."""
        st, ids = self.state, self.member_ids
        dormant = is_dormant(self.member_last_active, self.day.number, self.scenario.churn.dormant_after,
                             st.muted.take(ids))
        return (self.member_circles != Circle.ORGANIZER) & dormant

    @_once
    def dormant(self) -> np.ndarray:
        """Mask of members (not staff) silent for `churn.dormant_after` days or more, or who muted the group."""
        out = np.zeros(self.state.n, bool)
        out[self.member_ids.compress(self.member_dormant)] = True
        return out

    @_once
    def overloaded_readers(self) -> int:
        """Today's readers whose group sent more than they could read (the daily share and the run's reader-days)."""
        return int(np.count_nonzero(self.state.overloaded.take(self.day.reading.readers)))

    @_once
    def member_groups(self) -> np.ndarray:
        """Group of each of `member_ids` (-1: none)."""
        return self.state.group.take(self.member_ids)

    @_once
    def member_monthly_active(self) -> np.ndarray:
        """For each of `member_ids`: active at least once in the last 30 days (MAU's members)."""
        return self.member_last_active >= self.day.number - 29

    @_once
    def live_sizes(self) -> np.ndarray:
        """Members of each non-empty group."""
        sizes = counts_by_group(self.member_groups)
        return sizes.compress(sizes > 0)

    @_once
    def most_active_group(self) -> int:
        """Monthly-active members of the group that has the most of them (0: none).

        The Dunbar limit is on relationships kept up: a member silent for a month or more is
        not one the others maintain, so a group of 200 with 40 still coming is not beyond it.
        """
        sizes = counts_by_group(self.member_groups.compress(self.member_monthly_active))
        return int(sizes.max()) if sizes.size else 0


def mean_of(x: np.ndarray) -> float:
    """`float(x.mean())` of a non-empty array, without `mean`'s Python layers (same number).

    Both sum pairwise in float64 (a boolean array's sum is an exact count) and divide by the size.

    >>> mean_of(np.array([True, False, False, True])), mean_of(np.array([0.5, 1.0, 3.0]))
    (0.5, 1.5)
    """
    return float(x.sum() / x.size)


def _circle(circle: Circle, not_dormant: bool = False):
    def count(v: DayView) -> int:
        mine = v.member_circles == circle
        if not_dormant:
            mine &= ~v.member_dormant
        return int(np.count_nonzero(mine))
    return count


def _readers_mean(values: Callable[[DayView], np.ndarray]):
    def mean(v: DayView) -> float:
        readers = v.day.reading.readers
        return mean_of(values(v)) if readers.size else 0.0
    return mean


def group_activity(v: DayView) -> float:
    """Mean over groups of the share of their (non-staff) members active today.

    Group sizes and their staff are counted when content is produced (after today's joins,
    before today's leaves and the night's merges and splits), like the active counts (until
    model version 16 the staff were counted after them: a merge that moved an organizer into
    another group could put that group's share above 1).
    """
    c = v.day.content
    people = c.sizes - c.staff_sizes  # members who are not staff, as `active` counts them
    live = people > 0
    return mean_of(c.active[live] / people[live]) if live.any() else 0.0


def staff_cost(v: DayView) -> float:
    """Money on staff time today: organizers on duty x `organizer_hours` x the mode's hours x `staff_hour_cost`.

    One price of staff time for every design, so a comparison's sign does not depend on which
    design is the reference (until 2026-12-07 an operating mode priced its organizer-days at
    its own `staff_cost` while a design without one had free staff). Staff are paid the hours
    their mode sets (`operating_mode.organizer_hours`: 1.36x centralized, 0.64x decentralized at their
    default shares), whatever fatigue or events take.
    """
    c = v.scenario.community
    if not c.staff_hour_cost:
        return 0.0
    return float(v.day.content.staff * c.organizer_hours * v.effects.organizer_hours_mult * c.staff_hour_cost)


def incentive_spend(v: DayView) -> float:
    """Money on incentives today: points redeemed, invite rewards, tier privileges, KOC rounds."""
    st, ec = v.state, v.effects
    koc = v.effects.koc
    return (v.day.points.issued * ec.point_cost + v.day.newcomers.cost
            + (ec.tier_cost * int(np.count_nonzero(st.tier.take(v.member_ids))) if ec.tier_cost else 0.0)
            + (len(v.day.promotion.promoted) * koc.cost if koc else 0.0))


def posts_posted(v: DayView) -> int:
    """Messages members posted today: summed over those who posted (everyone else's count is 0)."""
    st = v.state
    return int(st.posts_today.sum() if st.posted is None else st.posts_today.take(st.posted).sum())


def organizer_load(v: DayView) -> float:
    """Organizer hours needed / hours available."""
    c = v.day.content
    return c.hours_needed / c.hours_available if c.hours_available > 0 else 0.0


def at_risk(v: DayView) -> int:
    """Members whose 30-day leaving probability exceeds `lifecycle.churn_risk`."""
    sc = v.scenario
    members = (v.member_ids, v.member_circles, v.member_interest)
    return count_at_risk(v.state, sc.churn, sc.lifecycle.churn_risk, members=members)


def _daily(name, label, unit, better, fn, fmt="{:,.0f}", **kw) -> Readout:
    return register(Readout(name, label, unit, better, "day", fn, fmt, **kw))


_daily("day", "day", "day", None, lambda v: v.day.number)
_daily("members", "members", "persons", True, lambda v: v.n_members,
       doc="members at the end of the day")
_daily("joins", "joins", "persons/day", True, lambda v: int(v.day.joining.joiners.size),
       doc="people who joined today")
_daily("joins_wom", "joins by word of mouth", "persons/day", True,
       lambda v: int(np.count_nonzero(v.day.joining.word_of_mouth)),
       doc="joins caused by a sharing friend (word of mouth)")
_daily("leaves", "leaves", "persons/day", False, lambda v: int(v.day.churn.leavers.size),
       doc="members who left today")
_daily("dau", "daily active members", "persons", True, lambda v: int(np.count_nonzero(v.day.churn.active_today)),
       doc="members active today, those who leave at the end of the day included (on a day many active "
           "members leave, dau can exceed members and mau, which count the members at the end of the day)")
_daily("mau", "monthly active members", "persons", True,
       lambda v: int(np.count_nonzero(v.member_monthly_active)),
       doc="members active at least once in the last 30 days")
_daily("core", "core members", "persons", None, _circle(Circle.CORE),
       doc="core-circle members, dormant or not (a dormant one is also counted in dormant)")
_daily("organizers", "organizers", "persons", None, _circle(Circle.ORGANIZER),
       doc="organizer-circle members")
_daily("diffusion", "diffusion members", "persons", None, _circle(Circle.DIFFUSION, not_dormant=True),
       doc="diffusion-circle members who are not dormant")
_daily("dormant", "dormant members", "persons", False, lambda v: int(np.count_nonzero(v.member_dormant)),
       doc="members (core or diffusion) silent for churn.dormant_after days or more, or who muted the group")
_daily("posts", "posts", "messages/day", True, posts_posted,
       doc="messages posted by members (chat, replies, core posts)")
_daily("messages", "messages", "messages/day", None, lambda v: float(v.day.content.messages.sum()),
       doc="all messages in all groups (posts, prompts, organizer replies, events, promotions)")
_daily("groups", "groups", "groups", None, lambda v: int(v.live_sizes.size),
       doc="groups with at least one member")
_daily("max_group_size", "largest group", "members", None,
       lambda v: int(v.live_sizes.max()) if v.live_sizes.size else 0, doc="members in the largest group")
_daily("active_group_size", "most active group", "monthly-active members", None,
       lambda v: v.most_active_group,
       doc="monthly-active members (active in the last 30 days) of the group with the most of them; "
           "the Dunbar comparison reads this, not max_group_size")
_daily("overload_share", "overload share", "share of readers", False,
       lambda v: v.overloaded_readers / v.day.reading.readers.size if v.day.reading.readers.size else 0.0, "{:.3f}",
       doc="share of today's readers whose group sent more than they could read")
_daily("stranger_share", "stranger share", "share of reads", False,
       _readers_mean(lambda v: v.day.reading.stranger_share), "{:.3f}",
       doc="mean share of social messages read that came from strangers")
_daily("mean_interest", "mean interest", "0..1", True,
       lambda v: mean_of(v.member_interest) if v.n_members else 0.0, "{:.3f}",
       doc="mean interest of members")
_daily("sharers", "sharers", "persons/day", True, lambda v: v.day.joining.sharers,
       doc="members who shared the community with friends today")
_daily("points_issued", "points issued", "points/day", None, lambda v: v.day.points.issued,
       doc="points issued today")
_daily("incentive_spend", "incentive spend", "currency/day", False, lambda v: v.cost["incentive_spend"],
       doc="money spent on incentives today (points, invite rewards, tiers, KOC)")
_daily("spend", "spend", "currency/day", False, lambda v: v.cost["spend"],
       doc="all money spent today (incentives plus content, events, feed, campaigns, staff)")
_daily("staff", "organizers on duty", "persons", None, lambda v: float(v.day.content.staff), "{:,.1f}",
       doc="organizers at work: the launch team or the staffing policy's headcount (community.organizers_per_1000)")
_daily("staff_hours", "staff hours", "hours/day", None, lambda v: float(v.day.content.hours_available),
       "{:,.1f}", doc="organizer hours available today (plus volunteer admins), spent on group "
       "overhead, fermenting core posts and replies")
_daily("staff_cost", "staff cost", "currency/day", False, lambda v: v.cost["staff_cost"],
       doc="money on staff time today (community.staff_hour_cost per organizer-hour)")
_daily("answered_share", "posters answered", "share of posters", True,
       lambda v: v.day.content.answered / v.day.content.posters if v.day.content.posters else 0.0, "{:.3f}",
       doc="share of today's posters who got a reply from a peer or an organizer (recognition)")
_daily("group_activity", "group activity", "active/members", True, group_activity, "{:.3f}",
       doc="mean over live groups of active members / members (how lively the typical group is)")
_daily("organizer_load", "organizer load", "needed/available", False, organizer_load, "{:.2f}",
       doc="organizer hours needed / hours available")
_daily("at_risk", "members at risk", "persons", False, at_risk,
       doc="members whose 30-day leaving probability exceeds lifecycle.churn_risk")
_daily("event_attendees", "event attendees", "persons/day", None, lambda v: v.day.events.attendees,
       doc="members reached by an event today")
_daily("promotions", "promotions", "persons/day", None, lambda v: int(len(v.day.promotion.promoted)),
       doc="members promoted into the core today")
_daily("splits", "group splits", "splits/day", None, lambda v: int(v.day.groups.splits),
       doc="group splits today")
_daily("merges", "group merges", "merges/day", None, lambda v: int(v.day.groups.merges),
       doc="small groups folded into another tonight (community.group_floor)")


# ------------------------------------------------------------------------------ per run
@dataclass
class RunView:
    """What a run read-out sees: the summary computed so far and the daily time series."""

    summary: dict
    timeseries: Any  # pandas DataFrame


def from_summary(path: str, censor_at_horizon: bool = False):
    """A run read-out that reads `summary[path]` (dotted for nested values)."""
    def value(run: RunView):
        node = run.summary
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if censor_at_horizon and node is None:
            node = run.summary.get("horizon_days")
        return node
    return value


def _phase_start(name: str):
    def start(run: RunView):
        return {p["name"]: p["start"] for p in run.summary["lifecycle"]["phases"]}.get(name)
    return start


def _stranger_share(run: RunView) -> float:
    ts = run.timeseries
    active = ts["dau"] > 0
    return float(ts["stranger_share"][active].mean()) if active.any() else 0.0


def _run(name, label, unit, better, fn, fmt="{:,.0f}", **kw) -> Readout:
    return register(Readout(name, label, unit, better, "run", fn, fmt, **kw))


_run("lifespan", "lifespan", "days", True, from_summary("lifespan", censor_at_horizon=True), key=True,
     verdict=("lengthens lifespan by {x} days", "shortens lifespan by {x} days"),
     doc="first day of dormancy; a community alive at the horizon counts as the horizon (censored)")
_run("peak_dau", "peak DAU", "persons", True, from_summary("peak_dau"), key=True)
_run("peak_day", "peak day", "day", None, from_summary("peak_day"))
_run("active_member_days", "active member-days", "member-days", True, from_summary("active_member_days"),
     key=True, verdict=("adds {x} active member-days", "loses {x} active member-days"))
_run("decline_steepness", "decline 80%->20%", "days", True, from_summary("decline_steepness"), key=True,
     verdict=("slows the decline (80%->20% of the peak takes {x} days longer)",
              "speeds the decline (80%->20% of the peak takes {x} days less)"))
_run("peak_members", "peak members", "persons", True, from_summary("peak_members"), key=True,
     verdict=("raises peak membership by {x} members", "lowers peak membership by {x} members"))
_run("members_ever", "members ever", "persons", True, from_summary("members_ever"))
_run("dau_mau_at_peak", "DAU/MAU at peak", "share", True, from_summary("dau_mau_at_peak"), "{:.1%}")
_run("retention.d1", "D1 retention", "share", True, from_summary("retention.d1"), "{:.1%}",
     doc="share of each join cohort active the day after joining")
_run("retention.d7", "D7 retention", "share", True, from_summary("retention.d7"), "{:.1%}")
_run("retention.d30", "D30 retention", "share", True, from_summary("retention.d30"), "{:.1%}")
_run("retention.member_d30", "still members at D30", "share", True, from_summary("retention.member_d30"),
     "{:.1%}", doc="share of each join cohort still a member 30 days after joining")
_run("mau_members_at_peak", "MAU/members at peak", "share", True, from_summary("mau_members_at_peak"), "{:.1%}",
     doc="monthly active members / members on the peak day")
_run("viral_k", "viral K", "joins/member", True, from_summary("viral_k"), "{:.2f}", key=True,
     verdict=("raises viral K by {x}", "lowers viral K by {x}"))
_run("overload_share", "overload share", "share of reader-days", False, from_summary("overload_share"),
     "{:.1%}", key=True, doc="share of reader-days (a member reading on a day) on which the member's group "
     "sent more than it could read")
_run("days_beyond_dunbar", "days beyond Dunbar", "days", False, from_summary("days_beyond_dunbar"),
     doc="days on which a group had more monthly-active members than population.dunbar_limit")
_run("max_group_size", "largest group", "members", None, from_summary("max_group_size"))
_run("max_active_group_size", "most active group", "monthly-active members", None,
     from_summary("max_active_group_size"),
     doc="most monthly-active members any group had on any day (what the Dunbar limit is compared with)")
_run("incentive_spend", "incentive spend", "currency", False, from_summary("incentive_spend"), key=True)
_run("total_spend", "total spend", "currency", False, from_summary("total_spend"), key=True)
_run("points_issued", "points issued", "points", None, from_summary("points_issued"))
# computed from the run for compare and sweep tables; kept out of summary.json as in 0.1
_run("core_at_peak", "core at peak", "persons", None,
     lambda run: (run.summary.get("circles_at_peak") or {}).get("core"), in_summary=False)
_run("stranger_share", "stranger share", "share of reads", False, _stranger_share, "{:.3f}",
     in_summary=False)
_run("posts", "posts", "messages", True, lambda run: float(run.timeseries["posts"].sum()), in_summary=False)
_run("posts_per_active_day", "posts per active day", "messages/member-day", True,
     lambda run: float(run.timeseries["posts"].sum()) / max(float(run.timeseries["dau"].sum()), 1.0),
     "{:.3f}", in_summary=False)
_run("members_day90", "members after 90 days", "persons", True,
     lambda run: int(run.timeseries["members"].iloc[89]) if len(run.timeseries) >= 90 else None,
     in_summary=False, doc="members at the end of the 90th day (day 89); none in a run shorter than 90 days")
_run("external_joins", "external joins", "persons", None,
     lambda run: int((run.timeseries["joins"] - run.timeseries["joins_wom"]).sum()), in_summary=False)
for _key, _phase in (("t_growth", "rapid growth"), ("t_active", "active interaction"),
                     ("t_decline", "decline"), ("t_dormant", "dormancy")):
    _run(_key, f"start of {_phase}", "day", None, _phase_start(_phase), in_summary=False)


def run_values(summary: dict, timeseries) -> dict:
    """Every run measure of one run, in `measures()` order."""
    run = RunView(summary, timeseries)
    out = {name: r.fn(run) for name, r in RUN.items()}
    for name, r in DAILY.items():
        if r.aggregate and name not in out:
            out[name] = aggregate(timeseries[name], r.aggregate)
    return out


def aggregate(series, how: str):
    """One number from a daily column: sum, mean, max or last value."""
    if how == "sum":
        return float(series.sum())
    if how == "mean":
        return float(series.mean())
    if how == "max":
        return float(series.max())
    if how == "last":
        return float(series.iloc[-1])
    raise ValueError(f"unknown aggregate {how!r}")


def add_to_summary(summary: dict, timeseries) -> dict:
    """Append the run read-outs `summary.json` does not yet carry (new registrations)."""
    run = RunView(summary, timeseries)
    for name, r in RUN.items():
        if r.in_summary and "." not in name and name not in summary:
            summary[name] = r.fn(run)
    return summary
