"""Who could ever be in the community: the social graph and each person's traits.

* Graph generators (clustered scale-free, Watts-Strogatz, stochastic-block "interest
  clusters", Erdos-Renyi, complete) and networkx's named real graphs (karate club, Les
  Miserables, Florentine families, Davis southern women), or a graph loaded from an edge-list
  CSV or GraphML file.
* Dunbar limits: each person *maintains* at most `dunbar_limit` ties (the strongest) and
  counts the strongest `close_ties` of those as close. Only maintained ties carry influence.
* Heterogeneity: attention budget (lognormal), posting propensity (lognormal, mean 1, heavy
  tailed), topic fit (Beta) and, when `visit_rate_sigma` > 0, a personal visit rate
  (lognormal, mean 1).

Generated graphs are built as arrays (`sim.model.graphs`), never as networkx graphs;
`Population.graph` is a networkx view built on first access. Every random draw comes from the
numpy Generator passed in (Mesa does not seed networkx; nothing here relies on it).

Example
-------
>>> import numpy as np
>>> from sim.scenario import scenario_from_dict
>>> sc = scenario_from_dict({"population": {"graph": {"type": "karate_club"}}, "community": {"seed_members": 20}})
>>> pop = build_population(sc.population, np.random.default_rng(0))
>>> pop.n, int(pop.maintained.nnz)
(34, 156)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from sim.model import graphs
from sim.model.graphs import GraphFileError, SocialGraph, check_social_graph, from_networkx, read_graph_file
from sim.scenario.params import P

__all__ = ["GraphFileError", "Population", "build_population", "make_graph", "make_social_graph",
           "load_graph_file", "dunbar_ties", "gather_rows", "row_runs", "count_from",
           "count_from_both", "reached_from", "reached_counts", "close_flags", "friends_inside", "seed_from",
           "by_group_then", "runs"]

GRAPH_TYPES = (
    "clustered_scale_free",
    "watts_strogatz",
    "interest_clusters",
    "erdos_renyi",
    "complete",
    "karate_club",
    "les_miserables",
    "florentine_families",
    "davis_southern_women",
    "file",
)

#: The `population` section of a scenario file: every key with its default, unit, range and meaning.
PARAMS: dict[str, Any] = {
    "size": P(5000, "int", "persons", "People on the social graph (generators only; "
              "named and file graphs bring their own size).", 2, 10_000_000, role="market"),
    "graph": {
        "type": P("clustered_scale_free", "str", "-", "Social graph generator or source.",
                  choices=GRAPH_TYPES, role="market"),
        "mean_degree": P(10.0, "float", "ties/person", "Mean number of friends (generators).", 1, 1000, role="market"),
        "clustering": P(0.3, "float", "probability", "Triad-closure probability of the clustered "
                        "scale-free generator (Holme-Kim).", 0, 1, role="market"),
        "rewire": P(0.1, "float", "probability", "Rewiring probability (Watts-Strogatz).", 0, 1, role="market"),
        "clusters": P(10, "int", "clusters", "Interest clusters (stochastic block model).", 1, 10000, role="market"),
        "within_share": P(0.8, "float", "share", "Share of ties inside one's interest cluster "
                          "(stochastic block model).", 0, 1, role="market"),
        "file": P(None, "str", "path", "Graph file, relative to the scenario file; used when type is "
                  "'file'. Format by extension: edge-list CSV (.csv: source,target[,weight]), GraphML "
                  "(.graphml, .xml), GML (.gml), GEXF (.gexf), Pajek (.net, .pajek) or a whitespace-"
                  "separated edge list (.edgelist, .edges, .txt: source target [weight]).",
                  nullable=True, role="market"),
    },
    "attention_median": P(250.0, "float", "messages/day", "Median daily attention budget: "
                          "messages a member can read (lognormal).", 1, 100000),
    "attention_sigma": P(0.5, "float", "log-units", "Spread of attention budgets (lognormal sigma).", 0, 5),
    "post_propensity_sigma": P(1.5, "float", "log-units", "Heterogeneity of posting propensity "
                               "(lognormal sigma, mean 1). Heavy tails make 90-9-1 emerge.", 0, 5),
    "visit_rate_sigma": P(1.0, "float", "log-units", "Spread of personal visit rates (lognormal "
                          "sigma, mean 1): how often a person comes back, whatever brings them, "
                          "varies over orders of magnitude between users (Zhou et al. 2008; "
                          "Goncalves & Ramasco 2008). 0: everyone alike (model version 2). "
                          "docs/evidence.md measures 0 to 1.0.", 0, 5),
    "visit_rate_settle_days": P(30.0, "float", "days", "Days over which a newcomer's personal visit "
                                "rate takes over from the joining impulse: the rate applied is "
                                "rate^(1 - exp(-tenure / settle)), so joiners start alike and settle "
                                "into their own rhythm as the habit forms (Lally et al. 2010: weeks to "
                                "months). 0: the personal rate applies from the day of joining.", 0, 100000),
    "visit_rate_correlation": P(0.5, "float", "-", "Correlation of the personal visit rate with the "
                                "posting propensity (of their log-normal deviates): those who post "
                                "most are those who come most (Panciera et al. 2009: Wikipedia's power "
                                "editors are the most active from their first days). 0: independent.", 0, 1),
    "topic_fit_a": P(2.0, "float", "-", "Beta(a, b) distribution of topic fit: how well the "
                     "community's topic suits a person.", 0.01, 1000),
    "topic_fit_b": P(3.0, "float", "-", "Second Beta parameter of topic fit.", 0.01, 1000),
    "topic_fit_fixed": P(None, "float", "-", "If set, every person has this topic fit "
                         "(used for Bass-model checks).", 0, 1, nullable=True),
    "dunbar_limit": P(150, "int", "ties", "Maintained relationships per person (Dunbar's ~150); "
                      "further graph ties carry no influence.", 1, 100000),
    "close_ties": P(20, "int", "ties", "Strongest maintained ties per person that count as "
                    "close (Dunbar's ~15-20 layer).", 0, 100000),
}


@dataclass
class Population:
    """The social graph as arrays, plus per-person traits. Index i is person i.

    `social` holds the ties as endpoint arrays and `maintained`/`close` the Dunbar-limited
    tie matrices; `graph` is a networkx view built on first access (nodes 0..n-1, the
    original label in node attribute "label" for named and file graphs), so a 10-million
    person population never builds one unless asked.

    Memory (`benchmarks/bench_memory.py`, baseline at 200,000 persons, mean degree 10): per
    person 24 bytes of traits (float64; 32 with `visit_rate_sigma` > 0) and 16 of tie-matrix
    row pointers (int32), plus 119 of state arrays (`sim.model.state.State`); per undirected tie 8 bytes of endpoints
    (`social`, int32) and 36 in the four tie matrices (`maintained`, `close` and their
    transposes: 7.2 entries per tie of 5 bytes, int32 column and int8 value), plus `close_flag`
    (one bool per entry of `followers`, about 2 bytes per tie). Before issue 13
    the matrices held float64 ones (87 bytes per tie) and a networkx graph was always kept
    (about 184 bytes per tie); the lazy view costs about 240 bytes per tie once built.
    """

    social: SocialGraph        # ties as int32 endpoint arrays (+ weights, labels, node data)
    maintained: sp.csr_matrix  # row i: the ties person i maintains (<= dunbar_limit), data 1 (int8)
    close: sp.csr_matrix       # row i: the close ties among them (<= close_ties)
    attention: np.ndarray      # messages/day a person can read
    propensity: np.ndarray     # relative posting propensity, mean 1
    topic_fit: np.ndarray      # 0..1, how well the topic suits the person
    nx_graph: nx.Graph | None = None  # the networkx graph it came from, if any (else built lazily)
    visit_rate: np.ndarray | None = None  # personal visit-rate multiplier, mean 1 (None: all alike)

    def __post_init__(self):
        # followers: row j lists the persons who maintain a tie to j (influence flows j -> i)
        self.followers = self.maintained.T.tocsr()
        self.close_followers = self.close.T.tocsr()
        for m in (self.followers, self.close_followers):
            m.sort_indices()
        self.close_flag = close_flags(self.followers, self.close_followers)
        self.max_fit = float(self.topic_fit.max()) if self.topic_fit.size else 0.0
        self.mean_fit = float(self.topic_fit.mean()) if self.topic_fit.size else 0.0

    @property
    def graph(self) -> nx.Graph:
        """The social graph as a networkx Graph, built from `social` on first access (then kept)."""
        if self.nx_graph is None:
            self.nx_graph = self.social.to_networkx()
        return self.nx_graph

    def subgraph(self, persons) -> nx.Graph:
        """The ties among `persons` as a networkx Graph, without building the whole graph's view."""
        if self.nx_graph is not None:
            return self.nx_graph.subgraph(int(i) for i in persons)
        return self.social.subgraph(persons)

    @property
    def n(self) -> int:
        """People on the social graph."""
        return self.attention.shape[0]

    def friends(self, i: int) -> np.ndarray:
        """Persons that person i maintains ties with."""
        m = self.maintained
        return m.indices[m.indptr[i]:m.indptr[i + 1]]


