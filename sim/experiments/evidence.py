"""The checks of docs/evidence.md as functions: each runs the model and returns the measured data.

The test suite asserts on these results with statistical tolerances (tests/test_evidence.py);
notebooks/05_evidence.ipynb plots them and states pass or miss. Sizes are arguments, so both
can run them small.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd

from sim.model import CommunityModel
from sim.model.state import Status
from sim.scenario import load_scenario, scenario_from_dict
from sim.scenario.paths import scenario_dir

SCENARIOS = scenario_dir()


def baseline(overrides=(), **kw):
    """The shipped baseline scenario with dotted `overrides` applied (keywords go to `load_scenario`)."""
    return load_scenario(SCENARIOS / "baseline.yaml", overrides=list(overrides), **kw)


def baseline_run(size: int, seed: int, days: int | None = None, overrides=()) -> CommunityModel:
    """The shipped baseline at `size` persons (dotted `overrides`, `days`), run to its horizon with `seed`."""
    m = CommunityModel(baseline([f"population.size={size}", *overrides], days=days), seed=seed)
    m.run()
    return m


def join_curve(seeds=(1, 2), days: int = 300, size: int = 5000, k_max: int = 40, overrides=()) -> pd.DataFrame:
    """E1: daily joining probability of outsiders by number k of member friends (maintained ties).

    `overrides` (dotted keys) change the baseline, e.g. to see what bends the curve (docs/evidence.md, E1).
    """
    expo, joins = np.zeros(k_max), np.zeros(k_max)
    for seed in seeds:
        m = CommunityModel(baseline([f"population.size={size}", *overrides], days=days), seed=seed)
        a = m.population.maintained
        for _ in range(days):
            st = m.state
            k = (a @ (st.status == Status.MEMBER).astype(float)).astype(int)
            out = st.status == Status.OUTSIDER
            m.step()
            joined = out & (st.status == Status.MEMBER)
            kk = np.minimum(k[out], k_max - 1)
            expo += np.bincount(kk, minlength=k_max)
            joins += np.bincount(kk, weights=joined[out], minlength=k_max)
    p = np.divide(joins, expo, out=np.zeros(k_max), where=expo > 0)
    se = np.sqrt(np.divide(p * (1 - p), expo, out=np.zeros(k_max), where=expo > 0))
    return pd.DataFrame({"k": np.arange(k_max), "exposures": expo, "joins": joins, "p": p, "se": se})


def pooled(curve: pd.DataFrame, lo: int, hi: int) -> tuple[float, float, float]:
    """(mean k, P(join), standard error) over k in [lo, hi]."""
    sub = curve[(curve["k"] >= lo) & (curve["k"] <= hi)]
    e, j = sub["exposures"].sum(), sub["joins"].sum()
    p = j / e
    return float((sub["k"] * sub["exposures"]).sum() / e), float(p), float(math.sqrt(p * (1 - p) / e))


def post_shares(seeds=range(8), days: int = 400, size: int = 5000, overrides=()) -> pd.DataFrame:
    """E2: post shares of the top 1%, next 9% and bottom 90% in the month of the peak (`overrides`: dotted keys)."""
    rows = []
    for seed in seeds:
        s = baseline_run(size, seed, days, overrides).summary()["post_shares_at_peak"]
        rows.append({"seed": seed, **{k: s[k] for k in ("top1", "next9", "bottom90", "people")}})
    return pd.DataFrame(rows)


def lifetime_post_shares(seeds=range(4), days: int = 730, size: int = 5000, overrides=()) -> pd.DataFrame:
    """E2 as van Mierlo 2014 measured it: shares of all posts over the whole run, of everyone who ever joined.

    `post_shares` reads the month of the peak; van Mierlo's 74.7 / 24.0 / 1.3% are over the
    networks' histories, where more of the quiet have posted once.
    """
    from sim.readouts.metrics import post_shares as shares_of

    rows = []
    for seed in seeds:
        m = baseline_run(size, seed, days, overrides)
        ever = m.state.joined_day >= 0
        s = shares_of(m.state.posts_total[ever])
        rows.append({"seed": seed, **{k: s[k] for k in ("top1", "next9", "bottom90", "posters", "people")}})
    return pd.DataFrame(rows)


def fixed_group(n: int, seed: int, days: int = 90, sections: dict | None = None) -> dict:
    """E3/E4: one group of n members from day 0 (no acquisition); engagement in days 30-90.

    `sections` adds scenario sections, e.g. ``{"attention": {"acquaintances": 100_000}}`` to see
    whether knowing everyone by sight changes how engagement falls with size.
    """
    spec = {"population": {"size": n}, "horizon_days": days,
            "community": {"seed_fraction": 1.0, "group_cap": 10_000_000, "organizers": 1, "core_seeds": 1},
            "acquisition": {"p_external": 0.0}}
    for name, values in (sections or {}).items():
        spec[name] = {**spec.get(name, {}), **values}
    sc = scenario_from_dict(spec)
    m = CommunityModel(sc, seed=seed)
    chat = []
    for _ in range(days):
        m.step()
        chat.append(float(m.last_day.content.member_msgs.sum()))
    ts = m.timeseries()
    w = ts.iloc[30:days]
    return {"size": n, "seed": seed, "messages": w["messages"].mean(), "chat": float(np.mean(chat[30:])),
            "messages_per_member": float((w["messages"] / w["members"]).mean()),
            "engagement": (w["dau"] / w["members"]).mean(), "left": ts["leaves"].sum() / n,
            "dropout": float(ts["leaves"].sum() + ts["dormant"].iloc[-1]) / n,
            "overload": w["overload_share"].mean(), "strangers": w["stranger_share"].mean(),
            "answered": w["answered_share"].mean()}


def group_size_effects(sizes=(25, 75, 150, 250, 500, 1000), seeds=range(3), days: int = 90) -> pd.DataFrame:
    """E3/E4: `fixed_group` for every size and seed, one row each, to show overload and leaving as circles grow."""
    return pd.DataFrame([fixed_group(n, s, days) for n in sizes for s in seeds])


def cost_shock(graph: nx.Graph, benefit: float, cost: float, days: int = 60) -> tuple[set, set]:
    """E5: (survivors, k-core with k = ceil(cost / benefit)) under the cost-benefit leaving rule."""
    sc = scenario_from_dict({"community": {"seed_fraction": 1.0, "organizers": 0, "core_seeds": 0},
                             "acquisition": {"p_external": 0.0},
                             "churn": {"mode": "cost_benefit", "benefit_per_friend": benefit, "cost": cost}})
    m = CommunityModel(sc, seed=1, graph=graph)
    m.run(days=days)
    k = math.ceil(cost / benefit)
    return (set(np.flatnonzero(m.state.status == Status.MEMBER).tolist()),
            set(nx.k_core(m.population.graph, k).nodes()))


def bass_closed_form(t, p, q):
    """Bass diffusion curve: cumulative adoption share at times `t` for innovation `p` and imitation `q`."""
    e = np.exp(-(p + q) * np.asarray(t, float))
    return (1 - e) / (1 + (q / p) * e)


def bass_discrete(days: int, n: int, p: float, q: float) -> np.ndarray:
    """Expected cumulative adoption of the model's daily process (mean field)."""
    out, f = np.zeros(days), 0.0
    for i in range(days):
        f += (1 - f) * (1 - (1 - p) * (1 - q / n) ** (n * f))
        out[i] = f
    return out


