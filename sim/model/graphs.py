"""Social graphs as edge arrays: vectorised generators and a fast edge-list reader.

A `SocialGraph` is the undirected graph the population lives on, held as two int32 arrays of
endpoints (one entry per tie), with optional tie weights, original node labels and node
attributes. Building one never builds a networkx graph: at 10 million persons a networkx
graph would take tens of gigabytes and most of the build time. `SocialGraph.to_networkx()`
gives the networkx view when something asks for it (the dashboard's network picture, k-core
checks), and `Population.graph` builds that view lazily.

Generators (each deterministic from the numpy Generator passed in):

* `holme_kim`: clustered scale-free graph, preferential attachment with triad closure
  (Holme & Kim 2002), the same process as networkx's `powerlaw_cluster_graph`, vectorised over
  blocks of arriving persons (see its docstring for the one approximation).
* `erdos_renyi`, `watts_strogatz`, `stochastic_block`, `complete`: the usual random graphs,
  sampled as arrays.

Example
-------
>>> import numpy as np
>>> g = holme_kim(1000, 5, 0.3, np.random.default_rng(0))
>>> g.number_of_nodes(), g.number_of_edges() <= 5 * 995
(1000, True)
"""

from __future__ import annotations

import csv
import io
import math
import random
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np

__all__ = ["SocialGraph", "GraphFileError", "check_social_graph", "holme_kim", "erdos_renyi", "watts_strogatz",
           "stochastic_block", "complete", "read_graph_file", "from_networkx", "GRAPH_FORMATS",
           "supported_formats"]


class GraphFileError(ValueError):
    """A graph file that cannot be read; the message names file and line."""