def gather_rows(csr, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column indices of the given rows of a CSR matrix, concatenated, with the owning row's position.

    The second array says which entry of `rows` each column came from. Vectorised: no
    Python loop over rows.

    >>> m = sp.csr_matrix(np.array([[0, 1, 1], [0, 0, 0], [1, 0, 0]]))
    >>> cols, owner = gather_rows(m, np.array([2, 0]))
    >>> cols.tolist(), owner.tolist()
    ([0, 1, 2], [0, 1, 1])
    """
    cols, lengths = row_runs(csr, rows)
    return cols, np.arange(lengths.size).repeat(lengths)


def row_runs(csr, rows: np.ndarray, positions: bool = False):
    """Column indices of the given rows of a CSR matrix, concatenated, and each row's length.

    Like `gather_rows`, for callers that spread per-row values over the columns with
    ``values.repeat(lengths)`` (cheaper than indexing by the owner). With `positions`, also
    where each column sits in ``csr.indices`` (to read a per-entry array such as `close_flags`).

    >>> m = sp.csr_matrix(np.array([[0, 1, 1], [0, 0, 0], [1, 0, 0]]))
    >>> cols, lengths = row_runs(m, np.array([2, 0]))
    >>> cols.tolist(), lengths.tolist()
    ([0, 1, 2], [1, 2])
    >>> row_runs(m, np.array([2, 0]), positions=True)[2].tolist()
    [2, 0, 1]
    """
    rows = np.asarray(rows, dtype=np.int64)
    indptr = csr.indptr
    starts = indptr.take(rows)
    lengths = indptr[1:].take(rows) - starts  # a view's gather: no `rows + 1` array
    ends = lengths.cumsum()  # where each row's run ends in the output
    total = int(ends[-1]) if ends.size else 0
    if total == 0:
        empty = np.zeros(0, np.int64)
        return (empty, lengths, empty) if positions else (empty, lengths)
    at = np.arange(total)  # output position, shifted below to where each run starts in csr.indices
    at += (starts - ends + lengths).repeat(lengths)
    cols = csr.indices.take(at).astype(np.int64)
    return (cols, lengths, at) if positions else (cols, lengths)


def by_group_then(key: np.ndarray, group: np.ndarray) -> np.ndarray:
    """`np.lexsort((key, group))`: the order by group, then by `key`, ties kept in place (pure).

    A sort of the keys, then a stable sort by group: a radix sort when the ids fit 16 bits,
    else one sort of unique integer keys (group x size + key rank). Float keys are first sorted
    by numpy's default (SIMD quicksort), not stably: when no two entries share both group and
    key (continuous random keys, as in the speaker sort and the Dunbar tie ranking) there is
    only one such order, so it is `lexsort`'s; equal pairs, or NaN, are found in the result and
    sorted again stably. The same order as `lexsort`, 2-4x as fast.

    >>> by_group_then(np.array([0.5, 0.1, 0.9, 0.1]), np.array([1, 1, 0, 1])).tolist()
    [2, 1, 3, 0]
    """
    key, group = np.asarray(key), np.asarray(group)
    size = group.size
    if size == 0 or int(group.min()) < 0 or (int(group.max()) + 1) * size >= 2**62:
        return np.lexsort((key, group))
    if key.dtype.kind == "f" and size > 1:
        order = _then_by_group(np.argsort(key), group)
        k, g = key.take(order), group.take(order)
        if not ((k[1:] == k[:-1]) & (g[1:] == g[:-1])).any() and not (k != k).any():
            return order  # no tie within a group and no NaN: the only order there is
    return _then_by_group(np.argsort(key, kind="stable"), group)


_UINT16_MAX = int(np.iinfo(np.uint16).max)  # once: np.iinfo costs more than the sort of a day's speakers


def _then_by_group(first: np.ndarray, group: np.ndarray) -> np.ndarray:
    """The permutation `first` (an order of the keys) re-sorted stably by `group` (ids >= 0)."""
    in_first = group.take(first)
    if int(group.max()) <= _UINT16_MAX:
        return first.take(np.argsort(in_first.astype(np.uint16), kind="stable"))  # a radix sort
    return first.take(graphs.stable_int_order(in_first))


def close_flags(followers, close_followers) -> np.ndarray | None:
    """For each entry of `followers`, whether the tie is also close (in `close_followers`), or None.

    Close ties are the strongest maintained ones, so `close_followers` is `followers` with
    some entries left out; one pass over a sender's followers then serves both counts
    (`count_from_both`, `attention.friend_messages_both`). None when that does not hold.

    >>> f = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=np.int8))
    >>> c = sp.csr_matrix(np.array([[0, 0, 1], [0, 0, 0], [1, 0, 0]], dtype=np.int8))
    >>> close_flags(f, c).tolist(), close_flags(c, f) is None
    ([False, True, False, True], True)
    """
    if not ((followers.data == 1).all() and (close_followers.data == 1).all()):
        return None  # the tie matrices hold ones; anything else is not what this flags
    both = (followers + close_followers).tocsr()
    both.sort_indices()
    if (both.nnz != followers.nnz or not np.array_equal(both.indptr, followers.indptr)
            or not np.array_equal(both.indices, followers.indices)):
        return None
    flags = both.data == 2
    if int(flags.sum()) != close_followers.nnz:  # e.g. a hand-built matrix listing an entry twice
        return None
    return flags


def count_from(csr, sources: np.ndarray, n: int) -> np.ndarray:
    """For every person, how many of `sources` appear in its row of `csr` (via the transpose)."""
    cols, _ = row_runs(csr, sources)
    return np.bincount(cols, minlength=n)


def count_from_both(pop, sources: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """`count_from` through `pop.followers` and through `pop.close_followers`, in one pass when it can.

    The same counts either way (whole numbers): with `pop.close_flag`, the close count
    keeps the followers' entries flagged close.
    """
    if pop.close_flag is None:
        return count_from(pop.followers, sources, n), count_from(pop.close_followers, sources, n)
    cols, _, at = row_runs(pop.followers, sources, positions=True)
    return np.bincount(cols, minlength=n), np.bincount(cols.compress(pop.close_flag.take(at)), minlength=n)


def runs(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal values starts in `sorted_values`, and how long it is (pure).

    >>> [a.tolist() for a in runs(np.array([0, 0, 2, 5, 5, 5]))]
    [[0, 2, 3], [2, 1, 3]]
    """
    size = sorted_values.size
    if size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    new = np.empty(size, bool)
    new[0] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=new[1:])
    starts = new.nonzero()[0]
    lengths = np.empty_like(starts)  # the next start (the size for the last run) minus this one
    np.subtract(starts[1:], starts[:-1], out=lengths[:-1])
    lengths[-1] = size - starts[-1]
    return starts, lengths