def bass_runs(n: int = 400, p: float = 0.002, q: float = 0.04, days: int = 300, reps: int = 6) -> np.ndarray:
    """E6: cumulative adoption share per day (rows: replications), churn off, complete graph."""
    sc = scenario_from_dict({
        "population": {"size": n, "graph": {"type": "complete"}, "dunbar_limit": n, "close_ties": 0,
                       "topic_fit_fixed": 1.0},
        "community": {"organizers": 0, "core_seeds": 0, "seed_members": 0},
        "acquisition": {"p_external": p, "q_weak": q / n, "share_rate": 1.0, "share_requires_activity": False},
        "churn": {"mode": "off"}, "horizon_days": days})
    curves = []
    for seed in range(reps):
        m = CommunityModel(sc, seed=seed)
        m.run()
        curves.append(np.cumsum(m.timeseries()["joins"].to_numpy()) / n)
    return np.array(curves)


def viral_threshold(q_values=(0.0, 0.02, 0.05, 0.1, 0.2), seeds=range(3), size: int = 2000,
                    campaign_days: int = 60, days: int = 360, halflife: float = 120.0) -> pd.DataFrame:
    """E7: an external campaign for `campaign_days`, then only word of mouth.

    DAU at the horizon by word-of-mouth strength, with interest decaying (novelty half-life
    `halflife` days).
    """
    rows = []
    for q in q_values:
        for seed in seeds:
            sc = baseline([f"population.size={size}", f"acquisition.q_weak={q}", f"acquisition.q_close={3 * q}",
                           "acquisition.p_external=0.00002", f"motivation.novelty_halflife={halflife}",
                           "community.seed_members=0", "community.core_seeds=2",
                           "strategies.campaign.kind=cross_promotion", f"strategies.campaign.stop={campaign_days}",
                           "strategies.campaign.boost=50"], days=days)
            m = CommunityModel(sc, seed=seed)
            m.run()
            ts = m.timeseries()
            member_dau = ts["dau"] - ts["organizers"]  # staff stay active whatever happens
            rows.append({"q_weak": q, "seed": seed,
                         "dau_end_campaign": float(member_dau.iloc[campaign_days - 7:campaign_days].mean()),
                         "dau_horizon": float(member_dau.iloc[-30:].mean())})
    return pd.DataFrame(rows)


