"""Who could ever be in the community: the social graph and each person's traits.

* Graph generators (clustered scale-free, Watts-Strogatz, stochastic-block "interest
  clusters", Erdos-Renyi, complete) and networkx's named real graphs (karate club, Les
  Miserables, Florentine families, Davis southern women), or a graph loaded from an edge-list
  CSV or GraphML file.
* Dunbar limits: each person *maintains* at most `dunbar_limit` ties (the strongest) and
  counts the strongest `close_ties` of those as close. Only maintained ties carry influence.
* Heterogeneity: attention budget (lognormal), posting propensity (lognormal, mean 1, heavy
  tailed) and topic fit (Beta).

Every random draw comes from the numpy Generator passed in; networkx generators get seeds
derived from it (Mesa does not seed networkx).

Example
-------
>>> import numpy as np
>>> from sim.scenario import scenario_from_dict
>>> sc = scenario_from_dict({"population": {"graph": {"type": "karate_club"}}})
>>> pop = build_population(sc.population, np.random.default_rng(0))
>>> pop.n, int(pop.maintained.nnz)
(34, 156)
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from sim.scenario.params import P

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
              "named and file graphs bring their own size).", 2, 10_000_000),
    "graph": {
        "type": P("clustered_scale_free", "str", "-", "Social graph generator or source.",
                  choices=GRAPH_TYPES),
        "mean_degree": P(10.0, "float", "ties/person", "Mean number of friends (generators).", 1, 1000),
        "clustering": P(0.3, "float", "probability", "Triad-closure probability of the clustered "
                        "scale-free generator (Holme-Kim).", 0, 1),
        "rewire": P(0.1, "float", "probability", "Rewiring probability (Watts-Strogatz).", 0, 1),
        "clusters": P(10, "int", "clusters", "Interest clusters (stochastic block model).", 1, 10000),
        "within_share": P(0.8, "float", "share", "Share of ties inside one's interest cluster "
                          "(stochastic block model).", 0, 1),
        "file": P(None, "str", "path", "Edge-list CSV (source,target[,weight]) or GraphML file, "
                  "relative to the scenario file; used when type is 'file'.", nullable=True),
    },
    "attention_median": P(250.0, "float", "messages/day", "Median daily attention budget: "
                          "messages a member can read (lognormal).", 1, 100000),
    "attention_sigma": P(0.5, "float", "log-units", "Spread of attention budgets (lognormal sigma).", 0, 5),
    "post_propensity_sigma": P(1.5, "float", "log-units", "Heterogeneity of posting propensity "
                               "(lognormal sigma, mean 1). Heavy tails make 90-9-1 emerge.", 0, 5),
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


class GraphFileError(ValueError):
    """A graph file that cannot be read; the message names file and line."""


@dataclass
class Population:
    """The social graph as arrays, plus per-person traits. Index i is person i."""

    graph: nx.Graph            # nodes relabelled 0..n-1; original label in node attribute "label"
    maintained: sp.csr_matrix  # row i: the ties person i maintains (<= dunbar_limit), data 1.0
    close: sp.csr_matrix       # row i: the close ties among them (<= close_ties)
    attention: np.ndarray      # messages/day a person can read
    propensity: np.ndarray     # relative posting propensity, mean 1
    topic_fit: np.ndarray      # 0..1, how well the topic suits the person

    def __post_init__(self):
        # followers: row j lists the persons who maintain a tie to j (influence flows j -> i)
        self.followers = self.maintained.T.tocsr()
        self.close_followers = self.close.T.tocsr()
        for m in (self.followers, self.close_followers):
            m.sort_indices()
        self.max_fit = float(self.topic_fit.max()) if self.topic_fit.size else 0.0
        self.mean_fit = float(self.topic_fit.mean()) if self.topic_fit.size else 0.0

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
    rows = np.asarray(rows, dtype=np.int64)
    starts = csr.indptr[rows]
    lengths = csr.indptr[rows + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    owner = np.repeat(np.arange(rows.size), lengths)
    shift = starts - (np.cumsum(lengths) - lengths)  # where each row's run starts in csr.indices
    return csr.indices[np.arange(total) + shift[owner]].astype(np.int64), owner


def count_from(csr, sources: np.ndarray, n: int) -> np.ndarray:
    """For every person, how many of `sources` appear in its row of `csr` (via the transpose)."""
    cols, _ = gather_rows(csr, sources)
    return np.bincount(cols, minlength=n)


def friends_inside(maintained, persons: np.ndarray, member_mask: np.ndarray) -> np.ndarray:
    """Maintained friends of each of `persons` for whom `member_mask` holds (e.g. members).

    >>> m = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]]))
    >>> friends_inside(m, np.array([0, 1]), np.array([False, True, True])).tolist()
    [2.0, 0.0]
    """
    cols, owner = gather_rows(maintained, persons)
    return np.bincount(owner, weights=member_mask[cols], minlength=persons.size)


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


def make_graph(gspec, size: int, rng: np.random.Generator) -> nx.Graph:
    """Build the social graph described by `population.graph`.

    >>> from sim.scenario import default_scenario
    >>> g = make_graph(default_scenario().population.graph, 500, np.random.default_rng(1))
    >>> g.number_of_nodes()
    500
    """
    kind = gspec.type
    seed = seed_from(rng)
    k = gspec.mean_degree
    if kind == "clustered_scale_free":
        m = max(1, int(round(k / 2)))
        return nx.powerlaw_cluster_graph(size, min(m, size - 1), gspec.clustering, seed=seed)
    if kind == "watts_strogatz":
        kk = max(2, int(round(k / 2)) * 2)
        return nx.watts_strogatz_graph(size, min(kk, size - 1), gspec.rewire, seed=seed)
    if kind == "interest_clusters":
        c = max(1, min(gspec.clusters, size))
        sizes = [size // c + (1 if i < size % c else 0) for i in range(c)]
        inside = sizes[0] - 1
        outside = max(size - sizes[0], 1)
        p_in = min(1.0, gspec.within_share * k / max(inside, 1))
        p_out = min(1.0, (1 - gspec.within_share) * k / outside) if c > 1 else 0.0
        probs = [[p_in if i == j else p_out for j in range(c)] for i in range(c)]
        g = nx.stochastic_block_model(sizes, probs, seed=seed, sparse=True)
        return nx.Graph(g)
    if kind == "erdos_renyi":
        return nx.fast_gnp_random_graph(size, min(1.0, k / max(size - 1, 1)), seed=seed)
    if kind == "complete":
        return nx.complete_graph(size)
    if kind in NAMED_GRAPHS:
        return nx.Graph(NAMED_GRAPHS[kind]())
    if kind == "file":
        return load_graph_file(gspec.file)
    raise ValueError(f"unknown graph type {kind!r}")


#: Longest line read from an edge-list CSV (a line of a megabyte is not an edge).
MAX_CSV_LINE = 64 * 1024


def load_graph_file(path: str | Path) -> nx.Graph:
    """Load an undirected social graph from an edge-list CSV or a GraphML file.

    CSV: one edge per line, `source,target[,weight]`; an optional header line naming
    `source,target`; lines starting with '#' are comments. GraphML by extension
    `.graphml`/`.xml`. Weights must be finite positive numbers. Only a regular file of at
    most `files.MAX_GRAPH_BYTES` is read. Every problem raises `GraphFileError` naming the
    file (and the line, for CSV); no other exception escapes.
    """
    from sim.scenario import files

    path = Path(path)
    try:
        fh = files.open_regular(path, files.MAX_GRAPH_BYTES)
    except files.UnsafeFileError as exc:
        raise GraphFileError(f"{path}: graph file {exc}") from None
    with fh:
        if path.suffix.lower() in (".graphml", ".xml"):
            g = _read_graphml(path, fh)
        else:
            g = _read_csv(path, fh)
    g.remove_edges_from(list(nx.selfloop_edges(g)))
    if g.number_of_nodes() < 2:
        raise GraphFileError(f"{path}: the graph has fewer than 2 persons")
    return g


def _weight(text, where: str) -> float:
    """A tie weight: a finite positive number (`where` names file and line or edge in the error)."""
    try:
        w = float(text)
    except (TypeError, ValueError, OverflowError):
        raise GraphFileError(f"{where}: weight {_quote(text)} is not a number") from None
    if not (math.isfinite(w) and w > 0):
        raise GraphFileError(f"{where}: weight {_quote(text)} must be a finite positive number")
    return w


def _quote(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_csv(path: Path, fh) -> nx.Graph:
    g = nx.Graph()
    lineno = 0
    while True:
        raw = fh.readline(MAX_CSV_LINE + 1)
        if not raw:
            break
        lineno += 1
        if len(raw) > MAX_CSV_LINE:
            raise GraphFileError(f"{path}:{lineno}: line longer than {MAX_CSV_LINE:,} bytes")
        try:
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError:
            raise GraphFileError(f"{path}:{lineno}: not UTF-8 text (save the file as UTF-8)") from None
        try:
            row = next(csv.reader([line]), [])
        except csv.Error as exc:
            raise GraphFileError(f"{path}:{lineno}: not a CSV line: {exc}") from None
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        row = [c.strip() for c in row]
        if lineno == 1 and row[0].lower() in ("source", "src", "from", "u"):
            continue
        if len(row) < 2 or not row[0] or not row[1]:
            raise GraphFileError(f"{path}:{lineno}: expected 'source,target[,weight]', got {_quote(row)}")
        if len(row) >= 3 and row[2]:
            g.add_edge(row[0], row[1], weight=_weight(row[2], f"{path}:{lineno}"))
        else:
            g.add_edge(row[0], row[1])
    return g


def _read_graphml(path: Path, fh) -> nx.Graph:
    try:
        g = nx.read_graphml(fh)
    except Exception as exc:  # noqa: BLE001 - networkx and the XML parser raise many types for bad files
        raise GraphFileError(f"{path}: not a readable GraphML file: {_quote(str(exc))[1:-1]}") from None
    g = nx.Graph(g)
    for u, v, d in g.edges(data=True):
        if "weight" in d:
            d["weight"] = _weight(d["weight"], f"{path}: edge {_quote(u)}-{_quote(v)}")
    return g


# ----------------------------------------------------------------------------------------
# Dunbar-limited ties
# ----------------------------------------------------------------------------------------
def _strength_matrix(g: nx.Graph, rng: np.random.Generator, weighted: bool | None = None) -> sp.csr_matrix:
    """Symmetric tie strengths: the edge 'weight' attribute where present, else uniform(0,1)."""
    import itertools

    n = g.number_of_nodes()
    m = g.number_of_edges()
    edges = np.fromiter(itertools.chain.from_iterable(g.edges()), dtype=np.int64, count=2 * m).reshape(-1, 2)
    if weighted is None:
        weighted = any("weight" in d for _, _, d in g.edges(data=True)) if m else False
    if weighted:
        w = np.array([d.get("weight", 1.0) for _, _, d in g.edges(data=True)], dtype=float)
        w = w + rng.random(w.size) * 1e-9  # break ties reproducibly
    else:
        w = rng.random(edges.shape[0])
    upper = sp.coo_matrix((w, (edges[:, 0], edges[:, 1])), shape=(n, n))
    return (upper + upper.T).tocsr()


def _top_per_row(s: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the k largest entries of every row (data set to 1.0)."""
    s = s.tocsr()
    s.sort_indices()
    rows = np.repeat(np.arange(s.shape[0]), np.diff(s.indptr))
    order = np.lexsort((-s.data, rows))
    rank = np.empty_like(order)
    starts = s.indptr[rows[order]]
    rank[order] = np.arange(order.size) - starts
    keep = rank < k
    out = sp.csr_matrix((np.ones(int(keep.sum())), (rows[keep], s.indices[keep])), shape=s.shape)
    out.sort_indices()
    return out


