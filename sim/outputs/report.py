"""Plain-text read-outs of a run: the summary a strategist sees at the end of `circlesim run`.

>>> print(format_phase_table([{"name": "germination", "start": 0, "end": 40}]))
phase                 start    end   days
germination               0     40     40
"""

from __future__ import annotations

import itertools
import numbers
from pathlib import Path


def days(n: int) -> str:
    """A count of days in words: '1 day', '1,000 days'.

    >>> days(1), days(1000)
    ('1 day', '1,000 days')
    """
    return f"{int(n):,} day{'' if int(n) == 1 else 's'}"


def number(x, sign: bool = False) -> str:
    """A number for people: thousands separators from 1,000, three significant digits below 100.

    >>> number(34812.4), number(-1234.5, sign=True), number(152.4), number(0.05751), number(None), number(31)
    ('34,812', '-1,234', '152', '0.0575', 'n/a', '31')
    """
    if x is None:
        return "n/a"
    if isinstance(x, numbers.Integral) and not isinstance(x, bool):
        return f"{int(x):{'+' if sign else ''},}"  # a count or an id: never '31.0'
    try:
        x = float(x)
    except (TypeError, ValueError):
        return str(x)
    if x != x:  # NaN
        return "n/a"
    plus = "+" if sign else ""
    ax = abs(x)
    if ax >= 100 or ax == 0:
        return f"{x:{plus},.0f}"
    if ax >= 10:
        return f"{x:{plus}.1f}"
    return f"{x:{plus}.3g}"


def format_phase_table(phases: list[dict]) -> str:
    """The five lifecycle phases as a fixed-width table: start, end and length in days."""
    lines = [f"{'phase':<20}{'start':>7}{'end':>7}{'days':>7}"]
    for p in phases:
        lines.append(f"{p['name']:<20}{p['start']:>7,}{p['end']:>7,}{p['end'] - p['start']:>7,}")
    return "\n".join(lines)


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


#: Read-outs the summary prints in a block of their own, with what they mean (not in the list).
_RETENTION = ("retention.d1", "retention.d7", "retention.d30", "retention.member_d30")


def format_readouts(s: dict, currency: str = "cost units") -> str:
    """Every run read-out `summary.json` carries, from the registry: label, value, unit."""
    from sim.readouts.registry import RUN, RunView, from_summary

    lines = []
    for name, r in RUN.items():
        if not r.in_summary or name in _RETENTION:
            continue
        value = from_summary(name)(RunView(s, None))
        unit = "" if r.unit in ("share", "day", "-") or "%" in r.fmt else f" {r.unit_in(currency)}"
        if name == "lifespan" and value is None and s.get("alive_at_horizon") and s.get("horizon_days") \
                and s.get("peak_dau"):  # someone was active: alive so far (nobody ever: n/a, too short to judge)
            # "n/a" read as unknown; alive at the horizon, the lifespan is at least the horizon (a newcomer)
            lines.append(f"  {r.label:<28}{'>= ' + format(s['horizon_days'], ','):>12}{unit} (alive at the horizon)")
            continue
        if "%" in r.fmt and r.unit.startswith("share of "):  # "57.6% of reader-days": a share of what
            unit = f" of {r.unit[len('share of '):]}"
        elif name == "days_beyond_dunbar":  # beyond what: the limit, and who counts
            limit = ((s.get("parameters") or {}).get("population") or {}).get("dunbar_limit")
            unit += f" (a group above {limit:,} monthly-active members)" if isinstance(limit, int) else ""
        lines.append(f"  {r.label:<28}{r.format(value):>12}{unit if value is not None else ''}")
    return "\n".join(lines)


def format_retention(s: dict) -> list[str]:
    """Retention and membership as two statements, so that neither reads as the other.

    D1/D7/D30 are the shares of each join cohort *active* on exactly that day after joining;
    "still members" counts everyone on the roll at day 30, most of them silent. A D30 above
    D1 is possible (members brought back later, and D30 pools only cohorts that joined 30 or
    more days before the horizon) and is then explained on the spot.
    """
    r = s.get("retention") or {}
    if not any(r.get(k) is not None for k in ("d1", "d7", "d30", "member_d30")):
        return []
    lines = [f"Retention (share of each join cohort active on day n after joining): D1 {_pct(r.get('d1'))}, "
             f"D7 {_pct(r.get('d7'))}, D30 {_pct(r.get('d30'))}."]
    if r.get("member_d30") is not None:
        lines.append(f"Still members 30 days after joining: {_pct(r.get('member_d30'))} of each cohort, active or "
                     f"silent (membership, not retention).")
    d1 = r.get("d1")
    later = [k.upper() for k in ("d7", "d30") if d1 is not None and r.get(k) is not None and r[k] > d1]
    if later:
        lines.append(f"  ({' and '.join(later)} above D1: each Dn is the share active on exactly day n, so members "
                     f"brought back later (events, friends) raise it; D30 also counts only cohorts that joined "
                     f"30 or more days before the horizon.)")
    return lines