def baseline_lifespans(n: int = 10, size: int = 5000) -> list:
    """E8: lifespans of the shipped baseline over `n` spawned seeds."""
    from sim.experiments.replications import replication_seeds

    out = []
    for seed in replication_seeds(1, n):
        out.append(baseline_run(size, seed).summary()["lifespan"])
    return out


def time_to_adoption(graph: nx.Graph, seed: int, share: float = 0.95, days: int = 600,
                     q_weak: float = 0.02, q_close: float = 0.02, close_ties: int = 9) -> int:
    """E9: days until `share` of the graph has joined (churn off, everyone fits)."""
    n = graph.number_of_nodes()
    sc = scenario_from_dict({
        "population": {"dunbar_limit": 1000, "close_ties": close_ties, "topic_fit_fixed": 1.0},
        "community": {"organizers": 0, "core_seeds": 0, "seed_members": 5},
        "acquisition": {"p_external": 0.0, "q_weak": q_weak, "q_close": q_close, "share_rate": 0.5,
                        "share_requires_activity": False},
        "churn": {"mode": "off"}, "horizon_days": days})
    m = CommunityModel(sc, seed=seed, graph=graph)
    m.run()
    members = m.timeseries()["members"].to_numpy()
    hit = np.flatnonzero(members >= share * n)
    return int(hit[0]) if hit.size else days


def caveman_graphs(cliques: int = 40, size: int = 10, weak: int = 200, seed: int = 0):
    """E9 graphs: strong ties inside cliques, and the same plus random weak bridges."""
    strong = nx.connected_caveman_graph(cliques, size)
    nx.set_edge_attributes(strong, 1.0, "weight")
    bridged = strong.copy()
    rng = np.random.default_rng(seed)
    n = cliques * size
    for _ in range(weak):
        u, v = rng.integers(0, n, 2)
        if u != v and not bridged.has_edge(u, v):
            bridged.add_edge(int(u), int(v), weight=0.01)
    return strong, bridged


