"""The lifecycle read-out: five phases, lifespan, decline steepness and health warnings.

All functions are pure functions of time series (numpy arrays or lists), so they can be
tested on hand-made curves and reused on any model's output.

Phases, on 7-day-smoothed DAU with peak P at day t* (docs/model.md, 'Lifecycle read-out'):
germination until DAU first reaches 10% of P; rapid growth until it reaches 80% of P;
active interaction while it stays at or above 80% around the peak; decline until it falls
below 10% of P for 30 days in a row; dormancy from the first of those days. Lifespan is the
first day of dormancy (None: alive at the horizon). With `dormant_below` set, dormancy also
starts when DAU stays below that absolute level (active members) for `dormancy_days` after the peak;
a run whose smoothed peak stays below it never came alive (lifespan 0, one dormancy phase).

Example
-------
>>> import numpy as np
>>> t = np.arange(400)
>>> dau = np.where(t < 100, t, np.maximum(0, 200 - t)) * 1.0
>>> r = analyse(dau, smoothing_days=1)
>>> [p["name"] for p in r["phases"]]
['germination', 'rapid growth', 'active interaction', 'decline', 'dormancy']
>>> r["lifespan"], r["peak_day"]
(191, 100)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.scenario.params import P

#: The `lifecycle` section of a scenario file: every key with its default, unit, range and meaning.
PARAMS: dict[str, Any] = {
    "smoothing_days": P(7, "int", "days", "Moving-average window for DAU.", 1, 365),
    "germination_share": P(0.1, "float", "share of peak", "Germination ends when DAU first "
                           "reaches this share of the peak.", 0, 1),
    "growth_share": P(0.8, "float", "share of peak", "Rapid growth ends, and active "
                      "interaction holds, at this share of the peak.", 0, 1),
    "dormancy_share": P(0.1, "float", "share of peak", "Dormancy: DAU below this share of "
                        "the peak ...", 0, 1),
    "dormancy_days": P(30, "int", "days", "... for this many days in a row.", 1, 10000),
    "dormant_below": P(0.0, "float", "active members", "Dormancy also when DAU is below this "
                       "absolute level for dormancy_days (0: off), so a community whose peak "
                       "was low is not counted as long-lived.", 0, 1e9),
    "alarm_growth": P(0.05, "float", "share/month", "Warn when net member growth stays "
                      "under this for alarm_months months in a row.", -1, 10),
    "alarm_months": P(3, "int", "months", "Months of low growth before the warning.", 1, 120),
    "alarm_swing": P(0.10, "float", "share", "Warn when monthly mean DAU falls month after "
                     "month, by more than this share in at least one month (rises are not warned).", 0, 10),
    "alarm_at_risk": P(0.02, "float", "share of members", "Warn on days when more than this "
                       "share of members is at risk of leaving (see churn_risk).", 0, 1),
    "churn_risk": P(0.7, "float", "probability", "Members whose leaving probability "
                    "(30-day horizon) exceeds this are 'at risk'.", 0, 1),
}

PHASES = ("germination", "rapid growth", "active interaction", "decline", "dormancy")


def daily_counts(values, name: str = "series", what: str = "day") -> np.ndarray:
    """`values` as a 1-D float array of counts; ValueError if it has NaN, infinities or negatives.

    The read-outs are pure functions a researcher calls on their own data: a gap or a sign error
    there would otherwise come back as a plausible-looking number.

    >>> daily_counts([1, 2, 3]).tolist()
    [1.0, 2.0, 3.0]
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"{name} must be one number per day (1-D), got shape {x.shape}")
    bad = ~np.isfinite(x) | (x < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name}: {what} {i} is {float(x[i])}; counts must be finite and at least 0 "
                         f"({int(bad.sum())} such value(s); fill or drop gaps first)")
    return x


def _real(value) -> bool:
    """Whether `value` is a real number (numpy's too), not a bool."""
    return not isinstance(value, (bool, np.bool_)) and isinstance(value, (int, float, np.integer, np.floating))


def _days(value, name: str, low: int = 1, unit: str = "days") -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be a whole number of {unit}, at least {low}; got {value!r}")
    return int(value)