WARNING_LABELS = {"low_growth": "low growth", "activity_decline": "activity decline", "churn_risk": "churn risk"}


def format_warnings(w: list[dict], max_per_kind: int = 4) -> list[str]:
    """Health warnings grouped by kind, each with its range of days (`sim.readouts.lifecycle.health_warnings`)."""
    if not w:
        return ["Health warnings: none (nothing an operator needs to act on)."]
    out = [f"Health warnings ({len(w)}; act from the first day of each range):"]
    kinds = list(dict.fromkeys([*WARNING_LABELS, *(x["kind"] for x in w)]))
    for kind in kinds:
        items = [x for x in w if x["kind"] == kind]
        for item in items[:max_per_kind]:
            out.append(f"  {WARNING_LABELS.get(kind, kind):<17} {item['message']}")
        if len(items) > max_per_kind:
            out.append(f"  {'':<17} ... and {len(items) - max_per_kind} more in summary.json")
    return out


def _no_germination(s: dict) -> list[str]:
    """Why a germination phase of 0 days is not a fault: the founders alone are past its threshold."""
    phases = s["lifecycle"]["phases"]
    if not phases or phases[0]["name"] != "germination" or phases[0]["end"] > phases[0]["start"]:
        return []
    share = ((s.get("parameters") or {}).get("lifecycle") or {}).get("germination_share")
    share = f"{share:.0%}" if isinstance(share, (int, float)) else "the germination share (lifecycle.germination_share)"
    founders = f"the {s['founders']:,} founders" if s.get("founders") else "the founders"
    return [f"(Germination lasts 0 days: from day 0, {founders} and their first invitees are already above "
            f"{share} of the peak's DAU, so the run starts past germination.)"]


def _dormancy_floor(s: dict) -> list[str]:
    """Why dormancy came when it did, when the run's dormancy line was the scenario's absolute floor.

    `lifecycle.dormant_below` is in active members (20 in the shipped scenarios, for a market of
    5,000); in a small community it lies above the share of the peak, or above the peak itself,
    and can end or deny a lively group's life (red team, 2026-12-07: 18 of 87 members active
    daily, called dormant). The summary does not keep the DAU series, so this says which line was
    in force, not whether the share alone would have given another day.
    """
    lc = (s.get("parameters") or {}).get("lifecycle") or {}
    floor, share, peak = lc.get("dormant_below"), lc.get("dormancy_share"), s.get("peak_dau")
    if not all(isinstance(x, (int, float)) for x in (floor, share, peak)) or s.get("lifespan") is None:
        return []
    if not peak or floor <= share * peak:  # nobody ever active, or the share of the peak was the line
        return []
    smoothed = f"{lc.get('smoothing_days', 7)}-day mean"
    how = (f"daily active members never reached lifecycle.dormant_below ({floor:g}; peak {peak:,.1f}, {smoothed}), "
           f"so by that floor the community never came alive" if peak < floor else
           f"the dormancy line here was lifecycle.dormant_below ({floor:g} active members), above {share:.0%} of "
           f"this run's peak DAU ({peak:,.1f}, {smoothed})")
    return [f"({how[0].upper()}{how[1:]}. The floor suits a market of thousands; for a community this small, "
            f"lower it: --set lifecycle.dormant_below=0 judges the run by its own peak alone.)"]


