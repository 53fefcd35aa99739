"""Stylized facts of EVIDENCE.md, each checked against a run with fixed seeds.

Tolerances come from the sampling error of the measured quantity (binomial standard errors,
spread across replications), not from one run's output.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from sim.mechanics.state import MEMBER, OUTSIDER
from sim.model import CommunityModel
from sim.scenario import scenario_from_dict
from tests.conftest import small


def _pooled(expo, joins, lo, hi):
    e, j = expo[lo:hi + 1].sum(), joins[lo:hi + 1].sum()
    p = j / e
    k = (np.arange(lo, hi + 1) * expo[lo:hi + 1]).sum() / e
    return k, p, math.sqrt(p * (1 - p) / e)


def test_e1_joining_rises_with_friends_with_diminishing_returns():
    """Backstrom et al. 2006: P(join | k friends inside) increases, concave for k >= 2."""
    expo, joins = np.zeros(40), np.zeros(40)
    for seed in (1, 2):
        m = CommunityModel(small(["horizon_days=300"]), seed=seed)
        a = m.population.maintained
        for _ in range(300):
            st = m.state
            k = (a @ (st.status == MEMBER).astype(float)).astype(int)
            out = st.status == OUTSIDER
            m.step()
            joined = out & (st.status == MEMBER)
            kk = np.minimum(k[out], 39)
            expo += np.bincount(kk, minlength=40)
            joins += np.bincount(kk, weights=joined[out], minlength=40)
    bins = [_pooled(expo, joins, lo, hi) for lo, hi in [(1, 1), (2, 3), (4, 6), (7, 12)]]
    for (k0, p0, s0), (k1, p1, s1) in zip(bins, bins[1:]):
        assert p1 > p0 - 2 * math.hypot(s0, s1), "P(k) must increase"
    (k2, p2, s2), (k4, p4, s4), (k7, p7, s7) = bins[1:]
    slope_early, slope_late = (p4 - p2) / (k4 - k2), (p7 - p4) / (k7 - k4)
    assert slope_late < slope_early, "diminishing returns for k >= 2"
    assert bins[0][1] > 5 * joins[0] / expo[0]  # a friend inside matters far more than none


def test_e2_participation_inequality_emerges():
    """van Mierlo 2014: top 1% make most posts, bottom 90% under 10%, in a mature month."""
    top, bottom = [], []
    for seed in range(8):
        m = CommunityModel(small(["horizon_days=400"]), seed=seed)
        m.run()
        s = m.summary()["post_shares_at_peak"]
        top.append(s["top1"])
        bottom.append(s["bottom90"])
    se = np.std(top, ddof=1) / math.sqrt(len(top))
    assert 0.6 + 2 * se < np.mean(top) < 0.9 - 2 * se, (np.mean(top), se)
    assert max(bottom) < 0.10


def _fixed_group(n, seed):
    sc = scenario_from_dict({"population": {"size": n}, "horizon_days": 90,
                             "community": {"seed_fraction": 1.0, "group_cap": 100000,
                                           "organizers": 1, "core_seeds": 1},
                             "acquisition": {"p_external": 0.0}})
    m = CommunityModel(sc, seed=seed)
    m.run()
    ts = m.timeseries()
    w = ts.iloc[30:90]
    return {"messages": w["messages"].mean(), "engagement": (w["dau"] / w["members"]).mean(),
            "left": ts["leaves"].sum() / n, "overload": w["overload_share"].mean()}


def test_e3_e4_engagement_falls_and_messages_saturate_past_dunbar():
    """E3: per-member engagement falls as groups grow past ~150. E4: messages per day
    saturate with group size and leaving rises with overload."""
    sizes = (150, 300, 600, 1200)
    res = {n: [_fixed_group(n, s) for s in range(3)] for n in sizes}
    mean = {n: {k: np.mean([r[k] for r in res[n]]) for k in res[n][0]} for n in sizes}
    spread = {n: {k: np.std([r[k] for r in res[n]], ddof=1) / math.sqrt(3) for k in res[n][0]} for n in sizes}
    for a, b in zip(sizes, sizes[1:]):
        gap = 2 * math.hypot(spread[a]["engagement"], spread[b]["engagement"])
        assert mean[b]["engagement"] < mean[a]["engagement"] - gap
        assert mean[b]["left"] >= mean[a]["left"]
    # 8x the members, well under 2x the messages; never above the conversation floor
    assert mean[1200]["messages"] < 2 * mean[150]["messages"]
    assert all(r["messages"] <= 1000 for rs in res.values() for r in rs)
    assert mean[1200]["overload"] > mean[150]["overload"]
    assert mean[1200]["left"] > mean[150]["left"] + 0.02


def test_e3_maintained_ties_never_exceed_the_limit():
    m = CommunityModel(small(["population.size=3000", "population.dunbar_limit=12",
                              "population.close_ties=4"]))
    per_person = np.diff(m.population.maintained.indptr)
    degree = np.array([d for _, d in m.population.graph.degree()])
    assert per_person.max() == 12 and (degree > 12).any()
    assert np.array_equal(per_person, np.minimum(degree, 12))
    assert np.diff(m.population.close.indptr).max() == 4


def bass_closed_form(t, p, q):
    e = np.exp(-(p + q) * t)
    return (1 - e) / (1 + (q / p) * e)


def test_e6_bass_closed_form_on_complete_graph():
    """Bass 1969: churn off, complete graph, everyone shares: cumulative joins follow F(t)."""
    n, p, q, days, reps = 400, 0.002, 0.04, 300, 6
    sc = scenario_from_dict({
        "population": {"size": n, "graph": {"type": "complete"}, "dunbar_limit": n,
                       "close_ties": 0, "topic_fit_fixed": 1.0},
        "community": {"organizers": 0, "core_seeds": 0, "seed_members": 0},
        "acquisition": {"p_external": p, "q_weak": q / n, "share_rate": 1.0,
                        "share_requires_activity": False},
        "churn": {"mode": "off"}, "horizon_days": days})
    curves = []
    for seed in range(reps):
        m = CommunityModel(sc, seed=seed)
        m.run()
        curves.append(np.cumsum(m.timeseries()["joins"].to_numpy()) / n)
    curves = np.array(curves)
    t = np.arange(1, days + 1)
    closed = bass_closed_form(t, p, q)
    # the model runs in whole days: the exact expectation of the daily process differs from
    # the continuous closed form by a deterministic discretisation term, computed here
    disc = np.zeros(days)
    f = 0.0
    for i in range(days):
        f += (1 - f) * (1 - (1 - p) * (1 - q / n) ** (n * f))
        disc[i] = f
    se = curves.std(axis=0, ddof=1) / math.sqrt(reps) + 1.0 / n
    gap = np.abs(curves.mean(axis=0) - closed)
    assert np.all(gap <= np.abs(disc - closed) + 4 * se), float((gap - np.abs(disc - closed) - 4 * se).max())
    peak_day = np.argmax(np.diff(curves.mean(axis=0), prepend=0))
    assert abs(peak_day - math.log(q / p) / (p + q)) < 15


def _time_to_95(graph, seed):
    n = graph.number_of_nodes()
    sc = scenario_from_dict({
        "population": {"dunbar_limit": 1000, "close_ties": 9, "topic_fit_fixed": 1.0},
        "community": {"organizers": 0, "core_seeds": 0, "seed_members": 5},
        "acquisition": {"p_external": 0.0, "q_weak": 0.02, "q_close": 0.02, "share_rate": 0.5,
                        "share_requires_activity": False},
        "churn": {"mode": "off"}, "horizon_days": 600})
    m = CommunityModel(sc, seed=seed, graph=graph)
    m.run()
    members = m.timeseries()["members"].to_numpy()
    hit = np.flatnonzero(members >= 0.95 * n)
    return int(hit[0]) if hit.size else 600


def test_e9_weak_ties_speed_adoption():
    """Goldenberg et al. 2001: adding weak ties between cliques speeds 95% adoption."""
    strong = nx.connected_caveman_graph(40, 10)
    nx.set_edge_attributes(strong, 1.0, "weight")
    weak = strong.copy()
    rng = np.random.default_rng(0)
    for _ in range(200):
        u, v = rng.integers(0, 400, 2)
        if u != v and not weak.has_edge(u, v):
            weak.add_edge(int(u), int(v), weight=0.01)
    slow = [_time_to_95(strong, s) for s in range(3)]
    fast = [_time_to_95(weak, s) for s in range(3)]
    assert max(fast) < min(slow)


def test_e8_baseline_goes_dormant_in_500_to_1000_days():
    """Seed 004: a brand community lives about two years; decline is the rule."""
    from sim.experiment import replication_seeds

    lifespans = []
    for seed in replication_seeds(1, 10):
        m = CommunityModel(small(), seed=seed)
        m.run()
        lifespans.append(m.summary()["lifespan"])
    inside = sum(1 for x in lifespans if x is not None and 500 <= x <= 1000)
    assert inside >= 8, lifespans
