"""Run read-outs: pure functions of time series and counts, and the run summary.

Example
-------
>>> post_shares([100, 0, 0, 0, 0, 0, 0, 0, 0, 0])["top1"]
1.0
>>> retention({7: [30, 100]})
{'d7': 0.3}
"""

from __future__ import annotations

import math

import numpy as np

from sim.readouts.lifecycle import analyse_with, daily_counts, health_warnings, never_came_alive


def post_shares(posts) -> dict:
    """Share of posts by the top 1%, next 9% and bottom 90% of people (by posts).

    Group sizes round up (the top 1% of 150 people is 2 people), as in van Mierlo 2014.

    >>> s = post_shares(list(range(100)))
    >>> round(s["top1"], 4), round(s["bottom90"], 4)
    (0.02, 0.8091)
    """
    x = np.sort(daily_counts(posts, "posts", what="entry"))[::-1]
    total = float(x.sum())
    n = x.size
    if n == 0 or total <= 0:
        return {"top1": None, "next9": None, "bottom90": None, "posters": 0, "people": int(n)}
    k1 = max(1, math.ceil(0.01 * n))
    k10 = max(k1, math.ceil(0.10 * n))
    return {"top1": float(x[:k1].sum() / total), "next9": float(x[k1:k10].sum() / total),
            "bottom90": float(x[k10:].sum() / total), "posters": int((x > 0).sum()), "people": int(n)}


def retention(counts: dict) -> dict:
    """D-n retention: share of each join cohort active n days after joining, pooled.

    `counts` maps n to [active n days later, cohort size].
    """
    for d, (a, b) in counts.items():
        if not 0 <= a <= b:
            raise ValueError(f"retention counts for day {d}: {a} active of a cohort of {b}; "
                             "need 0 <= active <= cohort size")
    return {f"d{d}": (a / b if b else None) for d, (a, b) in sorted(counts.items())}


def scenario_name(scenario) -> str:
    """What a run's summary calls its scenario: its `name`, else the path it was loaded from."""
    return scenario.get("name") or (scenario.path or "")


def viral_coefficient(invites_first_cycle, joined_day, horizon: int, cycle: int = 30) -> float | None:
    """K-factor: friends a member brings in during its first `cycle` days, on average.

    Counted over members who joined at least `cycle` days before the horizon. K above 1
    means every cohort more than replaces itself each cycle (viral growth); docs/domain.md
    ('Measures operators watch') quotes K < 1.2 as a signal to adjust content.

    >>> viral_coefficient(np.array([2, 0, 1, 5]), np.array([0, 10, 20, 95]), horizon=100)
    1.0
    """
    from sim.model.community import whole_number  # at call time: the model imports the read-outs

    horizon, cycle = whole_number(horizon, "horizon"), whole_number(cycle, "cycle", low=1)
    joined, invites = np.asarray(joined_day), np.asarray(invites_first_cycle)
    if joined.shape != invites.shape or joined.ndim != 1:
        raise ValueError(f"invites_first_cycle and joined_day must be 1-D, one entry per person; got shapes "
                         f"{invites.shape} and {joined.shape}")
    eligible = (joined >= 0) & (joined <= horizon - cycle)
    if not eligible.any():
        return None
    return float(invites[eligible].mean())


def dau_mau(dau, mau, around: int | None = None, window: int = 30) -> float | None:
    """Mean DAU/MAU (stickiness), over the `window` days ending at `around` (default: all days)."""
    from sim.model.community import whole_number  # at call time: the model imports the read-outs

    d, m = daily_counts(dau, "dau"), daily_counts(mau, "mau")
    if d.size != m.size:
        raise ValueError(f"dau and mau must cover the same days; got {d.size} and {m.size}")
    window = whole_number(window, "window", low=1)
    if around is not None:  # a negative day once averaged from day 0 without a word
        around = whole_number(around, "around", low=0, high=max(d.size - 1, 0))
        lo = max(0, around - window + 1)
        d, m = d[lo: around + 1], m[lo: around + 1]
    ok = m > 0
    return float(np.mean(d[ok] / m[ok])) if ok.any() else None


def cost_per_extra_active_day(spend_variant: float, spend_base: float, days_variant: float,
                              days_base: float) -> float | None:
    """Money spent per extra active member-day a design buys over the baseline.

    >>> cost_per_extra_active_day(1000, 0, 600, 100)
    2.0
    """
    extra = days_variant - days_base
    return (spend_variant - spend_base) / extra if extra > 0 else None


