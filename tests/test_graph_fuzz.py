"""Property-based: random and mutated graph files (every supported format) either load or raise GraphFileError.

As `test_scenario_fuzz.py` does for scenarios: whatever the bytes, `load_graph_file` returns a
graph fit to build a population from (at least 2 persons, no self-loops, every weight a
finite positive number) or raises the documented `GraphFileError` naming the file, never
another exception, and within a generous time bound (hypothesis' deadline, per example).
"""

from __future__ import annotations

from datetime import timedelta

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model import graphs
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


# ------------------------------------------------------------------ GML, GEXF, Pajek, edge lists
def _random_graph(draw) -> nx.Graph:
    n = draw(st.integers(0, 8))
    g = nx.gnm_random_graph(n, draw(st.integers(0, n * 2)), seed=draw(st.integers(0, 1000)))
    names = {}
    for i in g:  # distinct, whitespace-free labels (every format can carry them)
        names[i] = (draw(st.text("abcxyz019_é", min_size=1, max_size=4)) or "n") + f"_{i}"
    g = nx.relabel_nodes(g, names, copy=True)
    value = draw(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 5)))
    for u, v in g.edges():
        if draw(st.booleans()):
            g[u][v]["weight"] = value
    return g


WRITERS = {
    "gml": lambda g: "\n".join(nx.generate_gml(g)),
    "gexf": lambda g: "\n".join(nx.generate_gexf(g)),
    "net": lambda g: "\n".join(nx.generate_pajek(g)),
    "edgelist": lambda g: "\n".join(f"{u} {v} {d['weight']}" if "weight" in d else f"{u} {v}"
                                     for u, v, d in g.edges(data=True)),
}


@st.composite
def format_bytes(draw, ext: str):
    text = WRITERS[ext](_random_graph(draw))
    for _ in range(draw(st.integers(0, 3))):  # mutations: splice text, cut, duplicate a line
        choice = draw(st.integers(0, 2))
        if choice == 0 and text:
            i = draw(st.integers(0, len(text) - 1))
            text = text[:i] + draw(st.text(max_size=10)) + text[i + draw(st.integers(0, 10)):]
        elif choice == 1:
            text = text[: draw(st.integers(0, len(text)))]
        else:
            lines = text.splitlines() or [""]
            text = "\n".join(lines + [draw(st.sampled_from(lines))])
    return text.encode(draw(st.sampled_from(["utf-8", "latin-1"])), errors="replace")


@SETTINGS
@given(data=st.data())
@pytest.mark.parametrize("ext", ["gml", "gexf", "net", "edgelist", "txt"])
def test_random_and_mutated_networkx_formats(tmp_path_factory, data, ext):
    path = tmp_path_factory.mktemp(ext) / f"g.{ext}"
    writer = "edgelist" if ext == "txt" else ext
    body = data.draw(st.one_of(format_bytes(writer), st.binary(max_size=1000)))
    path.write_bytes(body)
    check(path)


@pytest.mark.parametrize("ext", ["csv", "graphml", "gml", "gexf", "net", "edgelist", "edges", "txt"])
def test_every_format_reads_the_same_weighted_graph(tmp_path, ext):
    g = nx.Graph()
    g.add_edge("ann", "bob", weight=2.0)
    g.add_edge("bob", "cyd", weight=1.0)
    g.add_edge("cyd", "ann", weight=0.5)
    g.add_node("dan")
    g.add_edge("dan", "ann", weight=3.0)
    path = tmp_path / f"g.{ext}"
    if ext == "csv":
        rows = "".join(f"{u},{v},{d['weight']}\n" for u, v, d in g.edges(data=True))
        path.write_text("source,target,weight\n" + rows)
    elif ext == "graphml":
        nx.write_graphml(g, path)
    else:
        path.write_text(WRITERS.get(ext, WRITERS["edgelist"])(g) + "\n")
    sg = graphs.read_graph_file(path)
    got = {frozenset((sg.labels[a], sg.labels[b])): w for a, b, w in zip(sg.u, sg.v, sg.weight)}
    assert got == {frozenset((u, v)): d["weight"] for u, v, d in g.edges(data=True)}
    assert sorted(sg.labels.tolist()) == ["ann", "bob", "cyd", "dan"]