def smooth(series, window: int) -> np.ndarray:
    """Trailing moving average over `window` days (shorter at the start).

    >>> smooth([0, 3, 6, 9], 3).tolist()
    [0.0, 1.5, 3.0, 6.0]
    """
    x = np.asarray(series, dtype=float)
    if window <= 1 or x.size == 0:
        return x.copy()
    c = np.insert(x, 0, 0.0).cumsum()
    idx = np.arange(1, x.size + 1)
    lo = np.maximum(idx - window, 0)
    return (c[idx] - c[lo]) / (idx - lo)


def _first(mask: np.ndarray, start: int = 0) -> int | None:
    hits = mask[start:].nonzero()[0]
    return int(hits[0] + start) if hits.size else None


def first_run(mask: np.ndarray, length: int, start: int = 0) -> int | None:
    """First index >= start where `mask` holds for `length` consecutive entries.

    >>> first_run(np.array([1, 0, 1, 1, 1, 0], bool), 3)
    2
    """
    run = 0
    m = np.asarray(mask, bool)
    for i in range(start, m.size):
        run = run + 1 if m[i] else 0
        if run >= length:
            return i - length + 1
    return None


def dormancy_line(peak, dormancy_share: float, dormant_below: float):
    """The smoothed DAU a run must stay above to count as alive: a share of its own peak, or the floor.

    Works on one peak or on many (an array or Series, e.g. one per seed in `compare`).

    >>> float(dormancy_line(347.0, 0.1, 20.0)), dormancy_line(np.array([100.0, 500.0]), 0.1, 20.0).tolist()
    (34.7, [20.0, 50.0])
    """
    return np.maximum(dormancy_share * peak, dormant_below)


def analyse(dau, smoothing_days: int = 7, germination_share: float = 0.1, growth_share: float = 0.8,
            dormancy_share: float = 0.1, dormancy_days: int = 30, dormant_below: float = 0.0) -> dict:
    """Phases, lifespan, peak and decline steepness of a DAU series (see module docstring)."""
    raw = daily_counts(dau, "dau")
    _days(smoothing_days, "smoothing_days")
    _days(dormancy_days, "dormancy_days")
    for name, share in (("germination_share", germination_share), ("growth_share", growth_share),
                        ("dormancy_share", dormancy_share)):  # shares of the peak, as the scenario's lifecycle keys
        if not (_real(share) and 0.0 <= share <= 1.0):
            raise ValueError(f"{name} must be a share of the peak in [0, 1], got {share!r}")
    if not (_real(dormant_below) and dormant_below >= 0):  # also refuses NaN
        raise ValueError(f"dormant_below must be a number of active members, at least 0, got {dormant_below!r}")
    s = smooth(raw, smoothing_days)
    n = s.size
    out = {"phases": [], "lifespan": None, "alive_at_horizon": True, "peak_dau": 0.0,
           "peak_day": None, "active_member_days": float(raw.sum()), "decline_steepness": None,
           "horizon": n}
    if n == 0 or s.max() <= 0:
        if n >= dormancy_days:  # never anyone active, for at least the dormancy window: dead from launch
            out.update(phases=[{"name": "dormancy", "start": 0, "end": n}], lifespan=0, alive_at_horizon=False)
        return out
    t_peak = int(np.argmax(s))
    peak = float(s[t_peak])
    out.update(peak_dau=peak, peak_day=t_peak)
    if peak < dormant_below:
        # never above the floor: by the scenario's own measure the community never came alive
        # (before, the first 30 days from the peak counted as its life, so lifespan was the
        # peak's day, and a run peaking on day 857 "lived" 857 days; red team, 2026-12-07)
        if n >= dormancy_days:
            out.update(phases=[{"name": "dormancy", "start": 0, "end": n}], lifespan=0, alive_at_horizon=False)
        return out
    t_germ = _first(s >= germination_share * peak) or 0
    t_growth = _first(s >= growth_share * peak, t_germ)
    t_active_end = _first(s < growth_share * peak, t_peak)
    t_dormant = first_run(s < dormancy_line(peak, dormancy_share, dormant_below), dormancy_days, t_peak)
    if t_dormant is not None and t_active_end is not None and t_dormant < t_active_end:
        t_active_end = t_dormant  # an absolute floor can end activity before the relative decline
    bounds = [0, t_germ, t_growth, t_active_end, t_dormant]
    ends = bounds[1:] + [n]
    for name, a, b in zip(PHASES, bounds, ends):
        if a is None:
            break
        b = n if b is None else b
        if b >= a:  # a phase can last zero days (founders above 10% of the peak: no germination)
            out["phases"].append({"name": name, "start": int(a), "end": int(b)})
    if t_dormant is not None:
        out["lifespan"] = int(t_dormant)
        out["alive_at_horizon"] = False
    # decline steepness: days from the end of active interaction to 20% of the peak. Undefined
    # (None) when active interaction ends at or below 20% (growth_share <= 0.2): it was negative
    if t_active_end is not None and growth_share > 0.2:
        t20 = _first(s < 0.2 * peak, t_active_end)
        if t20 is not None:
            out["decline_steepness"] = int(t20 - t_active_end)
    return out