def reached_counts(csr, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`count_from` for the persons it counts above zero: (persons ascending, how many of `sources` each has).

    One sort of the sources' entries in `csr` (a transposed tie matrix), so the work follows
    their ties, not the population. The same as ``k = count_from(...); p = (k != 0).nonzero()[0]``
    with ``k[p]``.

    >>> m = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=np.int8))
    >>> [a.tolist() for a in reached_counts(m, np.array([0, 2]))]
    [[0, 1, 2], [1, 1, 1]]
    """
    ids = np.sort(row_runs(csr, sources)[0])
    starts, lengths = runs(ids)
    return ids.take(starts), lengths


def reached_from(pop, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Persons with at least one of `sources` in their maintained ties: (persons ascending, how many, how many close).

    `count_from_both` for those it counts above zero, without arrays over everyone: one sort
    of the sources' followers (each entry's id doubled plus its close flag), so the work
    follows the sources' ties. The same persons and counts as
    ``all_k, close_k = count_from_both(...); p = (all_k != 0).nonzero()[0]``.

    >>> f = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=np.int8))
    >>> c = sp.csr_matrix(np.array([[0, 0, 1], [0, 0, 0], [1, 0, 0]], dtype=np.int8))
    >>> from types import SimpleNamespace as NS
    >>> pop = NS(followers=f, close_followers=c, close_flag=close_flags(f, c))
    >>> [a.tolist() for a in reached_from(pop, np.array([0, 2]))]
    [[0, 1, 2], [1, 1, 1], [1, 0, 1]]
    """
    if pop.close_flag is None:  # no flags to carry: count over everyone
        all_k, close_k = count_from_both(pop, sources, pop.followers.shape[0])
        persons = (all_k != 0).nonzero()[0]
        return persons, all_k.take(persons), close_k.take(persons)
    cols, _, at = row_runs(pop.followers, sources, positions=True)
    entries = np.sort(cols * 2 + pop.close_flag.take(at))
    ids = entries >> 1
    starts, lengths = runs(ids)
    if starts.size == 0:
        return ids, lengths, lengths
    return ids.take(starts), lengths, np.add.reduceat(entries & 1, starts)