def _peak_at_horizon(s: dict) -> list[str]:
    """A warning when the peak falls in the run's last month: the community may still be growing.

    The phases are read relative to the highest DAU the run saw; a 20-day run of a growing
    community showed 'active interaction' on days 15-20 (red team, 2026-12-07).
    """
    peak, horizon = s.get("peak_day"), s.get("horizon_days")
    if not isinstance(peak, int) or not isinstance(horizon, int) or s.get("lifespan") is not None or peak == 0:
        return []  # a peak on day 0 is the founders' day: nothing grew after it
    # the last month, or the last third of a shorter run (a 20-day run is not all "last month")
    window = min(((s.get("parameters") or {}).get("lifecycle") or {}).get("dormancy_days", 30), max(1, horizon // 3))
    if peak < horizon - window:
        return []
    return [f"(The highest DAU falls on day {peak:,}, within the run's last {window} days: the community may still "
            f"be growing, so the peak and the phases after rapid growth are the horizon's, not the community's; "
            f"run longer, e.g. --days {max(2 * horizon, 365):,}.)"]


def _strategies_in_force(s: dict) -> list[str]:
    """'Strategies: invite_reward (days 30-119)': what ran and when, under the header (a newcomer's first hour).

    Days are the run's (a stop is exclusive; a strategy still running at the horizon runs to its
    last day). Nothing when the summary carries no parameters (summary.json alone has them).

    >>> _strategies_in_force({"horizon_days": 100, "parameters": {"strategies": {
    ...     "invite_reward": {"kind": "invite_reward", "start": 30, "stop": 120},
    ...     "late": {"kind": "events", "start": 200, "stop": None}}}})
    ['Strategies: invite_reward (days 30-99, to the horizon); late (events, from day 200: never in force)']
    >>> _strategies_in_force({"horizon_days": 100, "parameters": {"strategies": {}}})
    ['Strategies: none']
    """
    params = s.get("parameters")
    if not isinstance(params, dict) or not isinstance(params.get("strategies"), dict):
        return []
    horizon = s.get("horizon_days")
    parts = []
    for name, spec in params["strategies"].items():
        kind = spec.get("kind") or name
        start, stop = spec.get("start", 0), spec.get("stop")
        if isinstance(horizon, int) and start >= horizon:
            when = f"from day {start:,}: never in force"
        else:
            last = (stop - 1) if stop is not None else None
            cut = isinstance(horizon, int) and (last is None or last >= horizon)
            last = (horizon - 1) if cut else last
            when = f"days {start:,}-{last:,}" + (", to the horizon" if cut and stop is not None else "")
            if isinstance(spec.get("every"), int):  # events, promotion rounds, an on/off schedule
                when += f", every {spec['every']:,} days"
        parts.append(f"{name} ({'' if kind == name else kind + ', '}{when})")
    return [f"Strategies: {'; '.join(parts) if parts else 'none'}"]


def format_summary(s: dict, currency: str | None = None, scenario=None) -> str:
    """The end-of-run summary: phases, lifespan, read-outs, retention and the health warnings.

    `s` is a run's summary (`CommunityModel.summary()`, `RunResult.summary` or summary.json);
    `scenario`, when `s` has no "parameters" block (only summary.json does), supplies the
    settings the text quotes (the currency, the germination share).
    """
    if scenario is not None and "parameters" not in s:
        s = {**s, "parameters": scenario.to_dict()}
    currency = currency or (s.get("parameters") or {}).get("currency") or "cost units"
    life = s["lifecycle"]
    out = [f"Scenario {s['scenario']!r}, seed {s['seed']}, {s['population']:,} persons, "
           f"{days(s['horizon_days'])}"] + _strategies_in_force(s) + [""]
    out.append(format_phase_table(life["phases"]))
    out += _no_germination(s)
    out.append("")
    if s["lifespan"] is not None:
        out.append(f"Lifespan: {s['lifespan']:,} days (dormant from day {s['lifespan']:,}).")
    else:
        out.append(f"Lifespan: still alive at the horizon (day {s['horizon_days']:,}).")
    out += _dormancy_floor(s)
    out += _peak_at_horizon(s)
    ps = s.get("post_shares_at_peak")
    if ps and ps.get("top1") is not None:
        out.append(f"Posts in the month of the peak: top 1% {_pct(ps['top1'])}, next 9% "
                   f"{_pct(ps['next9'])}, bottom 90% {_pct(ps['bottom90'])} ({ps['people']:,} members).")
    c = s.get("circles_at_peak") or {}
    if c:
        after = ((s.get("parameters") or {}).get("churn") or {}).get("dormant_after")
        silent = f"silent {after} days or more, or muted" if isinstance(after, int) else "silent, or muted"
        out.append(f"Circles at the peak: core {c['core']:,}, organizers {c['organizers']:,}, "
                   f"diffusion {c['diffusion']:,} not dormant; and {c['dormant']:,} dormant members "
                   f"({silent}; still on the roll).")
    out += format_retention(s)
    out += ["", "Read-outs (README.md, 'Reading the output', says what each measures):",
            format_readouts(s, currency), ""]
    out += format_warnings(s["warnings"])
    return "\n".join(out)


# ------------------------------------------------------------------ comparison reports
def key_measures() -> list[str]:
    """The headline measures (declared `key=True` in the read-out registry)."""
    from sim.readouts.registry import measure, measures

    return [m for m in measures() if measure(m).key]


def _fmt(x) -> str:
    return number(x)


def _missing(x) -> bool:
    """None or NaN (a read-out no run reached, an interval one run cannot give)."""
    return x is None or (isinstance(x, float) and x != x)


def mean_ci_text(result, label: str, m: str, r) -> str:
    """One read-out of one scenario as text: 'mean [low, high]' (the 95% interval of the mean).

    A lifespan no run reached reads '≥ horizon (every run alive at the horizon)': the horizon
    is a lower bound, not a mean with an interval; when some runs are alive the cell says how
    many. A measure no run reached reads 'n/a'; one that only some runs reached says how many
    (its mean is over those); a mean without an interval (one replication) says so. Shares
    read in percent.
    """
    if m == "lifespan" and result.all_alive(label):
        return f"≥ {round(r['mean']):,} (every run alive at the horizon)"  # the horizon: whole days
    if _missing(r["mean"]):
        return "n/a (no run reached it)"
    runs = int(r.get("runs", r["n"]) or 0)
    alive = int(r.get("alive_at_horizon", 0) or 0)
    after = ""
    if m == "lifespan" and alive:
        after = f" (≥: {alive} of {runs} runs alive at the horizon count as dying there)"
    elif r["n"] < runs:  # a phase some runs never reached: the mean is over those that did
        after = f" ({int(r['n'])} of {runs} runs reached it)"
    from sim.readouts.registry import measure

    # shares in percent, as the verdicts' differences are in percentage points (not 0.676 beside "+6.7 pp")
    fmt = (lambda x: f"{100 * x:.1f}%") if measure(m).bounds is not None else _fmt
    if _missing(r["low"]) or _missing(r["high"]):
        return f"{fmt(r['mean'])} (no interval from one run){after}"
    return f"{fmt(r['mean'])} [{fmt(r['low'])}, {fmt(r['high'])}]{after}"


def _summary_rows(result) -> tuple[list[str], list[list[str]]]:
    summ = result.summary()
    keys = key_measures()
    head = ["scenario"] + keys
    rows = []
    for lab in result.labels:
        sub = summ[summ["scenario"] == lab].set_index("measure")
        cells = [lab]
        for m in keys:
            cells.append(mean_ci_text(result, lab, m, sub.loc[m]))
        rows.append(cells)
    return head, rows


def _all_measure_rows(result) -> tuple[list[str], list[list[str]]]:
    """Every run measure of the registry (label, unit) x scenario: mean [95% CI]."""
    from sim.readouts.registry import measure, measures

    summ = result.summary().set_index(["scenario", "measure"])
    head = ["measure", "unit", *result.labels]
    rows = []
    for m in measures():
        r = measure(m)
        cells = [f"{r.label} ({m})", r.unit_in(result.currency)]
        for lab in result.labels:
            cells.append(mean_ci_text(result, lab, m, summ.loc[(lab, m)]))
        rows.append(cells)
    return head, rows


def _difference_rows(result) -> tuple[list[str], list[list[str]]]:
    """The headline measures' paired differences; shares in percentage points, as in the verdicts."""
    from sim.experiments.compare import verdict_measures
    from sim.experiments.stats import MAX_REPLICATIONS, format_p
    from sim.readouts.registry import measure

    diff = result.differences()
    head = ["variant", "measure", "Δ mean", "95% CI (t)", "p", "p (Holm)", "n", "verdict", "replications to settle"]
    rows = []
    for _, r in diff[diff["measure"].isin(verdict_measures())].iterrows():
        need = r["replications_needed"]
        if r["significant"] or need is None or need != need:
            settle = ""
        else:
            settle = f"more than {MAX_REPLICATIONS:,}" if need > MAX_REPLICATIONS else f"{int(need):,}"
        share = measure(r["measure"]).bounds is not None
        scale, unit = (100, " pp") if share else (1, "")

        def amount(x, scale=scale, unit=unit):
            return _fmt(None if x is None or x != x else x * scale) + (unit if x is not None and x == x else "")

        holm_p = r["p_holm"]
        if isinstance(r.get("note"), str) and r["note"].startswith("no test: identical"):
            verdict = "no test: identical to the baseline in every run"
        elif r["n"] == 0:
            verdict = "not measured: no seed where both runs reached it"
        elif r["n"] == 1:
            verdict = "cannot be judged from one pair of runs"
        elif r["measure"] == "lifespan" and result.all_alive(result.labels[0], r["variant"]):
            verdict = "not measured: every run of both alive at the horizon"
        elif r["significant"] and holm_p == holm_p and holm_p is not None and holm_p >= 0.05:
            verdict = "differs alone, not after Holm's adjustment"
        else:
            verdict = "differs" if r["significant"] else "no detectable difference"
        rows.append([r["variant"], r["measure"], amount(r["mean"]), f"{amount(r['low'])} to {amount(r['high'])}",
                     format_p(r["p"]), format_p(holm_p).removeprefix("p ").removeprefix("= "), str(r["n"]),
                     verdict, settle])
    return head, rows


def _cost_rows(result) -> tuple[list[str], list[list[str]]]:
    """Costs per variant; the last column says why a cost per extra day is blank, or why it is provisional."""
    cur = result.currency
    head = ["variant", "extra active member-days", f"extra spend ({cur})", "extra points",
            f"{cur} per extra active member-day [95% CI]", "points per extra active member-day",
            "why blank, or provisional"]
    rows = []
    for _, r in result.costs().iterrows():
        per_day = "" if _missing(r["spend_per_extra_day"]) else _fmt(r["spend_per_extra_day"])
        if per_day and not _missing(r["spend_per_extra_day_low"]):
            per_day += f" [{_fmt(r['spend_per_extra_day_low'])}, {_fmt(r['spend_per_extra_day_high'])}]"
        rows.append([r["variant"], _fmt(r["extra_active_member_days"]), _fmt(r["extra_spend"]),
                     _fmt(r["extra_points"]), per_day,
                     "" if _missing(r["points_per_extra_day"]) else _fmt(r["points_per_extra_day"]), r["note"]])
    return head, rows


def _about(result) -> str:
    """How the comparison was made: replications (or a fit's posterior draws), horizon, and the one method."""
    note = getattr(result, "note", None)  # compare --from-fit: the draws, seeds and start day
    k = len(result.seeds)
    runs = note or f"{k} replication{'' if k == 1 else 's'} per scenario on common seeds (paired)."
    return (f"{runs} {days(result.horizon)}, executor: {result.executor_name}; {result.reused} runs reused from the "
            f"results store; {len(result.failures)} failed. Intervals: 95% t-intervals, of the mean (summary) and "
            f"of the paired mean difference (differences); p: the paired t-test of the same differences, so an "
            f"interval excludes zero exactly when p < 0.05, and 'differs' means both. Shares are clipped to "
            f"[0, 1] (their differences to [-1, 1]). 'Replications to settle': paired replications that would "
            f"detect a difference of the observed size with 80% power at the 5% level, from the observed "
            f"variance of the paired differences. p (Holm): p adjusted over each variant's headline measures, "
            f"which keeps the chance of any false 'differs' among them at 5% (each variant is tested on several "
            f"measures, so unadjusted, about one null measure in twenty reads as a difference). Lifespan counts a "
            f"community still alive at the horizon as the horizon (cells say how many runs were). A phase some "
            f"runs never reached is averaged over those that did (cells say how many). Amounts are in "
            f"{result.currency}; pp: percentage points."
            + (f" Seeds: {result.seed_note}." if getattr(result, "seed_note", None) else ""))


def market_and_staff(scenarios, sets=(), labels=None, from_fit: bool = False) -> str:
    """What every design ran on and how staff time was priced, and the --set overrides (one paragraph).

    A shared report must say what it cannot show in its tables: the population the verdicts
    hold for, whether spend includes staff (it does only when `community.staff_hour_cost` is
    set, then in every design, hires included), and the overrides that applied to all designs.
    `labels`: the designs' names in the tables; `from_fit`: a comparison over a fit's posterior
    (which takes no --set: staff are priced in the fitted scenario's file).

    >>> import sim
    >>> sc = sim.load_scenario(sim.scenarios_dir() / "baseline.yaml")
    >>> market_and_staff([sc, sc], ["population.size=5000"])[:60]
    'Market: 5,000 persons on a clustered_scale_free graph (mean '
    """
    from sim.model.population import GENERATED

    sc = scenarios[0]
    graph = sc.population.graph
    if graph.type in GENERATED:
        market = f"{sc.population.size:,} persons on a {graph.type} graph (mean degree {graph.mean_degree:g})"
    else:
        market = f"the {graph.type} graph {graph.file or ''}".rstrip()
    prices = {s.community.staff_hour_cost for s in scenarios}  # hours are part of a design; the price is not
    how = ("community.staff_hour_cost in the fitted scenario's file counts them" if from_fit else
           "--set community.staff_hour_cost=PRICE counts them")
    if len(prices) > 1:
        staff = (f"Staff time is priced differently between the designs (community.staff_hour_cost: "
                 f"{', '.join(f'{p:g}' for p in sorted(prices))} an hour), so their spend differences include "
                 "that pricing.")
    elif not sc.community.staff_hour_cost:
        staff = ("Staff time is not priced (community.staff_hour_cost is 0 in every design): spend leaves "
                 "staff out, including the organizers the staffing policy hires as a design grows the "
                 f"community and an operating mode's longer or shorter hours; {how}.")
    else:
        staff = (f"Staff time is priced at {sc.community.staff_hour_cost:g} {sc.get('currency') or 'cost units'} "
                 "an hour in every design "
                 "(organizers on duty, hires included, times their hours).")
        unpaid = [i for i, s in enumerate(scenarios) if not s.community.organizer_hours]
        if unpaid:  # a price times no hours: say that they pay nothing, not only the price
            who = ("every design" if len(unpaid) == len(scenarios) else
                   ", ".join(_label(scenarios, labels, i) for i in unpaid))
            staff += (f" Organizers give no hours in {who} (community.organizer_hours is 0), "
                      f"so no staff cost is counted{'' if len(unpaid) == len(scenarios) else ' there'}.")
    worlds = _assumptions_sentence(scenarios, labels)
    overrides = f" Overrides applied to every design: {', '.join(sets)}." if sets else ""
    # a strategy that never starts within the horizon, a --set that adds one: said in the shared
    # report too, not only on stderr (a verdict of "no difference" would read as the strategy's)
    names = [_label(scenarios, labels, i) for i in range(len(scenarios))]
    notes = [f"{name}: {n.key}: {n.message}" for name, s in zip(names, scenarios) for n in s.notices]
    said = f" Notes on the designs: {'; '.join(dict.fromkeys(notes))}." if notes else ""
    return f"Market: {market}, the same for every design. {staff}{worlds}{overrides}{said}"


def _label(scenarios, labels, i: int) -> str:
    s = scenarios[i]
    return (labels[i] if labels else None) or s.get("name") or s.path or f"design {i + 1}"


def _assumptions_sentence(scenarios, labels=None) -> str:
    """' Assumptions differ ...': each assumption two designs set differently, with every design's value, or ''.

    Designs are levers; a variant that also changes how people behave is compared in another
    world (`sim.experiments.compare.assumption_differences`), and a shared report must say so.
    A strategy's assumption is compared among the designs that run it (by name and kind); the
    price of staff time is left to the staff sentence.
    """
    from sim.experiments.compare import _and, _plain, assumption_differences

    keys: dict = {}
    for i, j in itertools.combinations(range(len(scenarios)), 2):
        for k, _, _ in assumption_differences(scenarios[i], scenarios[j]):
            if k != "community.staff_hour_cost":
                keys.setdefault(k, None)
    if not keys:
        return ""
    from sim.scenario.schema import dict_leaves

    flats = [{".".join(p): v for p, v in dict_leaves(sc.to_dict())} for sc in scenarios]
    parts = []
    for key in keys:
        values: dict = {}
        for i, flat in enumerate(flats):
            if key in flat:
                values.setdefault(_plain(flat[key]), []).append(_label(scenarios, labels, i))
        parts.append(f"{key} ({'; '.join(f'{v} in {_and(names)}' for v, names in values.items())})")
    return (f" Assumptions differ between designs, not only levers: {'; '.join(parts)}. Those differences "
            "compare another world as well as another design, and the verdicts carry both (docs/scenarios.md "
            "gives every key's role).")


def market_note(result) -> str:
    """`market_and_staff` for a comparison's result (its designs, labels, overrides, and whether from a fit)."""
    return market_and_staff(result.scenarios, getattr(result, "sets", ()), result.labels,
                            bool(getattr(result, "from_fit", None)))


def _no_variant(result) -> str:
    return (f"Nothing to compare: only one scenario ({result.labels[0]}), no variant to compare with, so no verdicts. "
            f"Give the variants after the baseline: circlesim compare BASELINE.yaml VARIANT.yaml ...")


def _md_rows(head, rows) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in rows]


def compare_markdown(result, images: dict | None = None) -> str:
    """The comparison report in Markdown, figures linked as files next to it (no verdicts without a variant)."""
    out = [f"# circlesim comparison: {', '.join(result.labels)}", ""]
    if len(result.labels) > 1:
        out += ["## In short", "", f"Counted: {result.TRADE_OFFS_NOTE}.", ""]
        out += [f"- {v}" for v in result.trade_offs()]
        between = result.variant_trade_offs()
        if between:
            out += ["", "## Between the variants", "", f"Counted: {result.BETWEEN_NOTE}.", ""]
            out += [f"- {v}" for v in between]
        out += ["", "## Verdicts", ""] + [f"- {v}" for v in result.verdicts()]
        advice = result.replication_advice()
        if advice:
            out += ["", f"## {result.advice_heading}", ""] + [f"- {a}" for a in advice]
    else:
        out += [_no_variant(result)]
    out += ["", _about(result), "", market_note(result), "",
            "## Summary (mean [95% CI])", ""]
    out += _md_rows(*_summary_rows(result))
    if len(result.labels) > 1:
        out += ["", "## Differences to the baseline (paired)", ""] + _md_rows(*_difference_rows(result))
        out += ["", "## Costs", ""] + _md_rows(*_cost_rows(result))
    out += ["", "## Every measure (mean [95% CI])", ""] + _md_rows(*_all_measure_rows(result))
    if images:
        out += ["", "## Figures", ""]
        out += [f"![{name}]({Path(path).name})" for name, path in images.items()]
    if result.failures:
        out += ["", "## Failures", ""]
        for who, seed, tb in result.failures:
            out += [f"- {who}, seed {seed}: `{tb.strip().splitlines()[-1]}`"]
    return "\n".join(out) + "\n"


_STYLE = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
          "table{border-collapse:collapse;font-size:12px;margin:1em 0}td,th{border:1px solid #ccc;"
          "padding:3px 6px;text-align:right}td:first-child,th:first-child{text-align:left}"
          "img{max-width:100%}.about{color:#555;font-size:13px}li{margin:.3em 0}")


