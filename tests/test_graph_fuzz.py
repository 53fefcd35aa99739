"""Property-based: random and mutated graph files (CSV and GraphML) either load or raise GraphFileError.

As `test_scenario_fuzz.py` does for scenarios: whatever the bytes, `load_graph_file` returns a
graph fit to build a population from (at least 2 persons, no self-loops, every weight a
finite positive number) or raises the documented `GraphFileError` naming the file, never
another exception, and within a generous time bound (hypothesis' deadline, per example).
"""

from __future__ import annotations

from datetime import timedelta

import networkx as nx
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model.population import GraphFileError, build_population, load_graph_file
from sim.scenario import default_scenario

SETTINGS = settings(max_examples=150, deadline=timedelta(seconds=10),
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

labels = st.one_of(st.integers(-5, 40).map(str), st.text(max_size=6), st.sampled_from(["", " ", "#x", '"a,b"', "é"]))
weights = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers(-3, 10).map(str),
                    st.sampled_from(["", "nan", "inf", "-inf", "1e400", "abc", "0", "-0.0", "1_0", " 2 "]),
                    st.text(max_size=5))


def check(path):
    """The property: a usable graph, or GraphFileError naming the file; nothing else."""
    try:
        g = load_graph_file(path)
    except GraphFileError as exc:
        assert str(exc).startswith(str(path)), exc
        return
    assert isinstance(g, nx.Graph) and g.number_of_nodes() >= 2
    assert nx.number_of_selfloops(g) == 0
    for _, _, d in g.edges(data=True):
        if "weight" in d:
            assert isinstance(d["weight"], float) and np.isfinite(d["weight"]) and d["weight"] > 0
    pop = build_population(default_scenario().population, np.random.default_rng(0), graph=g)
    assert pop.n == g.number_of_nodes()


@st.composite
def csv_text(draw):
    rows = draw(st.lists(st.tuples(labels, labels, st.one_of(st.none(), weights)), max_size=25))
    lines = [f"{a},{b}" if w is None else f"{a},{b},{w}" for a, b, w in rows]
    if draw(st.booleans()):
        lines.insert(0, draw(st.sampled_from(["source,target", "source,target,weight", "# comment", "", "u,v"])))
    extra = draw(st.lists(st.text(max_size=20), max_size=3))
    for text in extra:
        lines.insert(draw(st.integers(0, len(lines))), text)
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


@SETTINGS
@given(data=st.data())
def test_random_and_mutated_csv(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("csv") / "g.csv"
    kind = data.draw(st.integers(0, 2))
    if kind == 0:
        body = data.draw(st.binary(max_size=2000))
    else:
        text = data.draw(csv_text())
        encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
        body = text.encode(encoding, errors="replace")
        if kind == 2 and body:  # flip, cut or splice bytes
            i = data.draw(st.integers(0, len(body) - 1))
            body = body[:i] + data.draw(st.binary(max_size=8)) + body[i + data.draw(st.integers(0, 8)):]
    path.write_bytes(body)
    check(path)


@st.composite
def graphml_bytes(draw):
    n = draw(st.integers(0, 8))
    g = nx.gnm_random_graph(n, draw(st.integers(0, n * 2)), seed=draw(st.integers(0, 1000)))
    g = nx.relabel_nodes(g, {i: draw(labels) or f"n{i}" for i in g}, copy=True)
    value = draw(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 5), st.text(max_size=4),
                           st.booleans()))
    for u, v in g.edges():
        if draw(st.booleans()):
            g[u][v]["weight"] = value
    text = "\n".join(nx.generate_graphml(g))
    for _ in range(draw(st.integers(0, 3))):  # mutations: splice text, retype the weight, cut
        choice = draw(st.integers(0, 2))
        if choice == 0 and text:
            i = draw(st.integers(0, len(text) - 1))
            text = text[:i] + draw(st.text(max_size=10)) + text[i + draw(st.integers(0, 10)):]
        elif choice == 1:
            retype = draw(st.sampled_from(["string", "int", "boolean", "x"]))
            text = text.replace('attr.type="double"', f'attr.type="{retype}"')
        else:
            text = text[: draw(st.integers(0, len(text)))]
    return text.encode("utf-8", errors="replace")


@SETTINGS
@given(data=st.data())
def test_random_and_mutated_graphml(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("graphml") / data.draw(st.sampled_from(["g.graphml", "g.xml"]))
    body = data.draw(st.one_of(graphml_bytes(), st.binary(max_size=1000)))
    path.write_bytes(body)
    check(path)