def analyse_with(dau, lifecycle) -> dict:
    """`analyse` with a scenario's `lifecycle` section's thresholds, smoothing and floor (what a run's summary uses).

    >>> from types import SimpleNamespace as NS
    >>> lc = NS(smoothing_days=1, germination_share=0.1, growth_share=0.8, dormancy_share=0.1,
    ...         dormancy_days=30, dormant_below=0.0)
    >>> analyse_with(np.r_[np.arange(100), np.zeros(60)], lc)["lifespan"]
    100
    """
    lc = lifecycle
    return analyse(dau, lc.smoothing_days, lc.germination_share, lc.growth_share, lc.dormancy_share,
                   lc.dormancy_days, lc.dormant_below)


def never_came_alive(life: dict) -> bool:
    """People were active, yet the run never reached the dormancy floor: `analyse` gives it lifespan 0.

    >>> never_came_alive({"lifespan": 0, "peak_dau": 13.0}), never_came_alive({"lifespan": 0, "peak_dau": 0.0})
    (True, False)
    """
    return life.get("lifespan") == 0 and bool(life.get("peak_dau"))


def phase_of_day(phases: list[dict], day: int) -> str | None:
    """Name of the phase a day falls in."""
    for p in phases:
        if p["start"] <= day < p["end"]:
            return p["name"]
    return None


def monthly(series, month: int = 30, how: str = "last") -> np.ndarray:
    """Collapse a daily series into complete 30-day months ('last' value or 'mean').

    >>> monthly(np.arange(90), how="last").tolist()
    [29.0, 59.0, 89.0]
    """
    month = _days(month, "month")
    if how not in ("last", "mean"):
        raise ValueError(f"how must be 'last' or 'mean', got {how!r}")
    x = np.asarray(series, dtype=float)
    k = x.size // month
    blocks = x[: k * month].reshape(k, month)
    return blocks[:, -1] if how == "last" else blocks.mean(axis=1)


def _runs(mask) -> list[tuple[int, int]]:
    """(first, last) index of every run of True values.

    >>> _runs(np.array([0, 1, 1, 0, 1], bool))
    [(1, 2), (4, 4)]
    """
    m = np.asarray(mask, bool)
    edges = np.diff(np.r_[0, m.astype(np.int8), 0])
    return list(zip((edges == 1).nonzero()[0].tolist(), ((edges == -1).nonzero()[0] - 1).tolist()))


def _month_days(first: int, last: int) -> tuple[int, int]:
    """First and last day of 30-day months `first`..`last` (0-based month indices)."""
    return first * 30, (last + 1) * 30 - 1