@dataclass
class SocialGraph:
    """An undirected graph on persons 0..n-1 as arrays of tie endpoints.

    Parameters
    ----------
    n : int
        Persons (nodes), including any without ties.
    u, v : numpy.ndarray
        int32 endpoints of each tie; no self-loops, no tie listed twice.
    weight : numpy.ndarray, optional
        Tie strength per tie (float64), or None for an unweighted graph.
    labels : numpy.ndarray, optional
        Original label of each person (file and named graphs), or None.
    node_data : dict
        Extra per-person attributes (e.g. "block" of the interest-cluster generator).

    Examples
    --------
    >>> g = SocialGraph(3, np.array([0, 1], np.int32), np.array([1, 2], np.int32))
    >>> g.number_of_edges(), sorted(g.to_networkx().edges())
    (2, [(0, 1), (1, 2)])
    """

    n: int
    u: np.ndarray
    v: np.ndarray
    weight: np.ndarray | None = None
    labels: np.ndarray | None = None
    node_data: dict = field(default_factory=dict)

    def number_of_nodes(self) -> int:
        """Persons on the graph."""
        return int(self.n)

    def number_of_edges(self) -> int:
        """Ties on the graph."""
        return int(self.u.size)

    def degree(self) -> np.ndarray:
        """Ties per person, as an array indexed by person.

        >>> SocialGraph(3, np.array([0, 0], np.int32), np.array([1, 2], np.int32)).degree().tolist()
        [2, 1, 1]
        """
        return np.bincount(self.u, minlength=self.n) + np.bincount(self.v, minlength=self.n)

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays (endpoints, weights, labels, node attributes)."""
        arrays = [self.u, self.v, self.weight, self.labels, *self.node_data.values()]
        return int(sum(a.nbytes for a in arrays if isinstance(a, np.ndarray)))

    def subgraph(self, persons) -> nx.Graph:
        """The ties among `persons` as a networkx Graph (an induced subgraph), without building the whole graph.

        >>> g = SocialGraph(4, np.array([0, 1, 2], np.int32), np.array([1, 2, 3], np.int32))
        >>> sorted(g.subgraph([1, 2, 3]).edges())
        [(1, 2), (2, 3)]
        """
        persons = np.asarray(list(persons) if not isinstance(persons, np.ndarray) else persons, dtype=np.int64)
        inside = np.zeros(self.n, bool)
        inside[persons] = True
        keep = inside[self.u] & inside[self.v]
        h = nx.Graph()
        h.add_nodes_from(np.unique(persons).tolist())  # in person order, as the full view has them
        h.add_edges_from(zip(self.u[keep].tolist(), self.v[keep].tolist()))
        return h

    def to_networkx(self) -> nx.Graph:
        """The same graph as a networkx Graph (nodes 0..n-1; "label", "weight" and node data as attributes).

        Costs a few hundred bytes per tie: meant for small graphs and for views of large ones.
        """
        g = nx.Graph()
        if self.labels is None and not self.node_data:
            g.add_nodes_from(range(self.n))
        else:
            cols = dict(self.node_data)
            if self.labels is not None:
                cols["label"] = self.labels
            names = list(cols)
            values = [c.tolist() for c in cols.values()]
            g.add_nodes_from((i, dict(zip(names, row))) for i, row in enumerate(zip(*values)))
        if self.weight is None:
            g.add_edges_from(zip(self.u.tolist(), self.v.tolist()))
        else:
            g.add_weighted_edges_from(zip(self.u.tolist(), self.v.tolist(), self.weight.tolist()))
        return g


def check_social_graph(g: SocialGraph, what: str = "graph=") -> None:
    """Raise ValueError (naming `what`) unless `g`'s arrays are a valid graph, as SocialGraph's docstring asks.

    A SocialGraph handed to `CommunityModel(graph=...)` was used as it was: ties listed twice or
    in both directions, self-loops and NaN weights ran silently with other results, and
    endpoints beyond `n` failed deep in scipy (red team, 2026-12-07). Checked: `n` a whole
    number, `u` and `v` whole-number arrays of one length with endpoints in 0..n-1, no
    self-loop, no tie listed twice in either direction, weights finite and positive.

    >>> check_social_graph(SocialGraph(3, np.array([0, 1], np.int32), np.array([1, 0], np.int32)))
    Traceback (most recent call last):
    ...
    ValueError: graph=: the tie (1, 0) is listed twice (as (a, b) and (b, a) too); list each tie once
    """
    n = g.n
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{what}: n must be a whole number of persons, at least 1; got {n!r}")
    u, v = np.asarray(g.u), np.asarray(g.v)
    if u.ndim != 1 or v.ndim != 1 or u.size != v.size:
        raise ValueError(f"{what}: u and v must be one-dimensional arrays of the same length (one entry per "
                         f"tie); got shapes {u.shape} and {v.shape}")
    if u.size and not (np.issubdtype(u.dtype, np.integer) and np.issubdtype(v.dtype, np.integer)):
        raise ValueError(f"{what}: u and v must hold whole-number person indices; got {u.dtype} and {v.dtype}")
    if u.size:
        low, high = min(int(u.min()), int(v.min())), max(int(u.max()), int(v.max()))
        if low < 0 or high >= n:
            bad = low if low < 0 else high
            raise ValueError(f"{what}: person {bad} is outside 0..{n - 1} (n is {n})")
        loops = np.flatnonzero(u == v)
        if loops.size:
            raise ValueError(f"{what}: {loops.size:,} self-loop(s), e.g. ({int(u[loops[0]])}, {int(u[loops[0]])}); "
                             "a person is not its own tie")
        key = np.minimum(u, v).astype(np.int64)  # in place from here: one int64 per tie at 50M ties
        key *= int(n)
        key += np.maximum(u, v)
        key.sort()
        repeat = np.flatnonzero(key[1:] == key[:-1])
        if repeat.size:  # found: now look for where it was listed (only on failure)
            k = int(key[repeat[0]])
            i, j = np.flatnonzero(np.minimum(u, v).astype(np.int64) * int(n) + np.maximum(u, v) == k)[:2]
            both = " (as (a, b) and (b, a) too)" if (u[i], v[i]) != (u[j], v[j]) else ""
            raise ValueError(f"{what}: the tie ({int(u[j])}, {int(v[j])}) is listed twice{both}; list each tie once")
        del key
    if g.weight is not None:
        w = np.asarray(g.weight)
        if w.shape != u.shape:
            raise ValueError(f"{what}: weight must have one entry per tie ({u.size:,}); got shape {w.shape}")
        good = good_weights(w)
        if not good.all():
            bad = int(np.flatnonzero(~good)[0])
            raise ValueError(f"{what}: weights must be finite and positive, as in a graph file; the tie "
                             f"({int(u[bad])}, {int(v[bad])}) has {w[bad].item()!r}")


def from_networkx(g: nx.Graph, relabel: bool = True) -> tuple[SocialGraph, nx.Graph]:
    """A networkx graph as a `SocialGraph`, plus the relabelled networkx graph it came from.

    Nodes are numbered 0..n-1 in the graph's node order, the original label kept in the node
    attribute "label" (as `nx.convert_node_labels_to_integers` does); self-loops are dropped.
    Ties come in `g.edges()` order; weights from the "weight" edge attribute (1.0 where one is
    missing) if any tie has one. With `relabel=False` the graph must already be an `nx.Graph`
    on 0..n-1 and is used as it is.

    >>> sg, h = from_networkx(nx.path_graph(["a", "b", "c"]))
    >>> sg.u.tolist(), sg.v.tolist(), h.nodes[0]["label"]
    ([0, 1], [1, 2], 'a')
    """
    if relabel:
        g = nx.convert_node_labels_to_integers(nx.Graph(g), label_attribute="label")
        g.remove_edges_from(list(nx.selfloop_edges(g)))
    edges = [(a, b, d) for a, b, d in g.edges(data=True) if a != b]
    ends = np.fromiter((x for a, b, _ in edges for x in (a, b)), dtype=np.int64, count=2 * len(edges))
    ends = ends.reshape(-1, 2)
    weighted = any("weight" in d for _, _, d in edges)
    weight = _networkx_weights(g, edges) if weighted else None
    sg = SocialGraph(g.number_of_nodes(), ends[:, 0].astype(np.int32), ends[:, 1].astype(np.int32), weight)
    return sg, g


def _networkx_weights(g: nx.Graph, edges: list) -> np.ndarray:
    """The ties' "weight" attributes (1.0 where missing) under a graph file's rule: finite and positive.

    Checked as one array; only a bad weight is looked up tie by tie, to name its edge.
    """
    raw = [d.get("weight", 1.0) for _, _, d in edges]
    try:
        weight = np.array(raw, dtype=float)
    except (TypeError, ValueError, OverflowError):
        weight = None
    if weight is None or not good_weights(weight).all():
        weight = np.array([_weight(w, f"edge ({g.nodes[a].get('label', a)!r}, {g.nodes[b].get('label', b)!r})")
                           for (a, b, _), w in zip(edges, raw)])  # raises at the first bad one, naming its edge
    return weight


# ----------------------------------------------------------------------------------------
# Holme-Kim: preferential attachment with triad closure
# ----------------------------------------------------------------------------------------
class _Adjacency:
    """Growable adjacency lists in one int32 pool (each person's list doubles when full)."""

    def __init__(self, n: int, size_hint: int):
        self.start = np.zeros(n, np.int64)
        self.length = np.zeros(n, np.int64)
        self.cap = np.zeros(n, np.int64)
        self.pool = np.empty(max(size_hint, 16), np.int32)
        self.end = 0

    def add(self, a: np.ndarray, b: np.ndarray) -> None:
        """Add the undirected ties (a[i], b[i])."""
        keys = np.concatenate([a, b])
        vals = np.concatenate([b, a])
        order = stable_int_order(keys)
        keys, vals = keys.take(order), vals.take(order)
        first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        nodes = keys.take(first)
        counts = np.diff(np.r_[first, keys.size])
        need = self.length.take(nodes) + counts
        grow = need > self.cap.take(nodes)
        if grow.any():
            g = nodes.compress(grow)
            new_cap = np.maximum(2 * self.cap.take(g), need.compress(grow))
            offsets = self.end + np.cumsum(new_cap) - new_cap
            total = int(new_cap.sum())
            if self.end + total > self.pool.size:
                pool = np.empty(max(2 * self.pool.size, self.end + total), np.int32)
                pool[:self.end] = self.pool[:self.end]
                self.pool = pool
            lengths = self.length.take(g)
            moved = int(lengths.sum())
            if moved:
                owner = np.repeat(np.arange(g.size), lengths)
                within = np.arange(moved) - np.repeat(np.cumsum(lengths) - lengths, lengths)
                self.pool[offsets.take(owner) + within] = self.pool.take(self.start.take(g).take(owner) + within)
            self.start[g] = offsets
            self.cap[g] = new_cap
            self.end += total
        within = np.arange(keys.size) - np.repeat(first, counts)
        self.pool[self.start.take(keys) + self.length.take(keys) + within] = vals
        self.length[nodes] += counts

    def neighbors(self, i: int) -> np.ndarray:
        """Person i's list."""
        s = self.start[i]
        return self.pool[s:s + self.length[i]]


def stable_int_order(keys: np.ndarray) -> np.ndarray:
    """`np.argsort(keys, kind="stable")` for non-negative integer keys, about 3.5x as fast (pure).

    Key x size + position is unique and orders as the stable sort does, so numpy's default
    (SIMD) sort gives the stable order; negative, non-integer or too large keys sort stably.

    >>> stable_int_order(np.array([3, 1, 3, 0, 1])).tolist()
    [3, 1, 4, 0, 2]
    """
    keys = np.asarray(keys)
    size = keys.size
    if keys.dtype.kind not in "iub" or size < 2 or int(keys.min()) < 0 or (int(keys.max()) + 1) * size >= 2**62:
        return np.argsort(keys, kind="stable")
    return np.argsort(keys.astype(np.int64) * size + np.arange(size))


def _distinct_draws(slots: np.ndarray, rows: int, m: int, rng) -> np.ndarray:
    """`rows` x m persons drawn from `slots` (uniform over slots), distinct within each row.

    networkx's `_random_subset` adds iid draws to a Python set until it holds m persons and
    `powerlaw_cluster_graph` then pops them off the set. This draws iid and redraws any
    repeat until each row is distinct (the same sets: the first m distinct values of an iid
    stream), then orders each row as CPython's set would pop it (`_set_pop_order`).
    """
    cand = slots.take(rng.integers(0, slots.size, size=(rows, m))).astype(np.int64)
    if m == 1:
        return cand
    srt = np.sort(cand, axis=1)
    rep = np.flatnonzero((srt[:, 1:] == srt[:, :-1]).any(axis=1))  # rows with a repeat (few)
    if rep.size:
        sub = cand[rep]
        when = np.broadcast_to(np.arange(m), sub.shape).copy()  # position in the draw stream
        drawn = m
        while True:
            order = _row_lexsort(sub, when)
            srt = np.take_along_axis(sub, order, axis=1)
            r, c = np.nonzero(srt[:, 1:] == srt[:, :-1])
            if r.size == 0:
                break
            redo = order[r, c + 1]  # the later draw of a repeated value
            sub[r, redo] = slots[rng.integers(0, slots.size, size=r.size)]
            when[r, redo] = drawn + np.arange(r.size)
            drawn += r.size
        cand[rep] = np.take_along_axis(sub, np.argsort(when, axis=1, kind="stable"), axis=1)
    return _set_pop_order(cand)


def _row_lexsort(primary: np.ndarray, secondary: np.ndarray) -> np.ndarray:
    """Per-row order by `primary`, ties by `secondary` (both non-negative int64, secondary < 2**31)."""
    return np.argsort(primary * (1 << 31) + secondary, axis=1, kind="stable")


_LINEAR_PROBES, _PERTURB_SHIFT = 9, 5


def _set_insert(table: np.ndarray, mask: int, keys: np.ndarray) -> None:
    """Insert one new int key per row into CPython set tables (`set_insert_clean`'s probing; -1 is empty)."""
    flat = table.reshape(-1)
    width = mask + 1
    base = np.arange(table.shape[0], dtype=np.int64) * width
    i = keys & mask
    free = flat.take(base + i) < 0
    if free.all():  # the common case: every home slot is empty
        flat[base + i] = keys
        return
    flat[base.compress(free) + i.compress(free)] = keys.compress(free)
    rows = np.flatnonzero(~free)
    base, i, keys = base.take(rows), i.take(rows), keys.take(rows)
    perturb = keys.copy()
    first = True
    while keys.size:
        if not first:
            free = flat.take(base + i) < 0
            flat[base.compress(free) + i.compress(free)] = keys.compress(free)
            left = ~free
            base, i = base.compress(left), i.compress(left)
            perturb, keys = perturb.compress(left), keys.compress(left)
        first = False
        linear = i + _LINEAR_PROBES <= mask
        if linear.any():
            lr = np.flatnonzero(linear)
            window = flat[(base[lr] + i[lr])[:, None] + np.arange(1, _LINEAR_PROBES + 1)] < 0
            hit = window.any(axis=1)
            at = base[lr[hit]] + i[lr[hit]] + 1 + window[hit].argmax(axis=1)
            flat[at] = keys[lr[hit]]
            placed = np.zeros(keys.size, bool)
            placed[lr[hit]] = True
            base, i, perturb, keys = base[~placed], i[~placed], perturb[~placed], keys[~placed]
        perturb >>= _PERTURB_SHIFT
        i = (i * 5 + 1 + perturb) & mask


def _set_pop_order(keys: np.ndarray) -> np.ndarray:
    """Each row's keys in the order `set.pop()` returns them from a set built by adding them in column order.

    Emulates CPython's set of small ints (hash(x) == x): an 8-slot table, linear probing
    then perturbation, resized to 4 x used when 5 x fill >= 3 x mask, entries moved in table
    order; `pop()` returns entries in table order. networkx's `powerlaw_cluster_graph` takes
    its preferential targets in that order, which puts small person numbers (the oldest
    persons, the hubs) first.
    """
    rows, m = keys.shape
    mask = 7
    table = np.full((rows, mask + 1), -1, np.int64)
    for j in range(m):
        _set_insert(table, mask, keys[:, j].copy())
        fill = j + 1
        if fill * 5 >= mask * 3:
            size = 8
            while size <= (fill * 4 if fill <= 50000 else fill * 2):
                size <<= 1
            entries = _in_table_order(table, fill)
            mask = size - 1
            table = np.full((rows, size), -1, np.int64)
            for c in range(fill):
                _set_insert(table, mask, entries[:, c].copy())
    return _in_table_order(table, m)


def _in_table_order(table: np.ndarray, count: int) -> np.ndarray:
    """The `count` keys of each row's table (each row holds exactly `count`), in slot order."""
    flat = table.reshape(-1)
    return flat.compress(flat >= 0).reshape(table.shape[0], count)  # row-major, as boolean indexing


def _triad_step(adj: _Adjacency, anchor: np.ndarray, linked: np.ndarray, rng, tries: int = 12):
    """For each row, a uniform neighbour of `anchor` not already in `linked` (ok False: none left)."""
    deg = adj.length.take(anchor)
    nb = np.full(anchor.size, -1, np.int32)
    ok = np.zeros(anchor.size, bool)
    todo = np.flatnonzero(deg > 0)
    for _ in range(tries):
        if todo.size == 0:
            return nb, ok
        pick = adj.pool.take(adj.start.take(anchor.take(todo)) + rng.integers(0, deg.take(todo)))
        good = ~(linked.take(todo, axis=0) == pick[:, None]).any(axis=1)
        nb[todo.compress(good)] = pick.compress(good)
        ok[todo.compress(good)] = True
        todo = todo.compress(~good)
    for r in todo.tolist():  # rare: most of the anchor's neighbours are taken; decide exactly
        neigh = adj.neighbors(anchor[r])
        allowed = neigh[~np.isin(neigh, linked[r])]
        if allowed.size:
            nb[r] = allowed[rng.integers(allowed.size)]
            ok[r] = True
    return nb, ok


def _holme_kim_sequential(n: int, m: int, p: float, rnd: random.Random) -> tuple[list, list]:
    """The process of networkx's `powerlaw_cluster_graph(n, m, p)`, step for step (same draws from `rnd`).

    Returns its repeated-nodes list and the ties as a flat list (u0, v0, u1, v1, ...) in the
    order networkx's `G.edges()` lists them. Seeded alike, the ties and their order are
    exactly networkx's.

    `rnd.choice(seq)` is inlined as CPython 3's `Random.choice` computes it (`_randbelow`:
    `getrandbits(len(seq).bit_length())` until below the length), so the draws are the same;
    a `Random` subclass gets its own `choice`. The triad candidates, networkx's
    `[x for x in neighbours[target] if x not in mine and x != source]`, are the target's
    neighbour list with the few excluded ones removed (the same list, built in C).
    """
    if type(rnd) is random.Random:
        getrandbits = rnd.getrandbits

        def choice(seq):
            size = len(seq)
            bits = size.bit_length()
            r = getrandbits(bits)
            while r >= size:
                r = getrandbits(bits)
            return seq[r]
    else:
        choice = rnd.choice
    uniform = rnd.random
    neighbours = [dict() for _ in range(n)]  # insertion-ordered, as networkx's adjacency
    rep = list(range(m))
    ends = []
    for source in range(m, n):
        targets = set()
        while len(targets) < m:
            targets.add(choice(rep))
        mine = neighbours[source]
        target = targets.pop()
        mine[target] = neighbours[target][source] = None
        ends += (source, target)
        rep.append(target)
        count = 1
        while count < m:
            if uniform() < p:
                theirs = neighbours[target]
                around = list(theirs)
                for x in mine:  # few: the source's ties so far (the target among them)
                    if x in theirs:
                        around.remove(x)
                if source in theirs:
                    around.remove(source)
                if around:
                    x = choice(around)
                    mine[x] = neighbours[x][source] = None
                    ends += (source, x)
                    rep.append(x)
                    count += 1
                    continue
            target = targets.pop()
            if target not in mine:
                mine[target] = neighbours[target][source] = None
                ends += (source, target)
            rep.append(target)
            count += 1
        rep.extend([source] * m)
    # the ties in networkx's `G.edges()` order: by first person, then in order of insertion
    ordered = [x for a in range(n) for b in neighbours[a] if b > a for x in (a, b)]
    return rep, ordered


def holme_kim(n: int, m: int, p: float, seed: int | np.random.Generator, block: float = 0.01,
              exact_below: int = 5000) -> SocialGraph:
    """Clustered scale-free graph: Holme & Kim's preferential attachment with triad closure.

    The process of networkx's `powerlaw_cluster_graph(n, m, p)`: persons m, m+1, ... arrive one
    by one; each draws m distinct targets with probability proportional to degree and ties to
    the first; each of its m-1 further ties is, with probability p, a triad-closure tie to a
    random neighbour (not yet tied to it) of its latest preferential target, and otherwise (or
    when no such neighbour is left) a tie to its next preferential target.

    The first `exact_below` persons are built one by one exactly as networkx does: with an
    int seed and n <= exact_below the graph is networkx's `powerlaw_cluster_graph(n, m, p,
    seed=seed)` tie for tie, in its `edges()` order. Later persons come in blocks, vectorised
    (drawing from `numpy.random.default_rng(seed)`): the persons
    of one block, at most `block` times the persons already there, draw against the graph as
    it was when the block began, so they do not see each other's ties. That is the only
    difference from the sequential process; a person thereby misses about block * m / 4 of
    the ties it would have received during its own block (0.0125 ties at the default 0.01
    and m = 5, against a mean degree of 10). tests/test_population.py checks degree
    distribution and clustering against networkx's generator over replicates.

    Parameters
    ----------
    n : int
        Persons.
    m : int
        Ties each arriving person makes (1 <= m < n); the mean degree is about 2m.
    p : float
        Triad-closure probability, 0..1.
    seed : int or numpy.random.Generator
        Seed of every random draw (a Generator: one int drawn from it).
    block : float
        Largest block of arrivals as a share of the persons already there.
    exact_below : int
        Persons built one at a time, exactly as networkx does, before blocks start.

    Examples
    --------
    >>> g = holme_kim(2000, 3, 0.5, np.random.default_rng(1))
    >>> g.number_of_nodes(), int(g.degree().min()) >= 1
    (2000, True)
    """
    if not 1 <= m < n:
        raise ValueError(f"Holme-Kim needs 1 <= m < n, got m={m}, n={n}")
    if isinstance(seed, np.random.Generator):
        seed = int(seed.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    arrivals = n - m
    src = np.empty(m * arrivals, np.int32)
    dst = np.empty(m * arrivals, np.int32)
    n_edges = 0
    slots = np.empty(m + 2 * m * arrivals, np.int32)  # networkx's repeated_nodes
    adj = _Adjacency(n, 4 * m * arrivals + 4 * n)
    s0 = max(m, min(n, exact_below))
    rep, ends = _holme_kim_sequential(s0, m, p, random.Random(seed))
    n_slots, n_edges = len(rep), len(ends) // 2
    slots[:n_slots] = rep
    ends = np.array(ends, np.int32).reshape(-1, 2)
    src[:n_edges], dst[:n_edges] = ends[:, 0], ends[:, 1]
    if n_edges:
        adj.add(ends[:, 0], ends[:, 1])
    while s0 < n:
        b = min(n - s0, max(1, int(block * s0)))
        sources = np.arange(s0, s0 + b, dtype=np.int32)
        cand = _distinct_draws(slots[:n_slots], b, m, rng).astype(np.int32)
        links = np.empty((b, m), np.int32)
        new = np.ones((b, m), bool)  # False: the tie already exists (networkx adds it again, a no-op)
        links[:, 0] = cand[:, 0]
        anchor = cand[:, 0].copy()
        used = np.ones(b, np.int64)
        for k in range(1, m):
            preferential = np.ones(b, bool)
            tri = np.flatnonzero(rng.random(b) < p)
            if tri.size:
                nb, ok = _triad_step(adj, anchor[tri], links[tri, :k], rng)
                links[tri[ok], k] = nb[ok]
                preferential[tri[ok]] = False
            rows = np.flatnonzero(preferential)
            t = cand[rows, used[rows]]
            used[rows] += 1
            anchor[rows] = t
            links[rows, k] = t
            new[rows, k] = ~(links[rows, :k] == t[:, None]).any(axis=1)
        flat = links.ravel()
        slots[n_slots:n_slots + b * m] = flat
        slots[n_slots + b * m:n_slots + 2 * b * m] = np.repeat(sources, m)
        n_slots += 2 * b * m
        keep = new.ravel()
        s_new, t_new = np.repeat(sources, m).compress(keep), flat.compress(keep)
        src[n_edges:n_edges + s_new.size] = s_new
        dst[n_edges:n_edges + s_new.size] = t_new
        n_edges += s_new.size
        adj.add(s_new, t_new)
        s0 += b
    return SocialGraph(n, src[:n_edges].copy(), dst[:n_edges].copy())


# ----------------------------------------------------------------------------------------
# Other random graphs
# ----------------------------------------------------------------------------------------
def _binomial_pairs(pairs: int, p: float, rng) -> int:
    """Binomial(pairs, p) for pair counts beyond numpy's int64 binomial comfort (normal if huge)."""
    if p <= 0 or pairs <= 0:
        return 0
    if p >= 1:
        return int(pairs)
    return int(rng.binomial(pairs, p))


def _distinct_pairs(count: int, draw, rng) -> tuple[np.ndarray, np.ndarray]:
    """`count` distinct unordered pairs from `draw(k)`, which returns k candidate (u, v) arrays.

    Candidates that are self-loops, or repeat a pair already drawn, are redrawn.
    """
    have = np.zeros(0, np.int64)
    u_all = np.zeros(0, np.int64)
    v_all = np.zeros(0, np.int64)
    while have.size < count:
        u, v = draw(count - have.size)
        ok = u != v
        lo, hi = np.minimum(u, v)[ok], np.maximum(u, v)[ok]
        key = lo * (1 << 31) + hi
        key_all = np.concatenate([have, key])
        _, first = np.unique(key_all, return_index=True)
        first.sort()
        u_all = np.concatenate([u_all, lo])[first]
        v_all = np.concatenate([v_all, hi])[first]
        have = key_all[first]
    return u_all.astype(np.int32), v_all.astype(np.int32)


def erdos_renyi(n: int, p: float, rng: np.random.Generator) -> SocialGraph:
    """G(n, p): every pair tied independently with probability p.

    The number of ties is Binomial(n(n-1)/2, p) and, given it, the ties are a uniform random
    set of pairs, which is how this samples them (in O(ties)).

    >>> erdos_renyi(100, 1.0, np.random.default_rng(0)).number_of_edges()
    4950
    """
    pairs = n * (n - 1) // 2
    count = _binomial_pairs(pairs, p, rng)
    if count > pairs // 2:
        return _dense_subset(n, count, rng)
    u, v = _distinct_pairs(count, lambda k: (rng.integers(0, n, k), rng.integers(0, n, k)), rng)
    return SocialGraph(n, u, v)


def _dense_subset(n: int, count: int, rng) -> SocialGraph:
    """`count` ties drawn without replacement from all pairs (for dense graphs, small n)."""
    u, v = np.triu_indices(n, 1)
    pick = np.sort(rng.permutation(u.size)[:count])
    return SocialGraph(n, u[pick].astype(np.int32), v[pick].astype(np.int32))


def complete(n: int) -> SocialGraph:
    """Every pair tied.

    >>> complete(4).number_of_edges()
    6
    """
    u, v = np.triu_indices(n, 1)
    return SocialGraph(n, u.astype(np.int32), v.astype(np.int32))


def watts_strogatz(n: int, k: int, p: float, rng: np.random.Generator) -> SocialGraph:
    """Small world: a ring where each person ties to its k nearest (k even), each tie rewired with probability p.

    As networkx's `watts_strogatz_graph`: a rewired tie keeps its first end and gets a uniform
    new second end that is neither that person nor already tied to it.

    >>> g = watts_strogatz(100, 4, 0.0, np.random.default_rng(0))
    >>> g.number_of_edges(), set(g.degree().tolist())
    (200, {4})
    >>> watts_strogatz(4, 4, 0.0, np.random.default_rng(0)).number_of_edges()  # the ring wraps: complete
    6
    """
    half = k // 2
    base = np.arange(n, dtype=np.int64)
    u = np.tile(base, half)
    v = (u + np.repeat(np.arange(1, half + 1), n)) % n
    if 2 * half >= n:  # the ring wraps onto itself: each pair once
        _, first = np.unique(np.minimum(u, v) * (1 << 31) + np.maximum(u, v), return_index=True)
        first.sort()
        u, v = u[first], v[first]
    rewire = rng.random(u.size) < p
    if rewire.any() and k < n - 1:
        keep_u, keep_v = u[~rewire], v[~rewire]
        key = np.minimum(keep_u, keep_v) * (1 << 31) + np.maximum(keep_u, keep_v)
        taken = np.unique(key)
        ru = u[rewire]
        rv = np.full_like(ru, -1)
        todo = np.arange(ru.size)
        rounds = 0
        while todo.size:
            rounds += 1
            if rounds > 8:  # rare: some may have no partner left (dense rings), and would redraw forever
                todo = _drop_tied_to_everyone(todo, ru, taken, n)
                if todo.size == 0:
                    break
            w = rng.integers(0, n, todo.size)
            kk = np.minimum(ru[todo], w) * (1 << 31) + np.maximum(ru[todo], w)
            bad = (w == ru[todo]) | np.isin(kk, taken)
            # two rewired ties landing on the same pair: keep the first
            _, first = np.unique(kk, return_index=True)
            dup = np.ones(todo.size, bool)
            dup[first] = False
            bad |= dup
            rv[todo[~bad]] = w[~bad]
            taken = np.union1d(taken, kk[~bad])
            todo = todo[bad]
        placed = rv >= 0
        u = np.concatenate([keep_u, ru[placed]])
        v = np.concatenate([keep_v, rv[placed]])
    return SocialGraph(n, u.astype(np.int32), v.astype(np.int32))


def _drop_tied_to_everyone(todo: np.ndarray, ru: np.ndarray, taken: np.ndarray, n: int) -> np.ndarray:
    """The rewirings in `todo` still possible; those of persons already tied to everyone are given up.

    networkx skips such a rewiring and keeps the tie; here the tie's pair is already among the
    others (its person is tied to everyone), so it is dropped (its `rv` entry stays -1).
    """
    deg = np.bincount(np.concatenate([taken >> 31, taken & ((1 << 31) - 1)]), minlength=n)
    return todo.compress(deg.take(ru.take(todo)) < n - 1)


def stochastic_block(sizes: list[int], p_in: float, p_out: float, rng: np.random.Generator) -> SocialGraph:
    """Interest clusters: blocks of the given sizes, pairs tied with p_in inside a block and p_out across.

    Ties per block (and across blocks) are binomial and placed on uniform random pairs, as
    networkx's `stochastic_block_model` would, in O(ties). Node data "block" holds each
    person's block.

    >>> g = stochastic_block([50, 50], 0.2, 0.0, np.random.default_rng(0))
    >>> b = g.node_data["block"]
    >>> bool((b[g.u] == b[g.v]).all())
    True
    """
    sizes = np.asarray(sizes, np.int64)
    n = int(sizes.sum())
    offsets = np.cumsum(sizes) - sizes
    block = np.repeat(np.arange(sizes.size), sizes).astype(np.int32)
    us, vs = [], []
    for off, size in zip(offsets.tolist(), sizes.tolist()):
        pairs = size * (size - 1) // 2
        count = _binomial_pairs(pairs, p_in, rng)
        if count == 0:
            continue
        if count > pairs // 2:
            sub = _dense_subset(size, count, rng)
            u, v = sub.u.astype(np.int64), sub.v.astype(np.int64)
        else:
            u, v = _distinct_pairs(count, lambda k, s=size: (rng.integers(0, s, k), rng.integers(0, s, k)), rng)
        us.append(u + off)
        vs.append(v + off)
    off_pairs = (n * n - int((sizes * sizes).sum())) // 2
    count = _binomial_pairs(off_pairs, p_out, rng)
    if count:
        def draw(k):
            u, v = rng.integers(0, n, k), rng.integers(0, n, k)
            same = block[u] == block[v]
            return u, np.where(same, u, v)  # same block: a self-loop, which is redrawn
        u, v = _distinct_pairs(count, draw, rng)
        us.append(u)
        vs.append(v)
    u = np.concatenate(us).astype(np.int32) if us else np.zeros(0, np.int32)
    v = np.concatenate(vs).astype(np.int32) if vs else np.zeros(0, np.int32)
    return SocialGraph(n, u, v, node_data={"block": block})


# ----------------------------------------------------------------------------------------
# Files
# ----------------------------------------------------------------------------------------
_HEADERS = ("source", "src", "from", "u")
_TARGET_HEADERS = ("target", "dst", "to", "v")


def _is_header(first: str, second: str) -> bool:
    """A header names the source column; 'u' (a plausible person's label) only with a target name beside it.

    >>> _is_header("Source", "Target"), _is_header("u", "v"), _is_header("u", "target"), _is_header("u", "ann")
    (True, True, True, False)
    """
    first, second = str(first).strip().lower(), str(second).strip().lower()
    return first in _HEADERS and (first != "u" or second in _TARGET_HEADERS)


#: Longest line read from an edge-list CSV (a line of a megabyte is not an edge).
MAX_CSV_LINE = 64 * 1024


#: Graph file formats by file extension: what a scenario's `population.graph.file` may be.
GRAPH_FORMATS = {
    ".csv": "edge-list CSV (source,target[,weight])",
    ".graphml": "GraphML", ".xml": "GraphML",
    ".gml": "GML",
    ".gexf": "GEXF",
    ".net": "Pajek", ".pajek": "Pajek",
    ".edgelist": "edge list (source target [weight], whitespace-separated)",
    ".edges": "edge list (source target [weight], whitespace-separated)",
    ".txt": "edge list (source target [weight], whitespace-separated)",
}

#: Largest file read through networkx's pure-Python readers (GML, GEXF, GraphML, Pajek, edge
#: lists), which hold the whole graph as Python objects: a few hundred bytes per tie. Larger
#: graphs load as CSV, which has no such overhead (`files.MAX_GRAPH_BYTES`).
MAX_NETWORKX_GRAPH_BYTES = 256 << 20


def supported_formats() -> str:
    """The supported graph formats and their extensions, for error messages and the reference.

    >>> supported_formats().split("; ")[0]
    'edge-list CSV (source,target[,weight]): .csv'
    """
    by_name: dict[str, list[str]] = {}
    for ext, name in GRAPH_FORMATS.items():
        by_name.setdefault(name, []).append(ext)
    return "; ".join(f"{name}: {', '.join(exts)}" for name, exts in by_name.items())


def read_graph_file(path: str | Path) -> SocialGraph:
    r"""Read an undirected social graph from a file; the format comes from the extension (`GRAPH_FORMATS`).

    CSV (read without networkx): one edge per line, `source,target[,weight]`; an optional header
    line naming `source,target` (the first line that is not a comment; `src`, `from` or `u` also
    name the first column, but `u` only beside `target`, `dst`, `to` or `v`, since a person may
    be called u); lines starting with '#' are comments; blank lines are skipped. GraphML, GML,
    GEXF, Pajek and whitespace-separated edge lists are read by networkx's readers. Whatever the
    format, persons are numbered in order of first appearance with their labels kept (as text)
    in `labels`; the graph is taken as undirected; a tie listed twice (or in both directions) is
    one tie, its last weight counting; self-loops are dropped (the person stays); weights must
    be finite positive numbers. Only a regular file of at most `files.MAX_GRAPH_BYTES` (CSV) or
    `MAX_NETWORKX_GRAPH_BYTES` (the other formats) is read. Every problem raises
    `GraphFileError` naming the file, and the line where the format tells it; no other exception
    escapes. An unknown extension is an error listing the supported formats.

    Large CSV files are parsed by pandas' C reader; a file it cannot take as plain
    comma-separated fields (quotes, ragged rows) or in which a line is wrong is read again
    line by line with Python's csv module, which names the first bad line.

    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "g.csv"
    ...     _ = p.write_text("source,target\nann,bob\nbob,cyd\n")
    ...     g = read_graph_file(p)
    >>> g.n, g.labels.tolist(), g.u.tolist(), g.v.tolist()
    (3, ['ann', 'bob', 'cyd'], [0, 1], [1, 2])
    """
    from sim.scenario import files

    path = Path(path)
    suffix = path.suffix.lower()
    limit = files.MAX_GRAPH_BYTES if suffix == ".csv" else MAX_NETWORKX_GRAPH_BYTES
    try:
        fh = files.open_regular(path, limit)
    except files.UnsafeFileError as exc:
        hint = " (save larger graphs as an edge-list CSV)" if suffix != ".csv" and "the limit is" in str(exc) else ""
        raise GraphFileError(f"{path}: graph file {exc}{hint}") from None
    with fh:
        if suffix not in GRAPH_FORMATS:
            raise GraphFileError(f"{path}: unknown graph file format {suffix or '(no extension)'!r}; "
                                 f"supported: {supported_formats()}")
        if suffix == ".csv":
            raw = fh.read()
            rows = _fast_csv(raw)
            if rows is None:
                rows = _slow_csv(path, raw)
            sg = _edges_from_labels(*rows)
        else:
            reader = {"GraphML": _read_graphml, "GML": _read_gml, "GEXF": _read_gexf,
                      "Pajek": _read_pajek}.get(GRAPH_FORMATS[suffix], _read_edgelist)
            g = _undirected(path, reader(path, fh))
            sg, h = from_networkx(g)
            sg.labels = np.array([str(d["label"]) for _, d in h.nodes(data=True)], dtype=object)
    if sg.n < 2:
        raise GraphFileError(f"{path}: the graph has fewer than 2 persons")
    return sg


def _unreadable(path: Path, kind: str, exc: Exception) -> GraphFileError:
    """The error for a file networkx could not parse: file, line when the parser gives one, formats."""
    import re

    text = str(exc)
    m = re.search(r"at \((\d+), \d+\)|line (\d+)", text)
    where = f"{path}:{m.group(1) or m.group(2)}" if m else str(path)
    text = text if len(text) <= 200 else text[:197] + "..."
    return GraphFileError(f"{where}: not a readable {kind} file: {text} "
                          f"(supported formats: {supported_formats()})")


def _undirected(path: Path, g: nx.Graph) -> nx.Graph:
    """Any networkx graph as a simple undirected graph with checked weights and no self-loops."""
    g = nx.Graph(g)  # directed, multi-edges: one undirected tie per pair, the last data counting
    for u, v, d in g.edges(data=True):
        if "weight" in d:
            d["weight"] = _weight(d["weight"], f"{path}: edge {_quote(u)}-{_quote(v)}")
    g.remove_edges_from(list(nx.selfloop_edges(g)))
    return g


def good_weights(w) -> np.ndarray:
    """Which tie weights are usable: finite and positive numbers.

    The one rule for graph files, networkx graphs and SocialGraphs; `_weight` is its form for one value.

    >>> good_weights(np.array([1.0, 0.0, -2.0, np.inf, np.nan, 0.5])).tolist()
    [True, False, False, False, False, True]
    """
    w = np.asarray(w)
    if not np.issubdtype(w.dtype, np.number):
        return np.zeros(w.shape, bool)
    return np.isfinite(w) & (w > 0)


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


def _read_graphml(path: Path, fh) -> nx.Graph:
    try:
        return nx.read_graphml(fh)
    except Exception as exc:  # noqa: BLE001 - networkx and the XML parser raise many types for bad files
        raise _unreadable(path, "GraphML", exc) from None


def _read_gexf(path: Path, fh) -> nx.Graph:
    try:
        return nx.read_gexf(fh)
    except Exception as exc:  # noqa: BLE001 - as for GraphML
        raise _unreadable(path, "GEXF", exc) from None


def _read_gml(path: Path, fh) -> nx.Graph:
    """GML, nodes named by their `label` (by `id` when nodes have no label)."""
    raw = fh.read()
    try:
        try:
            return nx.parse_gml(raw.decode("utf-8", errors="strict"), label="label")
        except nx.NetworkXError as exc:
            if "no 'label' attribute" not in str(exc):
                raise
            return nx.parse_gml(raw.decode("utf-8"), label="id")
    except Exception as exc:  # noqa: BLE001 - the GML tokenizer and parser raise many types
        raise _unreadable(path, "GML", exc) from None


def _data_lines(path: Path, fh, kind: str):
    """(line number, text) of a line-based file, UTF-8, with bounded line length."""
    for lineno, line_bytes in enumerate(fh, start=1):
        if len(line_bytes) > MAX_CSV_LINE:
            raise GraphFileError(f"{path}:{lineno}: line longer than {MAX_CSV_LINE:,} bytes")
        try:
            yield lineno, line_bytes.decode("utf-8-sig" if lineno == 1 else "utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise GraphFileError(f"{path}:{lineno}: not UTF-8 text (save the {kind} file as UTF-8)") from None


def _read_pajek(path: Path, fh) -> nx.Graph:
    """Pajek (.net): networkx's parser, after a pass naming the first edge line with a bad weight.

    networkx drops a weight it cannot parse without a word; here it is an error with its line.
    """
    lines, section = [], ""
    for lineno, line in _data_lines(path, fh, "Pajek"):
        head = line.strip().lower()
        if head.startswith("*"):
            section = head.split()[0]
        elif section in ("*edges", "*arcs") and head:
            parts = line.split()
            if len(parts) < 2:
                raise GraphFileError(f"{path}:{lineno}: expected 'source target [weight]' under {section}, "
                                     f"got {_quote(line.strip())}")
            if len(parts) >= 3:
                _weight(parts[2], f"{path}:{lineno}")
        lines.append(line)
    try:
        return nx.parse_pajek(lines)
    except Exception as exc:  # noqa: BLE001 - the Pajek parser raises many types (ValueError, IndexError...)
        raise _unreadable(path, "Pajek", exc) from None


def _read_edgelist(path: Path, fh) -> nx.Graph:
    """Whitespace-separated `source target [weight]` lines ('#' starts a comment), via networkx.

    Each line is checked first, so a malformed one is an error naming its line rather than
    skipped (networkx skips a line with one field).
    """
    edges = []
    for lineno, line in _data_lines(path, fh, "edge list"):
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        if len(parts) not in (2, 3):
            raise GraphFileError(f"{path}:{lineno}: expected 'source target [weight]' separated by spaces, "
                                 f"got {_quote(line.strip())}")
        if len(parts) == 3:  # networkx's dict form keeps one pass over the lines, in their order
            parts[2] = f"{{'weight': {_weight(parts[2], f'{path}:{lineno}')!r}}}"
        edges.append(" ".join(parts))
    try:
        g = nx.parse_edgelist(edges, nodetype=str, data=True)
    except Exception as exc:  # noqa: BLE001 - checked above; this names anything networkx still refuses
        raise _unreadable(path, "edge list", exc) from None
    return g


def _fast_csv(raw: bytes):
    """(sources, targets, weights) via pandas, or None when the bytes need the line-by-line reader."""
    import pandas as pd

    if b'"' in raw or b"\r" in raw or raw.startswith(b"\xef\xbb\xbf"):
        return None
    try:
        # index_col=False: a row with extra fields (a trailing comma, a 4th column) keeps its first three
        # in place, as the line reader does, instead of shifting them into the index
        with warnings.catch_warnings():  # pandas warns that the extra fields are dropped: intended
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            df = pd.read_csv(io.BytesIO(raw), header=None, names=["s", "t", "w"], dtype=str,
                             keep_default_na=False, index_col=False, skip_blank_lines=False, engine="c",
                             encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError):
        return None
    if df.empty:
        return np.zeros(0, object), np.zeros(0, object), np.zeros(0)
    if raw.count(b"\n") + (not raw.endswith(b"\n")) != len(df):
        return None  # rows and lines out of step: let the line reader decide
    if (df["s"].str.len().max() or 0) > MAX_CSV_LINE:
        return None
    s, t, w = df["s"], df["t"], df["w"]
    if b" " in raw or b"\t" in raw:
        comment = s.str.lstrip().str.startswith("#")
        s, t, w = s.str.strip(), t.str.strip(), w.str.strip()
    else:
        comment = s.str.startswith("#")
    s, t, w = s.to_numpy(object), t.to_numpy(object), w.to_numpy(object)
    comment = comment.to_numpy(bool)
    blank = (s == "") & (t == "") & (w == "")
    if blank.any():  # empty first three fields, but a 4th (dropped above) is not a blank line
        lines = raw.split(b"\n")
        if any(lines[i].strip(b" \t,") for i in np.flatnonzero(blank)):
            return None  # the line reader reports it, as it does whatever the first line's width
    skip = comment | blank
    first = np.flatnonzero(~skip)[:1]  # the header is the first line that is not a comment or blank
    if first.size and _is_header(s[first[0]], t[first[0]]):
        skip[first[0]] = True
    s, t, w = s[~skip], t[~skip], w[~skip]
    if ((s == "") | (t == "")).any():
        return None
    weight = np.full(s.size, np.nan)
    given = w != ""
    if given.any():
        parsed = pd.to_numeric(pd.Series(w[given]), errors="coerce").to_numpy(float)
        if not good_weights(parsed).all():
            return None  # the line reader names the first bad weight
        weight[given] = parsed
    return s, t, weight


def _slow_csv(path: Path, raw: bytes):
    """(sources, targets, weights) read line by line; raises GraphFileError at the first bad line."""
    src, dst, wts = [], [], []
    header_seen = False
    for lineno, line_bytes in enumerate(io.BytesIO(raw), start=1):
        if len(line_bytes) > MAX_CSV_LINE:
            raise GraphFileError(f"{path}:{lineno}: line longer than {MAX_CSV_LINE:,} bytes")
        try:
            line = line_bytes.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError:
            raise GraphFileError(f"{path}:{lineno}: not UTF-8 text (save the file as UTF-8)") from None
        try:
            row = next(csv.reader([line]), [])
        except csv.Error as exc:
            raise GraphFileError(f"{path}:{lineno}: not a CSV line: {exc}") from None
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        row = [c.strip() for c in row]
        if not header_seen and _is_header(row[0], row[1] if len(row) > 1 else ""):
            header_seen = True  # the first line that is not a comment or blank may be a header
            continue
        header_seen = True
        if len(row) < 2 or not row[0] or not row[1]:
            raise GraphFileError(f"{path}:{lineno}: expected 'source,target[,weight]', got {_quote(row)}")
        w = _weight(row[2], f"{path}:{lineno}") if len(row) >= 3 and row[2] else np.nan
        src.append(row[0])
        dst.append(row[1])
        wts.append(w)
    return np.array(src, dtype=object), np.array(dst, dtype=object), np.array(wts, dtype=float)


def _edges_from_labels(s: np.ndarray, t: np.ndarray, w: np.ndarray) -> SocialGraph:
    """Number persons by first appearance; one tie per pair (last weight wins); drop self-loops."""
    import pandas as pd

    both = np.empty(2 * s.size, dtype=object)
    both[0::2], both[1::2] = s, t
    codes, labels = pd.factorize(both, sort=False)
    n = len(labels)
    a, b = codes[0::2].astype(np.int64), codes[1::2].astype(np.int64)
    loop = a == b
    a, b, w = a[~loop], b[~loop], w[~loop]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    df = pd.DataFrame({"key": lo * max(n, 1) + hi, "lo": lo, "hi": hi, "w": w})
    ties = df.groupby("key", sort=False).agg(lo=("lo", "first"), hi=("hi", "first"), w=("w", "last"))
    weighted = bool((~np.isnan(w)).any())
    weight = ties["w"].fillna(1.0).to_numpy(float) if weighted else None
    return SocialGraph(n, ties["lo"].to_numpy(np.int32), ties["hi"].to_numpy(np.int32), weight,
                       labels=np.asarray(labels, dtype=object))
