"""Plain-text read-outs of a run: the summary a strategist sees at the end of `circlesim run`.

>>> print(format_phase_table([{"name": "germination", "start": 0, "end": 40}]))
phase                 start    end   days
germination               0     40     40
"""

from __future__ import annotations


def format_phase_table(phases: list[dict]) -> str:
    lines = [f"{'phase':<20}{'start':>7}{'end':>7}{'days':>7}"]
    for p in phases:
        lines.append(f"{p['name']:<20}{p['start']:>7}{p['end']:>7}{p['end'] - p['start']:>7}")
    return "\n".join(lines)


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def format_summary(s: dict, max_warnings: int = 6) -> str:
    """The end-of-run summary: phases, lifespan and the read-outs operators watch."""
    life = s["lifecycle"]
    out = [f"Scenario {s['scenario']!r}, seed {s['seed']}, {s['population']} persons, "
           f"{s['horizon_days']} days", ""]
    out.append(format_phase_table(life["phases"]))
    out.append("")
    if s["lifespan"] is not None:
        out.append(f"Lifespan: {s['lifespan']} days (dormant from day {s['lifespan']}).")
    else:
        out.append(f"Lifespan: still alive at the horizon (day {s['horizon_days']}).")
    out.append(f"Peak: {s['peak_dau']:.0f} daily active members on day {s['peak_day']}; "
               f"{s['peak_members']} members at most, {s['members_ever']} ever joined.")
    steep = s["decline_steepness"]
    out.append(f"Active member-days: {s['active_member_days']:.0f}. Decline from 80% to 20% of peak: "
               + (f"{steep} days." if steep is not None else "not reached."))
    r = s["retention"]
    out.append(f"DAU/MAU at peak: {_pct(s['dau_mau_at_peak'])}. Retention D1 {_pct(r.get('d1'))}, "
               f"D7 {_pct(r.get('d7'))}, D30 {_pct(r.get('d30'))}. Viral K: "
               + ("n/a" if s["viral_k"] is None else f"{s['viral_k']:.2f}") + ".")
    ps = s.get("post_shares_at_peak")
    if ps and ps.get("top1") is not None:
        out.append(f"Posts in the month of the peak: top 1% {_pct(ps['top1'])}, next 9% "
                   f"{_pct(ps['next9'])}, bottom 90% {_pct(ps['bottom90'])} ({ps['people']} members).")
    out.append(f"Overload: {_pct(s['overload_share'])} of readers could not read all their group's "
               f"messages; {s['days_beyond_dunbar']} days with a group beyond the Dunbar limit "
               f"(largest group {s['max_group_size']}, at most {s['max_groups']} groups).")
    c = s.get("circles_at_peak") or {}
    if c:
        out.append(f"Circles at the peak: core {c['core']}, organizers {c['organizers']}, "
                   f"diffusion {c['diffusion']}, dormant {c['dormant']}.")
    out.append(f"Spend: incentives {s['incentive_spend']:.0f}, total {s['total_spend']:.0f} "
               f"({s['points_issued']:.0f} points issued).")
    w = s["warnings"]
    out.append("")
    if w:
        out.append(f"Health warnings ({len(w)}):")
        for item in w[:max_warnings]:
            out.append(f"  day {item['day']:>4}  {item['kind']:<15} {item['message']}")
        if len(w) > max_warnings:
            out.append(f"  ... and {len(w) - max_warnings} more in summary.json")
    else:
        out.append("Health warnings: none.")
    return "\n".join(out)
