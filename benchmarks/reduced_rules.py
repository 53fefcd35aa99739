"""The peer comparison: circlesim's own model against idiomatic Mesa on reduced rules, same graph.

* `run_circlesim`: the product. circlesim's `CommunityModel` with the shipped baseline's full
  rules (acquisition, activity, content, attention, groups, motivation, churn, rewards,
  read-outs) on the given graph.
* `MesaReducedModel`: reduced rules written the idiomatic Mesa 3 way, as Mesa's own
  virus_on_network example is: one `FixedAgent` per person on a
  `mesa.discrete_space.Network`, `self.agents.shuffle_do("step")` each day. Rules per day: an
  outsider with k member neighbours joins with probability 1 - (1 - q)^k and starts with
  interest 1; a member's interest decays by `decay`; a member whose interest falls below
  `threshold` leaves for good.
* `numpy_floor`: the same reduced rules as a bare numpy loop. It is a floor (what any
  implementation of even these few rules costs), not circlesim, and never the peer figure.

circlesim does far more per member-day than the reduced rules, so the ratio of member-days
per second (circlesim over Mesa) is a lower bound on how much faster circlesim is than the
same rules written agent by agent in Mesa.

Pitfalls kept in mind: Mesa does not seed networkx, so the graph is built here from a seeded
numpy Generator (circlesim's Holme-Kim generator) and handed to both; Mesa 3.5's `Network`
computes a spring layout unless told otherwise, which at 100,000 nodes would dominate the
build, so `layout=None` is passed where the installed Mesa takes it.
"""

from __future__ import annotations

import inspect
import os
import time

import mesa
import networkx as nx
import numpy as np
from mesa.discrete_space import FixedAgent, Network

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTSIDER, MEMBER, LEFT = 0, 1, 2


class Person(FixedAgent):
    """One person: outsider, member or gone, with an interest that decays."""

    def __init__(self, model, cell):
        super().__init__(model)
        self.cell = cell
        self.state = OUTSIDER
        self.interest = 0.0

    def step(self):
        m = self.model
        if self.state == OUTSIDER:
            k = sum(1 for a in self.cell.neighborhood.agents if a.state == MEMBER)
            if k and self.random.random() < 1 - (1 - m.q) ** k:
                self.state, self.interest = MEMBER, 1.0
        elif self.state == MEMBER:
            self.interest *= 1 - m.decay
            if self.interest < m.threshold:
                self.state = LEFT


def _network(graph: nx.Graph, random) -> Network:
    kw = {"capacity": 1, "random": random}
    if "layout" in inspect.signature(Network.__init__).parameters:  # Mesa >= 3.5: no spring layout
        kw["layout"] = None
    return Network(graph, **kw)


class MesaReducedModel(mesa.Model):
    """The reduced rules written the idiomatic Mesa way (Network + shuffle_do)."""

    def __init__(self, graph: nx.Graph, q=0.01, decay=0.01, threshold=0.2, seeds=10, seed=None):
        super().__init__(seed=seed)
        self.q, self.decay, self.threshold = q, decay, threshold
        self.grid = _network(graph, self.random)
        Person.create_agents(self, len(self.grid.all_cells), list(self.grid.all_cells))
        for a in self.random.sample(list(self.agents), seeds):
            a.state, a.interest = MEMBER, 1.0
        self.member_days = 0

    def step(self):
        self.agents.shuffle_do("step")
        self.member_days += sum(1 for a in self.agents if a.state == MEMBER)


def run_circlesim(graph, days: int, seed: int = 1) -> dict:
    """circlesim's full model (the shipped baseline's rules) on `graph` for `days` days.

    `graph` is a `sim.model.graphs.SocialGraph` (or a networkx graph). Returns build and run
    seconds and member-days (members summed over the days).
    """
    from sim.model import CommunityModel
    from sim.scenario import load_scenario

    t0 = time.perf_counter()
    sc = load_scenario(os.path.join(ROOT, "scenarios", "baseline.yaml"), days=days)
    model = CommunityModel(sc, seed=seed, graph=graph)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    member_days = int(model.timeseries()["members"].sum())
    return {"build_s": t1 - t0, "run_s": t2 - t1, "member_days": member_days}


