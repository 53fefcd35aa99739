"""Reduced rules, two ways, for the peer comparison in bench_scale.py.

Rules (per day): an outsider with k member neighbours joins with probability 1 - (1 - q)^k
and starts with interest 1; a member's interest decays by `decay`; a member whose interest
falls below `threshold` leaves for good.

* `MesaReducedModel`: the idiomatic Mesa way, one agent per person on a
  `mesa.discrete_space.Network`, `agents.shuffle_do("step")` each day. Kept here as the
  reference implementation.
* `engine_reduced`: the same rules through circlesim's engine primitives (state arrays, the
  transposed tie matrix, gathers over the day's joiners). Synchronous updates, where Mesa's
  loop is sequential in random order; the rules are the same.
"""

from __future__ import annotations

import mesa
import networkx as nx
import numpy as np
import scipy.sparse as sp
from mesa.discrete_space import CellAgent, Network

OUTSIDER, MEMBER, LEFT = 0, 1, 2


class Person(CellAgent):
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


class MesaReducedModel(mesa.Model):
    """The reduced rules written the idiomatic Mesa way."""

    def __init__(self, graph: nx.Graph, q=0.05, decay=0.01, threshold=0.2, seeds=10, rng=None):
        super().__init__(rng=rng)
        self.q, self.decay, self.threshold = q, decay, threshold
        self.grid = Network(graph, capacity=1, random=self.random)
        for cell in self.grid.all_cells:
            Person(self, cell)
        people = list(self.agents)
        for a in self.random.sample(people, seeds):
            a.state, a.interest = MEMBER, 1.0
        self.member_days = 0

    def step(self):
        self.agents.shuffle_do("step")
        self.member_days += sum(1 for a in self.agents if a.state == MEMBER)


def engine_reduced(graph: nx.Graph, days: int, q=0.05, decay=0.01, threshold=0.2, seeds=10, rng=None) -> int:
    """The same rules on circlesim's arrays; returns member-days."""
    from sim.model.population import count_from

    rng = np.random.default_rng(rng)
    n = graph.number_of_nodes()
    adj = nx.to_scipy_sparse_array(graph, format="csr", dtype=np.float64)
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