def friends_inside(maintained, persons: np.ndarray, member_mask: np.ndarray) -> np.ndarray:
    """Maintained friends of each of `persons` for whom `member_mask` holds (e.g. members).

    >>> m = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]]))
    >>> friends_inside(m, np.array([0, 1]), np.array([False, True, True])).tolist()
    [2.0, 0.0]
    """
    cols, owner = gather_rows(maintained, persons)
    return np.bincount(owner, weights=member_mask.take(cols), minlength=persons.size)


def seed_from(rng: np.random.Generator) -> int:
    """A 31-bit seed for libraries that take ints (networkx), drawn from `rng`."""
    return int(rng.integers(0, 2**31 - 1))


# ----------------------------------------------------------------------------------------
# Graphs
# ----------------------------------------------------------------------------------------
NAMED_GRAPHS = {
    "karate_club": nx.karate_club_graph,
    "les_miserables": nx.les_miserables_graph,
    "florentine_families": nx.florentine_families_graph,
    "davis_southern_women": nx.davis_southern_women_graph,
}

#: Persons on each named graph (validation checks that the founders fit before any run).
NAMED_GRAPH_SIZES = {name: make().number_of_nodes() for name, make in NAMED_GRAPHS.items()}


def make_social_graph(gspec, size: int, rng: np.random.Generator) -> SocialGraph:
    """Build the social graph described by `population.graph`, as arrays (no networkx graph).

    One int seed is drawn from `rng` whatever the graph (so the model's own stream moves on by
    one number): the clustered scale-free generator takes it as networkx took it (the same
    graph as networkx's up to 5,000 persons), the others draw from a Generator seeded by it.

    >>> from sim.scenario import default_scenario
    >>> g = make_social_graph(default_scenario().population.graph, 500, np.random.default_rng(1))
    >>> g.number_of_nodes(), g.u.dtype.name
    (500, 'int32')
    """
    kind = gspec.type
    seed = seed_from(rng)
    k = gspec.mean_degree
    gen = np.random.default_rng(seed)
    if kind == "clustered_scale_free":
        m = max(1, int(round(k / 2)))
        # networkx's generator with networkx's seed up to 5,000 persons (same graph as before)
        return graphs.holme_kim(size, min(m, size - 1), gspec.clustering, seed)
    if kind == "watts_strogatz":
        kk = max(2, int(round(k / 2)) * 2)
        return graphs.watts_strogatz(size, min(kk, size - 1), gspec.rewire, gen)
    if kind == "interest_clusters":
        c = max(1, min(gspec.clusters, size))
        sizes = [size // c + (1 if i < size % c else 0) for i in range(c)]
        inside = sizes[0] - 1
        outside = max(size - sizes[0], 1)
        p_in = min(1.0, gspec.within_share * k / max(inside, 1))
        p_out = min(1.0, (1 - gspec.within_share) * k / outside) if c > 1 else 0.0
        return graphs.stochastic_block(sizes, p_in, p_out, gen)
    if kind == "erdos_renyi":
        return graphs.erdos_renyi(size, min(1.0, k / max(size - 1, 1)), gen)
    if kind == "complete":
        return graphs.complete(size)
    if kind in NAMED_GRAPHS:
        return named_graph(kind)[0]
    if kind == "file":
        return read_graph_file(gspec.file)
    raise ValueError(f"unknown graph type {kind!r}")


def named_graph(kind: str) -> tuple[SocialGraph, nx.Graph]:
    """One of networkx's named real graphs, as arrays and as the relabelled networkx graph.

    >>> sg, g = named_graph("karate_club")
    >>> sg.number_of_edges(), g.nodes[0]["label"], g.nodes[0]["club"]
    (78, 0, 'Mr. Hi')
    """
    return from_networkx(NAMED_GRAPHS[kind]())


def make_graph(gspec, size: int, rng: np.random.Generator) -> nx.Graph:
    """The social graph described by `population.graph`, as a networkx Graph (small graphs, notebooks).

    >>> from sim.scenario import default_scenario
    >>> g = make_graph(default_scenario().population.graph, 500, np.random.default_rng(1))
    >>> g.number_of_nodes()
    500
    """
    return make_social_graph(gspec, size, rng).to_networkx()


def load_graph_file(path: str | Path) -> nx.Graph:
    """Load an undirected social graph from a graph file (CSV, GraphML, GML, GEXF, Pajek, edge list) as networkx.

    Same format and errors as `sim.model.graphs.read_graph_file` (which the model uses, and
    which never builds a networkx graph); nodes keep their labels from the file.
    """
    sg = read_graph_file(path)
    g = nx.Graph()
    g.add_nodes_from(sg.labels.tolist())
    lab = sg.labels
    if sg.weight is None:
        g.add_edges_from(zip(lab[sg.u].tolist(), lab[sg.v].tolist()))
    else:
        g.add_weighted_edges_from(zip(lab[sg.u].tolist(), lab[sg.v].tolist(), sg.weight.tolist()))
    return g


# ----------------------------------------------------------------------------------------
# Dunbar-limited ties
# ----------------------------------------------------------------------------------------
def _strength_matrix(g: SocialGraph, rng: np.random.Generator, weighted: bool | None = None) -> sp.csr_matrix:
    """Symmetric tie strengths: the tie weights where the graph has them, else uniform(0,1)."""
    n, m = g.n, g.number_of_edges()
    if weighted is None:
        weighted = g.weight is not None
    if weighted and g.weight is not None:
        w = g.weight + rng.random(m) * 1e-9  # break ties reproducibly
    elif weighted:
        w = np.ones(m) + rng.random(m) * 1e-9
    else:
        w = rng.random(m)
    upper = sp.coo_matrix((w, (g.u, g.v)), shape=(n, n))
    return (upper + upper.T).tocsr()


def _top_per_row(s: sp.csr_matrix, *ks: int) -> list[sp.csr_matrix]:
    """For each k of `ks`: the k largest entries of every row (data set to 1, int8), ties by column order.

    One ranking serves every k: only rows with more than the smallest k entries are ranked
    (so the cost follows the hubs), and an entry's rank within its row does not depend on
    which other rows are ranked.
    """
    s = s.tocsr()
    s.sort_indices()
    deg = np.diff(s.indptr)
    big = np.flatnonzero(deg > min(ks))
    if big.size:
        _, lengths, idx = row_runs(s, big, positions=True)  # idx: the big rows' entries in s
        owner = np.repeat(np.arange(big.size), lengths)
        order = by_group_then(-s.data.take(idx), owner)  # by row, strongest first
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size) - (lengths.cumsum() - lengths).take(owner.take(order))
    out = []
    for k in ks:
        keep = np.ones(s.nnz, bool)
        if big.size:
            keep[idx.compress(rank >= k)] = False
        indptr = np.r_[0, np.cumsum(np.minimum(deg, k))].astype(s.indices.dtype)
        m = sp.csr_matrix((np.ones(int(indptr[-1]), np.int8), s.indices.compress(keep), indptr), shape=s.shape)
        m.has_sorted_indices = True
        out.append(m)
    return out