def _html_table(head, rows) -> str:
    import html

    h = "".join(f"<th>{html.escape(str(c))}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def _html_df(df) -> str:
    return _html_table(list(df.columns), _cells(df))


def _cells(df) -> list[list[str]]:
    """A table's cells as text, each by its own column's type (ids stay integers: iterrows made them floats)."""
    return [[_fmt(v) if isinstance(v, numbers.Real) and not isinstance(v, bool) else str(v) for v in r]
            for r in df.itertuples(index=False)]


def _html_figures(result, images: dict | None) -> list[str]:
    """<figure> elements with the PNGs inlined as base64 (files if given, else rendered now)."""
    import base64
    import html
    import io

    if images:
        figs = [(name, Path(path).read_bytes()) for name, path in images.items()]
    else:
        from sim.outputs.plots import save

        figs = []
        for name, fig in result.figures().items():
            buf = io.BytesIO()
            save(fig, buf)
            figs.append((name, buf.getvalue()))
    return [f"<figure><img alt='{html.escape(name)}' src='data:image/png;base64,"
            f"{base64.b64encode(data).decode('ascii')}'/><figcaption>{html.escape(name)}</figcaption></figure>"
            for name, data in figs]


def _html_failures(failures) -> list[str]:
    import html

    if not failures:
        return []
    return ["<h2>Failures</h2>"] + [
        f"<details><summary>{html.escape(who)}, seed {seed}: {html.escape(tb.strip().splitlines()[-1])}"
        f"</summary><pre>{html.escape(tb)}</pre></details>" for who, seed, tb in failures]


def _html_page(title: str, parts: list[str]) -> str:
    """A self-contained page: inline style, no external resources."""
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>")


def compare_html(result, images: dict | None = None) -> str:
    """A self-contained HTML report: figures embedded as base64, no external resources."""
    import html

    parts = [f"<h1>circlesim comparison</h1><p>{html.escape(', '.join(result.labels))}</p>"]
    if len(result.labels) > 1:
        note = f"Counted: {result.TRADE_OFFS_NOTE}."
        parts.append(f"<h2>In short</h2><p>{html.escape(note)}</p><ul>"
                     + "".join(f"<li>{html.escape(v)}</li>" for v in result.trade_offs()) + "</ul>")
        between = result.variant_trade_offs()
        if between:
            parts.append(f"<h2>Between the variants</h2><p>{html.escape(f'Counted: {result.BETWEEN_NOTE}.')}</p><ul>"
                         + "".join(f"<li>{html.escape(v)}</li>" for v in between) + "</ul>")
        parts.append("<h2>Verdicts</h2><ul>" + "".join(f"<li>{html.escape(v)}</li>" for v in result.verdicts())
                     + "</ul>")
        advice = result.replication_advice()
        if advice:
            parts.append(f"<h2>{html.escape(result.advice_heading)}</h2><ul>"
                         + "".join(f"<li>{html.escape(a)}</li>" for a in advice) + "</ul>")
    else:
        parts.append(f"<p>{html.escape(_no_variant(result))}</p>")
    parts += [f"<p class='about'>{html.escape(_about(result))}</p>",
              f"<p class='about'>{html.escape(market_note(result))}</p>",
              "<h2>Summary (mean [95% CI])</h2>" + _html_table(*_summary_rows(result))]
    if len(result.labels) > 1:
        parts.append("<h2>Differences to the baseline (paired)</h2>" + _html_table(*_difference_rows(result)))
        parts.append("<h2>Costs</h2>" + _html_table(*_cost_rows(result)))
    parts.append("<h2>Every measure (mean [95% CI])</h2>" + _html_table(*_all_measure_rows(result)))
    parts.append("<h2>Figures</h2>")
    parts += _html_figures(result, images)
    parts += _html_failures(result.failures)
    return _html_page("circlesim comparison", parts)


def _md_table(df) -> list[str]:
    cols = list(df.columns)
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(r) + " |" for r in _cells(df)]
    return out