def run_mesa(graph: nx.Graph, days: int, seed: int = 1, **rules) -> dict:
    """The idiomatic Mesa model on `graph` for `days` days: build and run seconds, member-days."""
    t0 = time.perf_counter()
    model = MesaReducedModel(graph, seed=seed, **rules)
    t1 = time.perf_counter()
    for _ in range(days):
        model.step()
    t2 = time.perf_counter()
    return {"build_s": t1 - t0, "run_s": t2 - t1, "member_days": model.member_days}


def numpy_floor(graph, days: int, q=0.01, decay=0.01, threshold=0.2, seeds=10, seed=None) -> int:
    """The reduced rules as a bare numpy loop (synchronous updates); returns member-days.

    A floor for the cost of even these rules, not circlesim: no model, no read-outs.
    """
    import scipy.sparse as sp

    from sim.model.population import count_from

    rng = np.random.default_rng(seed)
    if isinstance(graph, nx.Graph):
        n = graph.number_of_nodes()
        adj = nx.to_scipy_sparse_array(graph, format="csr", dtype=np.float64)
    else:
        n = graph.n
        upper = sp.coo_matrix((np.ones(graph.u.size), (graph.u, graph.v)), shape=(n, n))
        adj = (upper + upper.T).tocsr()
    followers = sp.csr_matrix(adj.T)
    state = np.zeros(n, np.int8)
    interest = np.zeros(n)
    start = rng.choice(n, seeds, replace=False)
    state[start], interest[start] = MEMBER, 1.0
    members = np.flatnonzero(state == MEMBER)
    k = count_from(followers, members, n)  # member neighbours, kept up to date incrementally
    member_days = 0
    for _ in range(days):
        exposed = np.flatnonzero((k > 0) & (state == OUTSIDER))
        joined = exposed[rng.random(exposed.size) < 1 - (1 - q) ** k[exposed]]
        interest[members] *= 1 - decay
        leaving = members[interest[members] < threshold]
        state[leaving] = LEFT
        state[joined], interest[joined] = MEMBER, 1.0
        k += count_from(followers, joined, n) - count_from(followers, leaving, n)
        members = np.flatnonzero(state == MEMBER)
        member_days += members.size
    return member_days


def peer(size: int, days: int, seed: int = 1) -> dict:
    """circlesim's full model and idiomatic Mesa's reduced rules on one Holme-Kim graph, in one run."""
    from sim.model.graphs import holme_kim

    social = holme_kim(size, 5, 0.3, np.random.default_rng(seed))  # the baseline's graph family
    graph = social.to_networkx()
    out = {"size": size, "days": days, "ties": social.number_of_edges()}
    out["circlesim"] = run_circlesim(social, days, seed=seed)
    out["mesa"] = run_mesa(graph, days, seed=seed)
    t = time.perf_counter()
    floor_days = numpy_floor(social, days, seed=seed)
    out["floor"] = {"run_s": time.perf_counter() - t, "member_days": floor_days}
    for key in ("circlesim", "mesa", "floor"):
        out[key]["rate"] = out[key]["member_days"] / max(out[key]["run_s"], 1e-12)
        out[key]["person_rate"] = size * days / max(out[key]["run_s"], 1e-12)  # every person, every day
    out["ratio"] = out["circlesim"]["rate"] / out["mesa"]["rate"]  # issue 13's measure (member-days)
    out["person_ratio"] = out["circlesim"]["person_rate"] / out["mesa"]["person_rate"]  # = the ratio of run times
    return out


if __name__ == "__main__":
    import argparse
    import json

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=100)
    args = ap.parse_args()
    print(json.dumps(peer(args.size, args.days), indent=1))