@pytest.mark.parametrize("name,body,where,says", [
    ("g.foo", "a,b\n", "g.foo:", "unknown graph file format '.foo'"),
    ("g", "a,b\n", "g:", "'(no extension)'"),
    ("g.txt", "a b 1\nb\n", "g.txt:2:", "expected 'source target [weight]'"),
    ("g.edges", "a b 1\nb c inf\n", "g.edges:2:", "finite positive"),
    ("g.net", "*vertices 2\n1 a\n2 b\n*edges\n1 2 heavy\n", "g.net:5:", "not a number"),
    ("g.gml", 'graph [\n node [ id 0 label "a" ]\n edge [ source 0 target 0 weight x ]\n]', "g.gml:3:",
     "not a readable GML file"),
    ("g.gexf", "<gexf><graph><nodes>\n<node id='a'/>\n<oops", "g.gexf:3:", "not a readable GEXF file"),
])
def test_bad_files_name_file_line_and_the_supported_formats(tmp_path, name, body, where, says):
    path = tmp_path / name
    path.write_text(body)
    with pytest.raises(GraphFileError) as info:
        graphs.read_graph_file(path)
    text = str(info.value)
    assert text.startswith(f"{tmp_path}/{where}") and says in text, text
    if "unknown" in says or "not a readable" in says:
        for fmt in ("GML: .gml", "GEXF: .gexf", "Pajek: .net", "GraphML: .graphml", ".csv", ".edgelist"):
            assert fmt in text, fmt


def test_networkx_formats_are_size_bounded(tmp_path, monkeypatch):
    path = tmp_path / "big.gml"
    path.write_text('graph [ node [ id 0 label "a" ] node [ id 1 label "b" ] edge [ source 0 target 1 ] ]')
    assert graphs.read_graph_file(path).n == 2
    monkeypatch.setattr(graphs, "MAX_NETWORKX_GRAPH_BYTES", 20)
    limit = r"big\.gml: graph file is 84 bytes; the limit is 20 bytes \(save larger graphs as an edge-list CSV\)"
    with pytest.raises(GraphFileError, match=limit):
        graphs.read_graph_file(path)


def test_an_edge_list_with_extra_fields_keeps_its_columns(tmp_path):
    """Rows with a trailing comma or a 4th column (e.g. a timestamp) are read by their first
    three fields, by the fast reader as by the line reader: a 300-person ring stays a ring.
    Fails if the extra field shifts the columns (it once made a star around person "1")."""
    for name, row in (("trailing.csv", "u{i},u{j},1,\n"), ("stamped.csv", "{i},{j},1,1600000000\n")):
        path = tmp_path / name
        path.write_text("source,target,weight,\n" + "".join(row.format(i=i, j=(i + 1) % 300) for i in range(300)))
        raw = path.read_bytes()
        fast, slow = graphs._fast_csv(raw), graphs._slow_csv(path, raw)
        for a, b in zip(fast, slow):
            assert list(a) == list(b)
        g = load_graph_file(path)
        assert g.number_of_nodes() == 300 and g.number_of_edges() == 300
        assert max(d for _, d in g.degree()) == 2


def test_validate_names_the_scenario_line_of_a_graph_file_that_cannot_be_read(tmp_path, capsys):
    """A graph file that exists but cannot be read is blamed on the scenario line naming it,
    through `extends` and `--set` too (it used to lose the line: `g2.yaml: population.graph.file`)."""
    from sim.cli import main

    (tmp_path / "bad.csv").write_text("a,b\n1,2\n2,x,y,z\n")
    (tmp_path / "g2.yaml").write_text("name: g2\npopulation:\n  size: 10\n  graph:\n"
                                      "    type: file\n    file: bad.csv\n")
    (tmp_path / "g3.yaml").write_text("extends: g2.yaml\nname: g3\n")
    for name in ("g2.yaml", "g3.yaml"):
        assert main(["validate", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert f"{tmp_path / 'g2.yaml'}:6: population.graph.file: {tmp_path / 'bad.csv'}:3:" in err, err
    assert main(["validate", str(tmp_path / "g3.yaml"), "--set", f"population.graph.file={tmp_path / 'bad.csv'}"]) == 2
    assert "  --set: population.graph.file:" in capsys.readouterr().err