def _sweep_about(result) -> str:
    params = ", ".join(f"{r.key} in [{r.low:g}, {r.high:g}]" for r in result.ranges)
    note = getattr(result, "role_note", None)
    return (f"Method {result.method}: {len(result.points)} design points x {len(result.seeds)} replications "
            f"(common seeds) over {params}; {result.reused} runs reused from the store; "
            f"{len(result.failures)} failed." + (f" Note: {note}" if note else ""))


def _best(result, k: int = 5):
    """The best design points on active member-days: parameters, the headline means, runs alive at the horizon.

    A lifespan every run of which was censored reads "≥ horizon", and the alive share is a
    percentage, so a reader does not take the horizon for a measured lifespan.
    """
    cols = ["point", *result.keys, "active_member_days", "lifespan", "alive_at_horizon", "total_spend",
            "incentive_spend"]
    best = result.best("active_member_days", k)[cols].copy()
    alive = best["alive_at_horizon"].astype(float)
    best["lifespan"] = [f"≥ {number(v)}" if a == 1 else number(v) for v, a in zip(best["lifespan"], alive)]
    best["alive_at_horizon"] = [f"{a:.0%}" for a in alive]
    return best.rename(columns={"alive_at_horizon": "runs alive at horizon"})


def sweep_markdown(result, images: dict | None = None) -> str:
    """The sweep report in Markdown: Sobol indices, the Pareto set, figures linked as files."""
    out = ["# circlesim sweep", "", _sweep_about(result), ""]
    ind = result.indices()
    if ind is not None:
        out += ["## Sobol indices (first order S1, total order ST, ± 95%)", ""] + _md_table(ind) + [""]
    kind = "points" if getattr(result, "role_note", None) else "design points"
    out += [f"## Best {kind} by active member-days", ""] + _md_table(_best(result)) + [""]
    apart = result.separation("active_member_days", 5)
    if apart:  # a ranking of means is not a choice until the runs separate the leader from the rest
        from sim.experiments.sweep import SEPARATION_NOTE

        out += [f"Is the first point's lead more than the noise between runs? ({SEPARATION_NOTE})", ""] \
            + [f"- {a}" for a in apart] + [""]
    out += ["## Pareto set: active member-days versus total spend", ""] + _md_table(result.pareto()) + [""]
    if images:
        out += ["## Figures", ""] + [f"![{n}]({Path(p).name})" for n, p in images.items()]
    if result.failures:
        out += ["", "## Failures", ""] + [f"- {w}, seed {s}: `{tb.strip().splitlines()[-1]}`"
                                          for w, s, tb in result.failures]
    return "\n".join(out) + "\n"


def sweep_html(result, images: dict | None = None) -> str:
    """The sweep report as a self-contained HTML page."""
    import html

    parts = ["<h1>circlesim sweep</h1>", f"<p class='about'>{html.escape(_sweep_about(result))}</p>"]
    ind = result.indices()
    if ind is not None:
        parts.append("<h2>Sobol indices</h2>" + _html_df(ind))
    kind = "points" if getattr(result, "role_note", None) else "design points"
    parts.append(f"<h2>Best {kind} by active member-days</h2>" + _html_df(_best(result)))
    apart = result.separation("active_member_days", 5)
    if apart:
        from sim.experiments.sweep import SEPARATION_NOTE

        parts.append(f"<p>Is the first point's lead more than the noise between runs? ({html.escape(SEPARATION_NOTE)})"
                     "</p><ul>"
                     + "".join(f"<li>{html.escape(a)}</li>" for a in apart) + "</ul>")
    parts.append("<h2>Pareto set: active member-days versus total spend</h2>" + _html_df(result.pareto()))
    parts += _html_figures(result, images)
    parts += _html_failures(result.failures)
    return _html_page("circlesim sweep", parts)