def tie_strength_graphs(clusters: int = 30, size: int = 14, p_in: float = 0.85, extra: int = 240,
                        seed: int = 0) -> tuple[nx.Graph, nx.Graph]:
    """E9 at equal tie counts: one clustered graph plus `extra` ties placed as strong or as weak ties.

    The extra ties sit either inside clusters as strong ties (weight 1) or between clusters
    as weak bridges (weight 0.01).

    Both graphs have exactly the same number of ties; only where the extra ones sit (and so
    whether they are strong or weak) differs.
    """
    rng = np.random.default_rng(seed)
    base = nx.Graph()
    n = clusters * size
    base.add_nodes_from(range(n))
    for c in range(clusters):
        members = range(c * size, (c + 1) * size)
        for u in members:
            for v in members:
                if u < v and rng.random() < p_in:
                    base.add_edge(u, v, weight=1.0)
        # a ring of single weak bridges keeps the graph connected
        base.add_edge(c * size, ((c + 1) % clusters) * size, weight=0.01)
    local, bridged = base.copy(), base.copy()
    while local.number_of_edges() < base.number_of_edges() + extra:
        c = int(rng.integers(clusters))
        u, v = (int(x) for x in c * size + rng.choice(size, 2, replace=False))
        if not local.has_edge(u, v):
            local.add_edge(u, v, weight=1.0)
    while bridged.number_of_edges() < base.number_of_edges() + extra:
        u, v = (int(x) for x in rng.integers(0, n, 2))
        if u // size != v // size and not bridged.has_edge(u, v):
            bridged.add_edge(u, v, weight=0.01)
    return local, bridged


def as_strong_bridges(bridged: nx.Graph, size: int = 14, weight: float = 2.0) -> nx.Graph:
    """E9: the same graph with every tie between clusters made the strongest (so a close tie), not a weak one.

    Same ties, same places: only their strength differs from `tie_strength_graphs`' bridged
    graph, so a difference in adoption speed is the tie strength's (Goldenberg et al.'s b_s
    against b_w), not the graph's. Each person still has at most `close_ties` close ties, so
    a bridge made close takes the place of an in-cluster close tie, which becomes weak: the
    number of strong ties stays about the same, only where they sit moves (at the defaults
    about 540 close entries move from inside clusters onto bridges), a control that works
    against the strong arm. `size` is the cluster size the graph was built with.

    >>> _, bridged = tie_strength_graphs(clusters=3, size=4, extra=2)
    >>> strong = as_strong_bridges(bridged, size=4)
    >>> sorted({d["weight"] for u, v, d in strong.edges(data=True) if u // 4 != v // 4})
    [2.0]
    """
    strong = bridged.copy()
    for u, v, d in strong.edges(data=True):
        if u // size != v // size:
            d["weight"] = weight
    return strong


def cohort_measures(n: int = 10, size: int = 5000, overrides=()) -> pd.DataFrame:
    """E11 and the lifecycle: over `n` spawned seeds, cohort retention, MAU/members at the peak, lifespan."""
    from sim.experiments.replications import replication_seeds

    rows = []
    for seed in replication_seeds(1, n):
        s = baseline_run(size, seed, overrides=overrides).summary()
        rows.append({"seed": seed, **{k: s["retention"][k] for k in ("d1", "d7", "d30", "member_d30")},
                     "mau_members_at_peak": s["mau_members_at_peak"], "lifespan": s["lifespan"],
                     "active_member_days": s["active_member_days"], "peak_members": s["peak_members"],
                     "top1": (s["post_shares_at_peak"] or {}).get("top1"),
                     "bottom90": (s["post_shares_at_peak"] or {}).get("bottom90")})
    return pd.DataFrame(rows)


