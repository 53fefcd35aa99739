"""Social graphs, loaders, Dunbar-limited ties and person traits."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from sim.model.population import GraphFileError, build_population, dunbar_ties, load_graph_file, make_graph
from sim.scenario import scenario_from_dict


def pop_for(graph: dict, **population):
    sc = scenario_from_dict({"population": {"graph": graph, **population}})
    return build_population(sc.population, np.random.default_rng(0))


@pytest.mark.parametrize("kind", ["clustered_scale_free", "watts_strogatz", "interest_clusters", "erdos_renyi"])
def test_generators_size_and_mean_degree(kind):
    sc = scenario_from_dict({"population": {"size": 3000, "graph": {"type": kind, "mean_degree": 10}}})
    g = make_graph(sc.population.graph, 3000, np.random.default_rng(1))
    assert g.number_of_nodes() == 3000
    mean_degree = 2 * g.number_of_edges() / 3000
    assert 8.0 <= mean_degree <= 12.0, mean_degree


def test_clustered_scale_free_is_clustered_and_heavy_tailed():
    sc = scenario_from_dict({"population": {"size": 3000}})
    g = make_graph(sc.population.graph, 3000, np.random.default_rng(1))
    er = nx.gnm_random_graph(3000, g.number_of_edges(), seed=1)
    assert nx.average_clustering(g) > 5 * nx.average_clustering(er)
    assert max(d for _, d in g.degree()) > 4 * max(d for _, d in er.degree())


def test_interest_clusters_keep_ties_inside():
    sc = scenario_from_dict({"population": {"size": 2000, "graph": {"type": "interest_clusters",
                                                                    "clusters": 4, "within_share": 0.9}}})
    g = make_graph(sc.population.graph, 2000, np.random.default_rng(2))
    block = {n: d["block"] for n, d in g.nodes(data=True)}
    inside = sum(block[u] == block[v] for u, v in g.edges()) / g.number_of_edges()
    assert 0.85 < inside < 0.95


@pytest.mark.parametrize("kind,nodes,edges", [("karate_club", 34, 78), ("les_miserables", 77, 254),
                                              ("florentine_families", 15, 20),
                                              ("davis_southern_women", 32, 89)])
def test_named_real_graphs(kind, nodes, edges):
    pop = pop_for({"type": kind})
    assert pop.n == nodes
    assert pop.graph.number_of_edges() == edges
    assert pop.maintained.nnz == 2 * edges  # all below the Dunbar limit: every tie maintained


def test_dunbar_limits_hold_on_a_hub():
    """EVIDENCE E3: maintained ties per person never exceed the configured limit."""
    g = nx.star_graph(400)
    nx.add_path(g, range(1, 401))
    maintained, close = dunbar_ties(g, 150, 20, np.random.default_rng(0))
    per_person = np.diff(maintained.indptr)
    assert per_person.max() == 150 and per_person[0] == 150
    assert np.diff(close.indptr).max() == 20
    # close ties are a subset of maintained ties
    assert (close.multiply(maintained) != close).nnz == 0


def test_dunbar_keeps_strongest_weighted_ties():
    g = nx.Graph()
    for j in range(1, 11):
        g.add_edge(0, j, weight=float(j))
    maintained, close = dunbar_ties(g, 3, 1, np.random.default_rng(0))
    assert sorted(maintained[0].indices.tolist()) == [8, 9, 10]
    assert close[0].indices.tolist() == [10]


def test_traits_follow_their_distributions():
    pop = pop_for({"type": "erdos_renyi"}, size=20000, attention_median=50.0, attention_sigma=0.5,
                  post_propensity_sigma=1.0, topic_fit_a=2.0, topic_fit_b=3.0)
    assert abs(np.median(pop.attention) / 50.0 - 1) < 0.03
    assert abs(pop.propensity.mean() - 1.0) < 0.05          # mean-one lognormal
    assert abs(pop.topic_fit.mean() - 0.4) < 0.01            # Beta(2,3) mean
    fixed = pop_for({"type": "karate_club"}, topic_fit_fixed=1.0)
    assert np.all(fixed.topic_fit == 1.0)


def test_edge_list_csv(tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("source,target,weight\n# a comment\nann,bob,2\nbob,cyd,1\n\ncyd,ann\n")
    g = load_graph_file(p)
    assert g.number_of_nodes() == 3 and g.number_of_edges() == 3
    assert g["ann"]["bob"]["weight"] == 2.0


@pytest.mark.parametrize("text,line", [("a,b\nc\n", 2), ("a,b\nb,c,heavy\n", 2), ("a,b\nb,c,-1\n", 2)])
def test_edge_list_errors_name_file_and_line(tmp_path, text, line):
    p = tmp_path / "g.csv"
    p.write_text(text)
    with pytest.raises(GraphFileError, match=rf"g\.csv:{line}:"):
        load_graph_file(p)


def test_graphml_roundtrip_and_bad_file(tmp_path):
    g = nx.les_miserables_graph()
    p = tmp_path / "g.graphml"
    nx.write_graphml(g, p)
    assert load_graph_file(p).number_of_edges() == g.number_of_edges()
    bad = tmp_path / "bad.graphml"
    bad.write_text("<graphml><oops")
    with pytest.raises(GraphFileError, match="bad.graphml"):
        load_graph_file(bad)


def test_same_seed_same_population():
    a, b = pop_for({"type": "clustered_scale_free"}, size=500), pop_for({"type": "clustered_scale_free"}, size=500)
    assert (a.maintained != b.maintained).nnz == 0
    assert np.array_equal(a.attention, b.attention)
