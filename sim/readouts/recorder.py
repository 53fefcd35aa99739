"""The recorder: turns each finished day into the daily read-outs, and keeps what summaries need.

It evaluates every daily read-out of `sim.readouts.registry` (the columns of `timeseries.csv`)
and keeps the run-long bookkeeping: join cohorts for D1/D7/D30 retention, 30-day post blocks
for the 90-9-1 shares, and cumulative joins, spend and (overloaded) reader-days.
"""

from __future__ import annotations

import copy
import numbers
from functools import partial

import mesa
import numpy as np

from sim.model.state import Array, Status
from sim.readouts import registry
from sim.readouts.metrics import post_shares

#: Arrays the recorder owns: the current 30-day post block.
STATE = {
    "posts_block": Array(np.int32, 0, "Messages posted in the current 30-day block (90-9-1 shares)."),
    "present_block": Array(bool, False, "Was a member at some time in the current 30-day block."),
}

RETENTION_DAYS = (1, 7, 30)

#: Types the collector stores without a copy (checked first: faster than the ABC check).
_PLAIN = frozenset((int, float, bool))


def todays_value(name: str, model):
    """Mesa DataCollector reporter: today's value of daily read-out `name` (picklable)."""
    return model.today[name]


def reporters() -> dict:
    """DataCollector model reporters, one per daily read-out, in column order."""
    return {name: partial(todays_value, name) for name in registry.DAILY}


class DailyCollector(mesa.DataCollector):
    """Mesa's DataCollector, without a deep copy of every number.

    Mesa copies each reporter's value so that later changes cannot reach the stored one;
    the daily read-outs are numbers, which cannot change, and 33 copies a day (34 since model
    version 11) were a measurable share of a small run. Anything else is still copied.
    """

    def collect(self, model):
        """Append today's value of every model reporter (Mesa's `collect`, same table)."""
        if self.agent_reporters or self.agenttype_reporters:
            return super().collect(model)
        today = self._todays_columns()
        if today is not None:  # every reporter reads `model.today`: read it directly
            values = model.today
            for column, name in today:
                value = values[name]
                if type(value) not in _PLAIN and not isinstance(value, numbers.Number):
                    value = copy.deepcopy(value)
                column.append(value)
            return None
        for var, reporter in self.model_reporters.items():
            value = reporter(model)
            if type(value) not in _PLAIN and not isinstance(value, numbers.Number):
                value = copy.deepcopy(value)
            self.model_vars[var].append(value)
        return None

    def _todays_columns(self):
        """[(column list, read-out name)] when every model reporter is `todays_value`'s, else None.

        Kept while the reporters and their column lists are the same objects (by identity: a
        reporter added, or columns Mesa replaces, make it look again); the kept references
        hold those objects alive, so their ids cannot be reused.
        """
        reporters, columns = tuple(self.model_reporters.values()), tuple(self.model_vars.values())
        key = (tuple(map(id, reporters)), tuple(map(id, columns)))
        if getattr(self, "_columns_key", None) != key:
            plain = all(type(r) is partial and r.func is todays_value and len(r.args) == 1 and not r.keywords
                        for r in reporters)
            self._columns = ([(self.model_vars[var], r.args[0]) for var, r in self.model_reporters.items()]
                             if plain else None)
            self._columns_key, self._columns_refs = key, (reporters, columns)
        return self._columns


class Recorder:
    """Run-long bookkeeping behind the summary read-outs."""

    def __init__(self):
        self.cohorts: dict[int, np.ndarray] = {}
        self.retention_counts = {d: [0, 0] for d in RETENTION_DAYS}
        self.membership_counts = {30: [0, 0]}  # still a member 30 days after joining
        self.post_blocks: list[dict] = []
        # reader-days: a member reading on a day; overloaded ones: its group sent more than it could read
        self.cumulative = {"joins": 0, "joins_wom": 0, "incentive_spend": 0.0, "spend": 0.0,
                           "reader_days": 0, "overloaded_reader_days": 0}
        self.founders = 0

    def found(self, founders: np.ndarray, staff: np.ndarray | None = None) -> None:
        """Day 0's members are cohort 0 (organizers are staff, not a join cohort)."""
        self.cohorts[0] = founders if staff is None else np.setdiff1d(founders, staff)
        self.founders = int(founders.size)

    def _retention(self, day) -> None:
        active_today = day.churn.active_today
        for d, counts in self.retention_counts.items():
            cohort = self.cohorts.get(day.number - d)
            if cohort is not None and cohort.size:
                counts[0] += int(np.count_nonzero(active_today.take(cohort)))
                counts[1] += int(cohort.size)
                if d in self.membership_counts:
                    # leavers today were still members today: count them as members
                    still = day.state.status.take(cohort) == Status.MEMBER
                    still |= day.state.left_day.take(cohort) == day.number
                    self.membership_counts[d][0] += int(np.count_nonzero(still))
                    self.membership_counts[d][1] += int(cohort.size)
        self.cohorts.pop(day.number - 30, None)
        if day.joining.joiners.size:
            # day 0's joiners join the founders' cohort rather than replace it
            earlier = self.cohorts.get(day.number)
            self.cohorts[day.number] = (day.joining.joiners if earlier is None
                                        else np.concatenate([earlier, day.joining.joiners]))

    def _post_block(self, model, day) -> None:
        st = model.state
        members = st.member_mask()
        if st.posted is None:
            st.posts_block += st.posts_today
        else:  # posts_today is 0 outside those who posted today
            st.posts_block[st.posted] += st.posts_today.take(st.posted)
        st.present_block |= members
        st.present_block[day.churn.leavers] = True  # members today, before they left
        if day.number % 30 == 29:
            present = st.present_block
            shares = post_shares(st.posts_block.compress(present))
            shares.update(end_day=day.number, present=int(np.count_nonzero(present)))
            self.post_blocks.append(shares)
            st.posts_block[:] = 0
            st.present_block[:] = members

    def record(self, model, day) -> dict:
        """Today's daily read-outs (also stored as `model.today`), and the bookkeeping."""
        self._retention(day)
        view = registry.DayView(model, day, {})
        incentive = registry.incentive_spend(view)
        staff = registry.staff_cost(view)
        view.cost.update(incentive_spend=incentive, staff_cost=staff,
                         spend=incentive + staff + float(sum(day.effects.spend.values())))
        today = {name: r.fn(view) for name, r in registry.DAILY.items()}
        for key in ("joins", "joins_wom"):
            self.cumulative[key] += today[key]
        self.cumulative["incentive_spend"] += view.cost["incentive_spend"]
        self.cumulative["spend"] += view.cost["spend"]
        self.cumulative["reader_days"] += int(day.reading.readers.size)
        self.cumulative["overloaded_reader_days"] += view.overloaded_readers  # counted once, for both
        self._post_block(model, day)
        return today