def dunbar_ties(g, dunbar_limit: int, close_ties: int,
                rng: np.random.Generator, weighted: bool | None = None) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """(maintained, close) tie matrices: each row keeps its strongest ties up to the limits.

    `g` is a `SocialGraph` or a networkx graph on 0..n-1. The matrices hold 1 (int8) per tie.

    >>> m, c = dunbar_ties(nx.star_graph(300), 150, 20, np.random.default_rng(0))
    >>> int(m[0].nnz), int(c[0].nnz), int(m[1].nnz)
    (150, 20, 1)
    """
    if not isinstance(g, SocialGraph):
        g, _ = from_networkx(g, relabel=not _labels_are_range(g) or type(g) is not nx.Graph)
    s = _strength_matrix(g, rng, weighted)
    return tuple(_top_per_row(s, dunbar_limit, min(close_ties, dunbar_limit)))


# ----------------------------------------------------------------------------------------
# The whole population
# ----------------------------------------------------------------------------------------
#: The `population.graph` settings each generated type reads (`make_social_graph`): what makes two markets differ.
GRAPH_SETTINGS = {"clustered_scale_free": ("mean_degree", "clustering"), "watts_strogatz": ("mean_degree", "rewire"),
                  "interest_clusters": ("mean_degree", "clusters", "within_share"), "erdos_renyi": ("mean_degree",),
                  "complete": ()}