def health_warnings(members, dau, at_risk=None, alarm_growth: float = 0.05, alarm_months: int = 3,
                    alarm_swing: float = 0.10, alarm_at_risk: float = 0.02,
                    until: int | None = None) -> list[dict]:
    """The operators' health warnings (docs/domain.md, 'Measures operators watch'), each over a range of days.

    Each warning covers a stretch of days, so a long decline is one warning, not one a month:

    * ``low_growth``: net member growth under `alarm_growth` a month for at least
      `alarm_months` months in a row (one warning per such stretch);
    * ``activity_decline``: monthly mean DAU fell month after month, and by more than
      `alarm_swing` in at least one of those months (one warning per stretch of falling
      months). Rises are growth, not an alarm: a community doubling its DAU in its second
      month needs no operator;
    * ``churn_risk``: days on which more than `alarm_at_risk` of the members are at risk of
      leaving (30-day leaving probability above `lifecycle.churn_risk`), grouped into runs.

    Days from `until` on (the first day of dormancy) are left out: a dormant community's
    lifespan says it all, and a warning per month of silence would bury the ones that mattered.
    Every warning has ``kind``, ``start`` and ``end`` (days, inclusive), ``day`` (= ``start``,
    the day to act) and a ``message`` naming the range.

    >>> w = health_warnings([100] * 150, [50] * 150)
    >>> w[0]["kind"], w[0]["start"], w[0]["end"]
    ('low_growth', 0, 149)
    >>> health_warnings(np.linspace(10, 1000, 90), np.r_[np.full(30, 10.0), np.full(60, 30.0)])
    []
    """
    for name, value in (("alarm_growth", alarm_growth), ("alarm_swing", alarm_swing),
                        ("alarm_at_risk", alarm_at_risk)):  # NaN once switched a warning off silently
        if not (_real(value) and np.isfinite(value)):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    alarm_months = _days(alarm_months, "alarm_months", unit="months")
    members = daily_counts(members, "members")
    dau = daily_counts(dau, "dau")
    if members.size != dau.size or (at_risk is not None and np.size(at_risk) != members.size):
        raise ValueError(f"members, dau and at_risk must cover the same days; got {members.size}, {dau.size}"
                         + ("" if at_risk is None else f" and {np.size(at_risk)}"))
    if until is not None:
        if not (_real(until) and isinstance(until, (int, np.integer)) and until >= 0):
            raise ValueError(f"until must be a day (a whole number, at least 0), got {until!r}")
        members, dau = members[:until], dau[:until]
        at_risk = None if at_risk is None else np.asarray(at_risk, float)[:until]
    warnings: list[dict] = []

    def add(kind: str, start: int, end: int, message: str) -> None:
        warnings.append({"kind": kind, "day": int(start), "start": int(start), "end": int(end),
                         "message": f"days {start:,}-{end:,}: {message}"})

    m_end = monthly(members, how="last")
    m_start = np.concatenate([[members[0]], m_end[:-1]]) if m_end.size else m_end
    growth = np.divide(m_end - m_start, m_start, out=np.zeros_like(m_end), where=m_start > 0)
    for a, b in _runs((growth < alarm_growth) & (m_start > 0)):
        if b - a + 1 >= alarm_months:
            months = b - a + 1
            add("low_growth", *_month_days(a, b),
                f"net member growth under {alarm_growth:.0%} a month for {months} months "
                f"(months {a + 1}-{b + 1}; {m_start[a]:,.0f} members at the start, {m_end[b]:,.0f} at the end)")
    d = monthly(dau, how="mean")
    change = np.divide(d[1:], d[:-1], out=np.zeros(max(d.size - 1, 0)), where=d[:-1] > 0) - 1.0
    falling = (change < 0) & (d[:-1] > 0)
    for a, b in _runs(falling):
        worst = float(change[a: b + 1].min())
        if -worst > alarm_swing:
            months = b - a + 1  # change[k] compares month k + 1 with month k (0-based)
            add("activity_decline", *_month_days(a + 1, b + 1),
                f"monthly DAU fell {months} month{'s' if months > 1 else ''} in a row "
                f"(months {a + 2}-{b + 2}), by up to {-worst:.0%} a month: from {d[a]:,.0f} to "
                f"{d[b + 1]:,.0f} active members a day")
    if at_risk is not None:
        r = np.asarray(at_risk, float)
        share = np.divide(r, members[: r.size], out=np.zeros(r.size), where=members[: r.size] > 0)
        for a, b in _runs(share > alarm_at_risk):
            peak = a + int(np.argmax(r[a: b + 1]))
            add("churn_risk", a, b,
                f"more than {alarm_at_risk:.0%} of members at risk of leaving; at most "
                f"{int(r[peak]):,} ({share[peak]:.0%}) on day {peak:,}")
    warnings.sort(key=lambda w: (w["start"], w["kind"]))
    return warnings