def staffing(counts=(1, 3, 6, 12, 24), seeds=range(4), size: int = 5000, days: int = 1000) -> pd.DataFrame:
    """Staff sweep: active member-days by organizer headcount, the staffing policy switched off."""
    rows = []
    for k in counts:
        for seed in seeds:
            sc = baseline([f"population.size={size}", f"community.organizers={k}",
                           "community.organizers_per_1000=0"], days=days)
            m = CommunityModel(sc, seed=seed)
            m.run()
            s = m.summary()
            ts = m.timeseries()
            rows.append({"organizers": k, "seed": seed, "active_member_days": s["active_member_days"] - k * days,
                         "lifespan": s["lifespan"], "overload": s["overload_share"],
                         "answered": float(ts["answered_share"][ts["dau"] > k].mean())})
    return pd.DataFrame(rows)


def size_lifespans(sizes=(5000, 20000, 50000), seeds=range(3), overrides=(), days=None) -> pd.DataFrame:
    """E8 at every size: lifespan, peak day and active member-days per person of the baseline.

    `overrides` (dotted keys) and `days` change the baseline, e.g. to see what the size
    invariance rests on: ``size_lifespans((5000, 50000), range(4), ["acquisition.q_weak=0.025",
    "acquisition.q_close=0.075"], days=1600)`` (docs/evidence.md, "Why lifespans hardly depend
    on size").
    """
    rows = []
    for n in sizes:
        for seed in seeds:
            s = baseline_run(n, seed, days, overrides).summary()
            rows.append({"size": n, "seed": seed, "lifespan": s["lifespan"], "peak_day": s["peak_day"],
                         "member_days_per_person": s["active_member_days"] / n,
                         "peak_members": s["peak_members"]})
    return pd.DataFrame(rows)


def in_first_week(st, first_day: np.ndarray, day: int) -> np.ndarray:
    """Mask of joiners (after day 0) in their first 7 days who have not posted before (`first_day` -1).

    The newcomers E10 watches, in both `newcomer_replies` and `newcomer_reply_experiment`.
    """
    return (first_day < 0) & (st.joined_day > 0) & (day - st.joined_day <= 7)


#: Joyce & Kraut's (2006) setting: Usenet newsgroups, where no operations staff prompt, welcome
#: or answer; their 61% of first posts answered came from fellow posters alone.
NO_STAFF = ("community.organizers=0", "community.organizers_per_1000=0")


def newcomer_replies(seeds=range(4), size: int = 5000, days: int = 400, window: int = 30,
                     overrides=()) -> pd.DataFrame:
    """E10: whether a reply to a newcomer's first post (in its first week) brings it back.

    For each member who joined after day 0 and posted within 7 days of joining: whether it was
    answered on the day of its first post, and whether it posted again (and was active again)
    within `window` days after it (Joyce & Kraut 2006 measured posting again). `overrides`:
    dotted settings on the baseline (`NO_STAFF` for the study's own setting).
    """
    rows = []
    for seed in seeds:
        m = CommunityModel(baseline([f"population.size={size}", *overrides], days=days), seed=seed)
        st = m.state
        first_day = np.full(st.n, -1)
        answered = np.zeros(st.n, bool)
        again = np.zeros(st.n, bool)
        back = np.zeros(st.n, bool)
        for _ in range(days):
            m.step()
            d = m.day - 1
            posted = st.posts_today > 0
            new = posted & in_first_week(st, first_day, d)
            watched = (first_day >= 0) & (d > first_day) & (d - first_day <= window)
            again |= watched & posted
            back |= watched & (st.last_active_day == d)
            first_day[new] = d
            answered[new] = st.recognition[new] > 0
        done = (first_day >= 0) & (first_day <= days - window - 1)
        for flag in (True, False):
            sel = done & (answered == flag)
            rows.append({"seed": seed, "answered": flag, "newcomers": int(sel.sum()),
                         "posted_again": float(again[sel].mean()) if sel.any() else np.nan,
                         "returned": float(back[sel].mean()) if sel.any() else np.nan})
    return pd.DataFrame(rows)