def block_at(blocks: list[dict], day: int | None) -> dict | None:
    """The 30-day post block containing `day` (or the last one before it)."""
    if not blocks or day is None:
        return None
    for b in blocks:
        if b["end_day"] >= day:
            return b
    return blocks[-1]


def overload_share(cumulative: dict) -> float:
    """Share of reader-days overloaded: each member reading on a day counts once (0.0 with no reader).

    Not a mean over days (model version 9): a day with three readers weighed as much as one
    with three hundred, so a design that died sooner, with fewer quiet and overloaded days,
    looked less overloaded though its readers were not.

    >>> overload_share({"reader_days": 400, "overloaded_reader_days": 100})
    0.25
    """
    if "reader_days" not in cumulative or "overloaded_reader_days" not in cumulative:
        raise ValueError("no reader-days recorded: a run recorded before model version 9 (2026-12-06); "
                         "rerun it to read its overload share")
    days, overloaded = cumulative["reader_days"], cumulative["overloaded_reader_days"]
    if not 0 <= overloaded <= days:
        raise ValueError(f"overloaded reader-days {overloaded} outside [0, reader-days {days}]")
    return overloaded / days if days else 0.0


def _warn_until(life: dict) -> int | None:
    """The day health warnings stop: dormancy, except for a run that never reached the dormancy floor.

    Such a run is dormant from day 0 by the floor, yet people were active in it (peak DAU above
    0); cutting warnings at day 0 left "none (nothing an operator needs to act on)" for a group of
    40 with 13 active a day (a review, 2026-12-07), so its warnings cover the whole run.
    """
    return None if never_came_alive(life) else life["lifespan"]


def summarize(model) -> dict:
    """Everything a strategist reads after a run, as plain JSON-ready values."""
    from sim.readouts.registry import add_to_summary

    ts = model.timeseries()
    sc = model.scenario
    lc = sc.lifecycle
    life = analyse_with(ts["dau"].to_numpy(), lc)
    peak_day = life["peak_day"]
    members_ever = int((model.state.joined_day >= 0).sum())
    rec = model.recorder
    block = block_at(rec.post_blocks, peak_day)
    circles = ({k: int(ts[k].iloc[peak_day]) for k in ("core", "organizers", "diffusion", "dormant")}
               if peak_day is not None else {})
    dunbar = sc.population.dunbar_limit
    summary = {
        "scenario": scenario_name(sc),
        "seed": model.seed_value,
        "horizon_days": int(len(ts)),
        "population": int(model.population.n),
        "lifecycle": life,
        "lifespan": life["lifespan"],
        "alive_at_horizon": life["alive_at_horizon"],
        "peak_dau": life["peak_dau"],
        "peak_day": peak_day,
        "active_member_days": life["active_member_days"],
        "decline_steepness": life["decline_steepness"],
        "peak_members": int(ts["members"].max()),
        "members_ever": members_ever,
        "final_members": int(ts["members"].iloc[-1]),
        "dau_mau_at_peak": dau_mau(ts["dau"], ts["mau"], around=peak_day),
        "retention": {**retention(rec.retention_counts),
                      **{f"member_d{d}": (a / b if b else None) for d, (a, b) in rec.membership_counts.items()}},
        "mau_members_at_peak": (float(ts["mau"].iloc[peak_day] / ts["members"].iloc[peak_day])
                                if peak_day is not None and ts["members"].iloc[peak_day] else None),
        "viral_k": viral_coefficient(model.state.invites_first_cycle, model.state.joined_day, len(ts)),
        "post_shares_at_peak": block,
        "overload_share": overload_share(rec.cumulative),
        # days a group had more monthly-active members than the Dunbar limit: a group's silent
        # members are not relationships anyone keeps up (until model version 11 the largest
        # group's members, dormant ones included, so a dormant community stayed "beyond")
        "days_beyond_dunbar": int((ts["active_group_size"] > dunbar).sum()),
        "max_active_group_size": int(ts["active_group_size"].max()),
        "max_group_size": int(ts["max_group_size"].max()),
        "max_groups": int(ts["groups"].max()),
        "incentive_spend": float(rec.cumulative["incentive_spend"]),
        "total_spend": float(rec.cumulative["spend"]),
        "points_issued": float(ts["points_issued"].sum()),
        "circles_at_peak": circles,
        "warnings": health_warnings(ts["members"].to_numpy(), ts["dau"].to_numpy(),
                                    ts["at_risk"].to_numpy(), lc.alarm_growth, lc.alarm_months,
                                    lc.alarm_swing, lc.alarm_at_risk, until=_warn_until(life)),
        "founders": rec.founders,
    }
    return add_to_summary(summary, ts)