def dunbar_ties(g: nx.Graph, dunbar_limit: int, close_ties: int,
                rng: np.random.Generator, weighted: bool | None = None) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """(maintained, close) tie matrices: each row keeps its strongest ties up to the limits.

    >>> m, c = dunbar_ties(nx.star_graph(300), 150, 20, np.random.default_rng(0))
    >>> int(m[0].nnz), int(c[0].nnz), int(m[1].nnz)
    (150, 20, 1)
    """
    s = _strength_matrix(g, rng, weighted)
    return _top_per_row(s, dunbar_limit), _top_per_row(s, min(close_ties, dunbar_limit))


# ----------------------------------------------------------------------------------------
# The whole population
# ----------------------------------------------------------------------------------------
GENERATED = ("clustered_scale_free", "watts_strogatz", "interest_clusters", "erdos_renyi", "complete")


def _labels_are_range(g: nx.Graph) -> bool:
    n = g.number_of_nodes()
    return all(isinstance(v, int) and 0 <= v < n for v in g) and n == len(set(g))


def build_population(pspec, rng: np.random.Generator, graph: nx.Graph | None = None) -> Population:
    """Graph plus traits for the `population` section of a scenario.

    Pass `graph` to use your own networkx graph (any node labels) instead of the spec's.
    """
    g = graph if graph is not None else make_graph(pspec.graph, pspec.size, rng)
    generated = graph is None and pspec.graph.type in GENERATED
    if not (generated and type(g) is nx.Graph and _labels_are_range(g)):
        # named, file or user graphs: relabel to 0..n-1, keep the original label
        g = nx.convert_node_labels_to_integers(nx.Graph(g), label_attribute="label")
    g.remove_edges_from(list(nx.selfloop_edges(g)))
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
    return Population(g, maintained, close, attention, propensity, fit)
