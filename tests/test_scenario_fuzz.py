"""Property-based: random and mutated scenario documents either load or raise ScenarioError."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.scenario import ScenarioError, load_scenario
from sim.scenario.schema import SCHEMA, iter_leaves
from tests.conftest import SCENARIOS

LEAF_PATHS = [p for p, _ in iter_leaves(SCHEMA)]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**12),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=6)


def _set(doc, path, value):
    node = doc
    for part in path[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[path[-1]] = value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_documents(tmp_path_factory, data):
    base = yaml.safe_load((SCENARIOS / "points.yaml").read_text())
    base.pop("extends")
    doc = base
    for _ in range(data.draw(st.integers(1, 4))):
        if not isinstance(doc, dict):
            break
        choice = data.draw(st.integers(0, 3))
        if choice == 0:
            path = data.draw(st.sampled_from(LEAF_PATHS))
            _set(doc, path, data.draw(values))
        elif choice == 1:
            doc[data.draw(st.text(max_size=10))] = data.draw(values)
        elif choice == 2:
            doc["strategies"] = data.draw(st.one_of(values, st.dictionaries(
                st.sampled_from(["points", "events", "tiers", "bogus", "split_groups"]),
                st.dictionaries(st.sampled_from(["start", "stop", "every", "cap", "format", "x"]),
                                scalars, max_size=3), max_size=3)))
        else:
            doc = data.draw(values)
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    try:
        load_scenario(path)
    except ScenarioError as exc:
        assert exc.problems and all(p.file for p in exc.problems)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_random_text(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_scenario(path)
    except ScenarioError as exc:
        assert exc.problems