GENERATED = tuple(GRAPH_SETTINGS)  # graphs made from `population.size` (the others bring their own persons)


def _labels_are_range(g: nx.Graph) -> bool:
    n = g.number_of_nodes()
    return all(isinstance(v, int) and 0 <= v < n for v in g) and n == len(set(g))


def build_population(pspec, rng: np.random.Generator, graph: nx.Graph | SocialGraph | None = None) -> Population:
    """Graph plus traits for the `population` section of a scenario.

    Pass `graph` to use your own graph instead of the spec's: a networkx graph (any node
    labels; relabelled 0..n-1 with the original label in node attribute "label", and kept as
    `Population.graph`) or a `SocialGraph` (used as it is; large graphs without networkx).

    >>> from sim.model.graphs import holme_kim
    >>> from sim.scenario import scenario_from_dict
    >>> sc = scenario_from_dict({})
    >>> g = holme_kim(300, 2, 0.3, np.random.default_rng(1))
    >>> pop = build_population(sc.population, np.random.default_rng(0), graph=g)
    >>> pop.n, pop.nx_graph is None
    (300, True)
    """
    nx_graph = None
    if isinstance(graph, SocialGraph):
        check_social_graph(graph)  # arrays are used as they are: not trusted blindly
        g = graph
    elif graph is not None:
        g, nx_graph = from_networkx(graph)
    elif pspec.graph.type in NAMED_GRAPHS:  # small: keep networkx's graph with its attributes
        seed_from(rng)  # as make_social_graph does
        g, nx_graph = named_graph(pspec.graph.type)
    else:
        g = make_social_graph(pspec.graph, pspec.size, rng)
    generated = graph is None and pspec.graph.type in GENERATED
    n = g.number_of_nodes()
    if n < 2:
        raise ValueError("the population needs at least 2 persons")
    maintained, close = dunbar_ties(g, pspec.dunbar_limit, pspec.close_ties, rng,
                                    weighted=False if generated else None)
    attention = rng.lognormal(np.log(pspec.attention_median), pspec.attention_sigma, n)
    sigma = pspec.post_propensity_sigma
    propensity = rng.lognormal(-sigma**2 / 2, sigma, n)
    if pspec.topic_fit_fixed is not None:
        fit = np.full(n, float(pspec.topic_fit_fixed))
    else:
        fit = rng.beta(pspec.topic_fit_a, pspec.topic_fit_b, n)
    visit_rate = None
    if pspec.visit_rate_sigma > 0:  # drawn only when asked: without it the stream is unchanged
        sv = pspec.visit_rate_sigma
        rho = pspec.visit_rate_correlation
        if rho > 0 and sigma > 0:  # heavy posters are heavy visitors: a shared engagement deviate
            zp = (np.log(propensity) + sigma**2 / 2) / sigma
            z = rho * zp + np.sqrt(1 - rho**2) * rng.standard_normal(n)
            visit_rate = np.exp(-sv**2 / 2 + sv * z)
        else:
            visit_rate = rng.lognormal(-sv**2 / 2, sv, n)
    return Population(g, maintained, close, attention, propensity, fit, nx_graph, visit_rate)