class _RemoveFirstReplies:
    """The content step, then a random share of newcomers' answered first posts made unanswered.

    A newcomer's first post (within 7 days of joining) that was answered loses, with chance
    `share`, both effects of the reply the model has: recognition today (motivation) and the
    raised readiness to speak up (its voice moves as for an unanswered poster). Drawn from a
    generator of its own, so the model's stream is untouched until the trajectories part.
    """

    def __init__(self, step, n: int, share: float, seed: int):
        self.step, self.share, self.rng = step, share, np.random.default_rng(seed)
        self.first_day = np.full(n, -1)
        self.answered = np.zeros(n, bool)
        self.removed = np.zeros(n, bool)

    def __call__(self, day):
        from sim.model.mechanics.content import speak_up

        st, d = day.state, day.number
        watched = np.flatnonzero(in_first_week(st, self.first_day, d))  # who can make a first post today
        voice_before = st.voice[watched]
        result = self.step(day)
        first = st.posts_today[watched] > 0
        new = watched[first]
        self.first_day[new] = d
        hit = st.recognition[new] > 0
        answered = new[hit]
        self.answered[answered] = True
        keep_voice = voice_before[first][hit]
        removed = self.rng.random(answered.size) < self.share
        drop = answered[removed]
        self.removed[drop] = True
        st.recognition[drop] = 0.0
        st.voice[drop] = keep_voice[removed]
        c = day.scenario.content
        if c.voice_gain:
            speak_up(st, drop, np.ones(drop.size, bool), np.zeros(drop.size, bool), c.voice_gain, c.voice_max)
        return result


def newcomer_reply_experiment(seeds=range(6), size: int = 5000, days: int = 400, window: int = 30,
                              share: float = 0.5, overrides=()) -> pd.DataFrame:
    """E10 as a randomised experiment: the causal effect of a reply on a newcomer coming back.

    Comparing answered with unanswered newcomers (`newcomer_replies`, as Joyce & Kraut could)
    mixes the reply's effect with who gets answered. Here the model itself is the lab: of the
    newcomers whose first post (in their first week) was answered, a random `share` have that
    reply taken away (`_RemoveFirstReplies`); the difference in posting again within `window`
    days between kept and removed replies is the reply's effect, free of selection.

    Kept and removed newcomers share groups, so the arms are not fully independent, and the
    run's own read-outs (e.g. `answered_share`) still count the removed replies.

    Returns one row per seed and arm ('kept', 'removed', and 'unanswered' for reference):
    newcomers and the share who posted again. `overrides`: scenario keys, e.g. to switch a
    channel of the reply's effect off.
    """
    rows = []
    for seed in seeds:
        m = CommunityModel(baseline([f"population.size={size}", *overrides], days=days), seed=seed)
        st = m.state
        arm = _RemoveFirstReplies(dict(m.daily_steps)["content"], st.n, share, seed=10_000 + int(seed))
        m.daily_steps = tuple((name, arm if name == "content" else step) for name, step in m.daily_steps)
        again = np.zeros(st.n, bool)
        for _ in range(days):
            m.step()
            d = m.day - 1
            f = arm.first_day
            again |= (f >= 0) & (d > f) & (d - f <= window) & (st.posts_today > 0)
        done = (arm.first_day >= 0) & (arm.first_day <= days - window - 1)
        for name, sel in (("kept", arm.answered & ~arm.removed), ("removed", arm.removed),
                          ("unanswered", ~arm.answered)):
            sel = sel & done
            rows.append({"seed": seed, "arm": name, "newcomers": int(sel.sum()),
                         "posted_again": float(again[sel].mean()) if sel.any() else np.nan})
    return pd.DataFrame(rows)
