"""Scenario files: loading, extends, overrides, and every class of validation error."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from sim.scenario import ScenarioError, load_scenario, scenario_from_dict
from tests.conftest import ROOT, SCENARIOS


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip("\n"))
    return p


def problems_of(path, **kw):
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, **kw)
    return info.value.problems


def test_baseline_defaults_and_overrides():
    sc = load_scenario(SCENARIOS / "baseline.yaml", overrides=["population.size=1234", "acquisition.q_weak=0.1"])
    assert sc.population.size == 1234
    assert sc.acquisition.q_weak == 0.1
    assert isinstance(sc.population.size, int)
    assert sc.community.organizers == 3
    assert sc.strategies == ()


def test_extends_merges_and_null_removes_strategy(tmp_path):
    base = write(tmp_path, "base.yaml", """
        population: {size: 800}
        strategies:
          points: {start: 5}
          events: {every: 30}
    """)
    variant = write(tmp_path, "v.yaml", """
        extends: base.yaml
        population: {graph: {type: watts_strogatz}}
        strategies:
          points: {stop: 50}
          events: null
    """)
    sc = load_scenario(variant)
    assert sc.population.size == 800 and sc.population.graph.type == "watts_strogatz"
    names = {name: spec for name, _, spec in sc.strategies}
    assert list(names) == ["points"]
    assert names["points"].start == 5 and names["points"].stop == 50
    assert base.exists()


def test_a_variant_is_named_after_its_file_not_after_its_base(tmp_path):
    write(tmp_path, "base.yaml", """
        name: baseline
        description: No strategy at all.
        population: {size: 800}
    """)
    unnamed = write(tmp_path, "more_staff.yaml", """
        extends: base.yaml
        community: {organizers: 6}
    """)
    named = write(tmp_path, "named.yaml", """
        extends: more_staff.yaml
        name: six organizers
        description: Twice the staff.
    """)
    sc = load_scenario(unnamed)
    assert sc.get("name") == "more_staff" and sc.get("description") == ""
    assert sc.population.size == 800  # the parameters are inherited
    sc2 = load_scenario(named)
    assert sc2.get("name") == "six organizers" and sc2.get("description") == "Twice the staff."
    assert sc2.community.organizers == 6
    from sim.experiments.compare import _label
    taken: set = set()
    assert [_label(s, taken) for s in (load_scenario(tmp_path / "base.yaml"), sc)] == ["baseline", "more_staff"]


def test_an_empty_section_or_new_strategy_is_an_error_not_a_silent_default(tmp_path):
    write(tmp_path, "base.yaml", """
        community: {group_cap: 120}
        strategies:
          events: {every: 30}
    """)
    variant = write(tmp_path, "v.yaml", """
        extends: base.yaml
        community:
        strategies:
          events:
          points:
    """)
    with pytest.raises(ScenarioError) as err:
        load_scenario(variant)
    found = {(p.line, p.key) for p in err.value.problems}
    # community would have reset group_cap to the default; points would have vanished;
    # events: null removes the base's strategy, as documented, and is not a problem
    assert found == {(2, "community"), (5, "strategies.points")}
    assert "points: {}" in str(err.value)
    with pytest.raises(ScenarioError, match="strategies.points: is empty"):
        scenario_from_dict({"strategies": {"points": None}})
    # a nested empty section, and the same through --set
    nested = write(tmp_path, "n.yaml", """
        extends: base.yaml
        population:
          graph:
    """)
    with pytest.raises(ScenarioError) as err:
        load_scenario(nested)
    assert [(p.line, p.key) for p in err.value.problems] == [(3, "population.graph")]
    # a --set below the empty section must not fill it in silently
    with pytest.raises(ScenarioError) as err:
        load_scenario(nested, overrides=["population.graph.mean_degree=8"])
    assert [(p.line, p.key) for p in err.value.problems] == [(3, "population.graph")]
    for override in ("community=", "strategies.points="):
        with pytest.raises(ScenarioError, match="is empty|must not be empty"):
            load_scenario(SCENARIOS / "baseline.yaml", overrides=[override])
    # --set strategies.points= removes the strategy a scenario has, as a null in a file does
    assert load_scenario(SCENARIOS / "points.yaml", overrides=["strategies.points="]).strategies == ()


def test_every_on_a_strategy_that_does_not_recur_is_an_error(tmp_path):
    path = write(tmp_path, "v.yaml", """
        strategies:
          points: {every: 7}
          events: {every: 30}
    """)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert [(p.line, p.key) for p in err.value.problems] == [(2, "strategies.points.every")]
    assert "would be ignored" in str(err.value)
    assert load_scenario(SCENARIOS / "koc_promotion.yaml").strategies  # recurring kinds keep it


def test_shipped_variants_extend_baseline():
    sc = load_scenario(SCENARIOS / "points_removed.yaml")
    (name, kind, spec), = sc.strategies
    assert kind == "points" and spec.start == 0 and spec.stop == 180
    assert sc.population.size == 5000


def test_two_strategies_of_one_kind(tmp_path):
    p = write(tmp_path, "s.yaml", """
        strategies:
          meetups: {kind: events, format: offline, every: 90}
          lives: {kind: events, format: online, every: 30}
    """)
    kinds = [k for _, k, _ in load_scenario(p).strategies]
    assert kinds == ["events", "events"]


def test_unknown_key_with_line_and_suggestion(tmp_path):
    p = write(tmp_path, "s.yaml", """
        seed: 3
        population:
          sise: 100
    """)
    (pr,) = problems_of(p)
    assert pr.line == 3 and pr.key == "population.sise" and "population.size" in pr.message
    # top-level keys that are not parameter sections are suggested too
    p = write(tmp_path, "t.yaml", """
        extend: baseline.yaml
        strategy: {points: {}}
    """)
    assert [(x.key, x.message.split("; ")[1]) for x in problems_of(p)] == [
        ("extend", "did you mean 'extends'?"), ("strategy", "did you mean 'strategies'?")]


def test_wrong_type_out_of_range_bad_choice(tmp_path):
    p = write(tmp_path, "s.yaml", """
        horizon_days: lots
        acquisition:
          q_weak: 1.5
        churn:
          mode: interset
    """)
    probs = {pr.key: pr for pr in problems_of(p)}
    assert probs["horizon_days"].line == 1 and "number" in probs["horizon_days"].message
    assert probs["acquisition.q_weak"].line == 3 and "[0, 1]" in probs["acquisition.q_weak"].message
    assert probs["churn.mode"].line == 5 and "'interest'" in probs["churn.mode"].message


def test_bool_and_int_are_strict(tmp_path):
    p = write(tmp_path, "s.yaml", """
        acquisition:
          share_requires_activity: 1
        population:
          size: 10.5
    """)
    keys = {pr.key for pr in problems_of(p)}
    assert keys == {"acquisition.share_requires_activity", "population.size"}


def test_an_indentation_mistake_says_indentation(tmp_path):
    """PyYAML's "expected <block end>, but found '<block mapping start>'" never said indentation
    (a newcomer's first hour, 2026-12-07); nor its "mapping values are not allowed here" for a
    key indented under a value. Both now say what usually causes them, on the right line."""
    (under,) = problems_of(write(tmp_path, "a.yaml", "population:\n  size: 300\n community:\n  group_cap: 200\n"))
    assert under.line == 3 and "usually indentation" in under.message, under
    (deeper,) = problems_of(write(tmp_path, "b.yaml", "population:\n  size: 300\n    seed_members: 3\n"))
    assert deeper.line == 3 and "a key indented deeper than the key above it" in deeper.message, deeper
    (bracket,) = problems_of(write(tmp_path, "c.yaml", "population:\n  size: [1, 2\n"))
    assert "indent" not in bracket.message  # an unclosed bracket is not blamed on indentation
    for quoting in ('name: "monthly" events\n', "name: 'it's'\n"):  # nor a quoting mistake (a review's find)
        (quoted,) = problems_of(write(tmp_path, "d.yaml", quoting))
        assert "YAML syntax error" in quoted.message and "indent" not in quoted.message, quoted


def test_a_missing_scenario_file_says_where_it_was_looked_for(tmp_path, monkeypatch):
    """`load_scenario("scenarios/x.yaml")` outside the repository's root said only "file not
    found", under a heading naming no file; it now names the file, the folder it was looked for
    in, and the shipped scenario of that name or a near spelling."""
    from sim.scenario import ScenarioError, load_scenario

    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as err:
        load_scenario("scenarios/koc_promotion.yaml")
    text = str(err.value)
    assert text.startswith("1 problem in scenario scenarios/koc_promotion.yaml:")
    assert f"looked for {tmp_path / 'scenarios' / 'koc_promotion.yaml'}: relative to the working directory" in text
    assert f"the shipped scenario of that name is {SCENARIOS / 'koc_promotion.yaml'}" in text
    (tmp_path / "invite_fission.yaml").write_text("{}\n")
    with pytest.raises(ScenarioError, match=r"did you mean invite_fission.yaml\?"):
        load_scenario("invite_fision.yaml")


def test_yaml_syntax_error_has_line(tmp_path):
    p = write(tmp_path, "s.yaml", """
        seed: 1
        population:
          size: [1, 2
        horizon_days: 3
    """)
    (pr,) = problems_of(p)
    assert "YAML syntax error" in pr.message and pr.line in (3, 4)


def test_a_tab_in_the_indentation_says_to_use_spaces(tmp_path):
    p = tmp_path / "tab.yaml"
    p.write_text("seed: 1\npopulation:\n\tsize: 300\n", encoding="utf-8")
    (pr,) = problems_of(p)
    assert pr.line == 3 and "YAML syntax error" in pr.message and "replace the tab with spaces" in pr.message
    (other,) = problems_of(write(tmp_path, "s.yaml", "population:\n  size: [1, 2\n"))
    assert "replace the tab" not in other.message  # only a tab gets the hint


def test_missing_extends_and_cycle(tmp_path):
    p = write(tmp_path, "s.yaml", "extends: nowhere.yaml\n")
    (pr,) = problems_of(p)
    assert pr.key == "extends" and pr.line == 1
    # it says where it looked: relative to the file's folder, not the working directory
    assert str(tmp_path / "nowhere.yaml") in pr.message and "relative to this file's folder" in pr.message
    a = write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "name: b\nextends: a.yaml\n")
    (cycle,) = [pr for pr in problems_of(a) if "circular" in pr.message]
    assert cycle.file.endswith("b.yaml") and cycle.line == 2  # the extends that closes the circle


def test_strategy_errors(tmp_path):
    p = write(tmp_path, "s.yaml", """
        strategies:
          pionts: {start: 1}
          events:
            start: 50
            stop: 10
            format: webinar
    """)
    probs = {pr.key: pr for pr in problems_of(p)}
    assert "did you mean 'points'" in probs["strategies.pionts"].message
    assert probs["strategies.pionts"].line == 2
    assert probs["strategies.events.stop"].line == 5
    assert probs["strategies.events.format"].line == 6


def test_strategy_after_the_horizon_is_a_notice(tmp_path):
    """Valid, so it loads, but it would never be in force: the scenario carries a notice naming line and key."""
    p = write(tmp_path, "s.yaml", """
        horizon_days: 200
        strategies:
          points: {start: 0}
          events:
            start: 200
    """)
    sc = load_scenario(p)
    (notice,) = sc.notices
    assert (notice.key, notice.line, notice.file) == ("strategies.events.start", 5, str(p))
    assert "never in force" in notice.message and "199" in notice.message
    assert load_scenario(p, days=201).notices == ()  # day 200 is simulated now
    assert len(load_scenario(p, days=50).notices) == 1  # a short --days says so too
    assert len(sc.with_overrides(["horizon_days=150"]).notices) == 1
    assert scenario_from_dict({"strategies": {"events": {"start": 2000}}}).notices[0].key == "strategies.events.start"
    assert all(load_scenario(f).notices == () for f in SCENARIOS.glob("*.yaml"))  # shipped files mean what they say


def test_not_a_mapping(tmp_path):
    p = write(tmp_path, "s.yaml", "- 1\n- 2\n")
    (pr,) = problems_of(p)
    assert "mapping" in pr.message


def test_set_override_errors_are_reported():
    with pytest.raises(ScenarioError) as info:
        load_scenario(SCENARIOS / "baseline.yaml", overrides=["population.size=-4", "nonsense"])
    msgs = str(info.value)
    assert "population.size" in msgs and "--set" in msgs and "KEY=VALUE" in msgs


def test_acceptance_four_problems_in_one_report(tmp_path):
    """Misspelt key, string for a number, negative rate, missing graph file: one report."""
    p = write(tmp_path, "bad.yaml", """
        name: broken
        population:
          size: many
          graph:
            type: file
            file: no_such_graph.csv
        acquisition:
          p_externel: 0.01
          q_weak: -0.2
    """)
    probs = problems_of(p)
    by_key = {pr.key: pr.line for pr in probs}
    assert by_key == {"population.size": 3, "population.graph.file": 6,
                      "acquisition.p_externel": 8, "acquisition.q_weak": 9}
    text = str(ScenarioError(probs))
    assert text.count(str(p)) == 4


def test_graph_file_resolved_relative_to_scenario(tmp_path):
    (tmp_path / "g.csv").write_text("source,target\na,b\nb,c\n")
    p = write(tmp_path, "s.yaml", "population: {graph: {type: file, file: g.csv}}\n")
    sc = load_scenario(p)
    assert sc.population.graph.file == str((tmp_path / "g.csv").resolve())


def test_a_size_given_with_a_file_graph_is_noted_as_unused(tmp_path):
    """A file graph brings its own persons: a population.size beside it is said to be unused,
    where it was written (a red team's 5,000 became 100 persons without a word)."""
    (tmp_path / "g.csv").write_text("source,target\na,b\nb,c\n")
    p = write(tmp_path, "s.yaml", "population:\n  size: 5000\n  graph: {type: file, file: g.csv, mean_degree: 4}\n")
    notes = {n.key: n for n in load_scenario(p).notices}
    assert set(notes) == {"population.size", "population.graph.mean_degree"}
    assert notes["population.size"].line == 2 and "not used: a file graph brings its own persons" in \
        notes["population.size"].message
    quiet = write(tmp_path, "q.yaml", "population: {graph: {type: file, file: g.csv}}\n")
    assert load_scenario(quiet).notices == ()  # nothing written, nothing to say
    variant = write(tmp_path, "v.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\n"
                                        "population: {graph: {type: file, file: g.csv}}\n")
    assert load_scenario(variant).notices == ()  # the base's size is inherited, not written: no note
    named = load_scenario(SCENARIOS / "baseline.yaml", overrides=["population.graph.type=karate_club",
                                                                  "community.seed_members=10",
                                                                  "population.size=40"])
    # the --set size, and the file's own mean_degree (baseline.yaml is the top file here)
    assert sorted(n.key for n in named.notices) == ["population.graph.mean_degree", "population.size"]
    generated = write(tmp_path, "gen.yaml", "population: {size: 500, graph: {mean_degree: 4}}\n")
    assert load_scenario(generated).notices == ()


def test_every_shipped_scenario_validates():
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert len(files) >= 10
    for f in files:
        load_scenario(f)


def test_reference_doc_is_current():
    from sim.scenario.reference import scenario_reference

    committed = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert committed == scenario_reference(), "run: circlesim reference --out docs/scenarios.md"


def test_api_reference_is_current():
    from sim.outputs.apidoc import api_reference

    committed = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert committed == api_reference(), "run: circlesim reference --api --out docs/api.md"
    for name in ("CommunityModel", "load_scenario", "compare", "sweep", "CoreMember", "register"):
        assert name in committed
    assert "_checked" not in committed  # an internal switch of Scenario's is no part of the API shown
    # pyabc's sampler metaclass wraps this method; the reference documents it all the same
    assert "- `sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=inf" in committed


def test_api_reference_does_not_depend_on_the_installed_extras():
    """`circlesim reference --api` on a base install (no fit, sweep, dashboard, notebook extras)
    writes the same reference as with every extra installed."""
    import subprocess
    import sys

    blocked = ["pyabc", "dask", "distributed", "SALib", "solara", "nbformat", "nbclient", "pyarrow", "igraph"]
    code = (f"import sys\nfor m in {blocked!r}: sys.modules[m] = None\n"
            "from sim.outputs.apidoc import api_reference\nsys.stdout.write(api_reference())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         encoding="utf-8").stdout
    assert out == (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def test_scenario_pickles_and_digest_stable():
    import pickle

    sc = load_scenario(SCENARIOS / "points.yaml")
    again = pickle.loads(pickle.dumps(sc))
    assert again.to_dict() == sc.to_dict()
    assert again.digest() == sc.digest()
    assert again.graph_file_at == sc.graph_file_at
    assert sc.digest() != load_scenario(SCENARIOS / "baseline.yaml").digest()


def test_scenarios_are_frozen():
    sc = scenario_from_dict({})
    with pytest.raises(AttributeError):
        sc.population.size = 3


def test_safe_load_only(tmp_path):
    p = write(tmp_path, "s.yaml", "name: !!python/object/apply:os.system ['echo hi']\n")
    (pr,) = problems_of(p)
    assert "YAML" in pr.message
    assert yaml.__name__ == "yaml"


def test_exponent_numbers_are_numbers_in_files_and_overrides(tmp_path):
    """PyYAML's safe loader reads 1e6 as text (YAML 1.1); scenario files and --set read it as a number."""
    f = tmp_path / "s.yaml"
    f.write_text("acquisition:\n  p_external: 4e-5\n")
    sc = load_scenario(f, overrides=["content.max_messages_per_member=1e3"])
    assert sc.acquisition.p_external == pytest.approx(4e-5)
    assert sc.content.max_messages_per_member == 1000.0


def test_leading_dot_exponents_parse_and_method_names_are_not_keys(tmp_path):
    from sim.scenario.loader import Section

    f = tmp_path / "s.yaml"
    f.write_text("acquisition:\n  p_external: .5e-4\n")
    assert load_scenario(f).acquisition.p_external == pytest.approx(5e-5)
    with pytest.raises(ValueError, match="items"):
        Section({"items": 3})


def test_readme_lists_every_timeseries_column():
    """The README's 'Reading the output' names each daily column the registry declares."""
    import re

    from sim.model import METRICS

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Reading the output"):]
    section = section[:section.index("- `summary.json`")]
    named = set(re.findall(r"`([a-z_]+)`", section)) - {"timeseries", "sim", "registry"}
    assert set(METRICS) <= named, sorted(set(METRICS) - named)


def test_readme_tour_lists_every_strategy_kind_with_its_module():
    """The tour's table names each built-in kind and the file that implements it."""
    import inspect
    import re

    from sim.model.strategies import KINDS

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = text[text.index("## A tour of the scenario file"):text.index("## Reading the output")]
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| `([^`]+)` \|$", tour, flags=re.M))
    assert set(rows) == set(KINDS), sorted(set(rows) ^ set(KINDS))
    for kind, path in rows.items():
        assert Path(inspect.getsourcefile(KINDS[kind])) == ROOT / path, (kind, path)


def test_a_bad_days_or_seed_argument_is_blamed_on_the_argument_not_on_a_set():
    with pytest.raises(ScenarioError, match=r"days \(--days\): horizon_days: 0 is out of range"):
        load_scenario(ROOT / "scenarios" / "baseline.yaml", days=0)
    with pytest.raises(ScenarioError, match=r"seed \(--seed\): seed"):
        load_scenario(ROOT / "scenarios" / "baseline.yaml", seed=-1)
    # numbers, as run_scenario and the CLI take them: text is refused, not parsed
    with pytest.raises(ScenarioError, match=r"seed \(--seed\): seed: expected a number .* got '3'"):
        load_scenario(ROOT / "scenarios" / "baseline.yaml", seed="3")
    with pytest.raises(ScenarioError, match=r"days \(--days\): horizon_days: expected a number .* got '100'"):
        load_scenario(ROOT / "scenarios" / "baseline.yaml", days="100")


def test_a_strategy_given_another_kind_in_a_variant_replaces_the_base_entry(tmp_path):
    """Merging carried a cross-promotion's `boost: 1, cost: 50` into an event (a +1.0 interest boost, cost 50)."""
    base = write(tmp_path, "base.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: b\nstrategies:\n"
                 "  camp: {kind: cross_promotion, boost: 1, cost: 50}\n")
    variant = write(tmp_path, "v.yaml", f"extends: {base.name}\nname: v\nstrategies:\n"
                    "  camp: {kind: events, start: 30, every: 30}\n")
    (name, kind, spec), = load_scenario(variant).strategies
    assert (name, kind, spec["boost"], spec["cost"], spec["every"]) == ("camp", "events", None, 200.0, 30)
    same_kind = write(tmp_path, "s.yaml", f"extends: {base.name}\nname: s\nstrategies:\n  camp: {{cost: 80}}\n")
    (_, kind, spec), = load_scenario(same_kind).strategies  # no `kind` given: the base's entry is merged
    assert (kind, spec["boost"], spec["cost"]) == ("cross_promotion", 1.0, 80.0)


def test_a_set_that_adds_a_strategy_says_so_and_names_the_one_of_that_kind(tmp_path):
    """`--set strategies.events.every=10` on a file whose events strategy is called 'monthly' added a second one."""
    named = write(tmp_path, "n.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: n\nstrategies:\n"
                  "  monthly: {kind: events, start: 30, every: 30}\n")
    sc = load_scenario(named, overrides=["strategies.events.every=10"])
    assert sorted(n for n, _, _ in sc.strategies) == ["events", "monthly"]
    (notice,) = sc.notices
    assert notice.file == "--set" and notice.key == "strategies.events"
    assert "the scenario's 'monthly' is events too: to change it, use strategies.monthly.<key>" in notice.message
    assert load_scenario(named, overrides=["strategies.monthly.every=10"]).notices == ()
    (notice,) = load_scenario(SCENARIOS / "baseline.yaml", overrides=["strategies.points.stop=180"]).notices
    assert "adds a strategy 'points'" in notice.message and "(its strategies: none)" in notice.message


def test_strategies_that_clash_on_a_later_day_are_refused_when_loaded(tmp_path):
    """Two promotion rounds (every 30 from 0, every 20 from 10) first clash on day 30: `validate` said ok and the
    run died on day 30; two overlapping points programmes failed only when the model was built."""
    koc = write(tmp_path, "k.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: k\nstrategies:\n"
                "  koc_a: {kind: koc_promotion, start: 0, every: 30}\n"
                "  koc_b: {kind: koc_promotion, start: 10, every: 20}\n")
    msgs = [str(p) for p in problems_of(koc)]
    assert any("k.yaml:5: strategies.koc_b:" in m and "both set 'koc' on day 30" in m for m in msgs), msgs
    points = write(tmp_path, "p.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: p\nstrategies:\n"
                   "  points_a: {kind: points, start: 0, stop: 100}\n  points_b: {kind: points, start: 50}\n")
    assert any("p.yaml:5: strategies.points_b:" in m and "on day 50" in m for m in map(str, problems_of(points)))
    apart = write(tmp_path, "a.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: a\nstrategies:\n"
                  "  koc_a: {kind: koc_promotion, start: 0, every: 30}\n"
                  "  koc_b: {kind: koc_promotion, start: 10, every: 30}\n")  # days 0, 30, ... and 10, 40, ...
    assert len(load_scenario(apart).strategies) == 2


def test_promotion_rounds_default_to_monthly_and_null_means_every_day():
    """The docs said `every: null` is every day; KOC promotion turned null into 30 days."""
    from sim.model.strategies import KINDS

    def rounds(every):
        spec = {} if every == "absent" else {"every": every}
        (name, kind, params), = scenario_from_dict({"strategies": {"koc_promotion": spec}}).strategies
        strategy = KINDS[kind](name, params)
        return [d for d in range(0, 65) if strategy.fires(d)]

    assert rounds("absent") == [0, 30, 60]
    assert rounds(None) == list(range(65))
    assert rounds(20) == [0, 20, 40, 60]


def test_operating_mode_and_hourly_staff_cost_together_get_no_note():
    """One price of staff time now (the mode's own staff_cost is gone): setting it is no clash."""
    assert load_scenario(SCENARIOS / "hybrid.yaml", overrides=["community.staff_hour_cost=10"]).notices == ()
    assert load_scenario(SCENARIOS / "hybrid.yaml").notices == ()


def test_a_stop_before_a_start_given_elsewhere_names_where_the_start_came_from():
    """`--set strategies.points.start=200` was reported against the file's stop line alone."""
    (p,) = problems_of(SCENARIOS / "points_removed.yaml", overrides=["strategies.points.start=200"])
    lines = (SCENARIOS / "points_removed.yaml").read_text(encoding="utf-8").splitlines()
    stop_line = next(i for i, text in enumerate(lines, 1) if text.strip() == "stop: 180")
    assert str(p).endswith(f"points_removed.yaml:{stop_line}: strategies.points.stop: stop (180) must be after "
                           "start (200, set at --set)")


def test_a_tier_ladder_that_does_not_climb_is_an_error_at_its_line(tmp_path):
    """Thresholds out of order made the tiers' search undefined (a reviewer's finding, 2026-12-06)."""
    f = write(tmp_path, "tiers.yaml", """
        extends: %s
        strategies:
          tiers:
            start: 0
            core_user_points: 300
            koc_points: 50
        """ % (SCENARIOS / "points.yaml"))
    (p,) = problems_of(f)
    assert str(p).endswith("tiers.yaml:6: strategies.tiers.koc_points: koc_points (50) must be at least "
                           "core_user_points (300): tier 2 (KOC) lies above tier 1")
    equal = write(tmp_path, "equal.yaml", textwrap.dedent(f.read_text()).replace("koc_points: 50", "koc_points: 300"))
    assert load_scenario(equal).name == "equal"
    # only core_user_points set, above the default koc_points: its own line is the one to blame
    alone = write(tmp_path, "alone.yaml", textwrap.dedent(f.read_text()).replace("    koc_points: 50\n", "")
                  .replace("core_user_points: 300", "core_user_points: 400"))
    (p,) = problems_of(alone)
    assert str(p).endswith("alone.yaml:5: strategies.tiers.core_user_points: koc_points (300, the default) must "
                           "be at least core_user_points (400): tier 2 (KOC) lies above tier 1")


def test_the_added_strategy_note_is_for_strategies_a_set_created_not_ones_it_changed(tmp_path):
    """`with_overrides` and `scenario_from_dict` start without file locations: every change read as an addition."""
    d = {"population": {"size": 300}, "strategies": {"points": {"start": 0}}}
    assert scenario_from_dict(d, overrides=["strategies.points.start=3"]).notices == ()
    points = load_scenario(SCENARIOS / "points.yaml")
    assert points.with_overrides(["strategies.points.start=5"]).notices == ()
    (notice,) = points.with_overrides(["strategies.events.every=30"]).notices
    assert "adds a strategy 'events'" in notice.message
    (notice,) = load_scenario(SCENARIOS / "points.yaml", overrides=["strategies.tiers={start: 5}"]).notices
    assert "adds a strategy 'tiers'" in notice.message
    # on the baseline, which has no points, the added tiers also do nothing: both are said
    notes = load_scenario(SCENARIOS / "baseline.yaml", overrides=["strategies.tiers={start: 5}"]).notices
    assert ["adds a strategy 'tiers'" in n.message or "no points strategy runs" in n.message for n in notes] == \
        [True, True]


def test_a_set_that_changes_a_strategys_kind_replaces_it_as_extends_does(tmp_path):
    """`--set strategies.camp.kind=events` kept the cross-promotion's `boost: 1` and `start: 10`."""
    f = write(tmp_path, "a.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: a\nstrategies:\n"
              "  camp: {kind: cross_promotion, boost: 1, start: 10}\n")
    for sc in (load_scenario(f, overrides=["strategies.camp.every=30", "strategies.camp.kind=events"]),
               load_scenario(f).with_overrides(["strategies.camp.kind=events", "strategies.camp.every=30"])):
        (name, kind, spec), = sc.strategies
        assert (name, kind, spec["boost"], spec["start"], spec["every"]) == ("camp", "events", None, 0, 30)
    same = load_scenario(f, overrides=["strategies.camp.kind=cross_promotion"])  # the same kind: kept
    assert same.strategies[0][2]["boost"] == 1.0 and same.strategies[0][2]["start"] == 10


def test_a_null_or_empty_kind_is_the_name_and_keeps_the_inherited_settings(tmp_path):
    write(tmp_path, "b.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: b\nstrategies:\n"
          "  points: {start: 0, checkin: 2}\n")
    for kind in ("", "null", '""'):
        v = write(tmp_path, "v.yaml", f"extends: b.yaml\nname: v\nstrategies:\n  points: {{kind: {kind}, cost: 3}}\n")
        (_, k, spec), = load_scenario(v).strategies
        assert (k, spec["checkin"], spec["cost"]) == ("points", 2.0, 3.0)


def test_a_bare_off_is_read_as_false_and_the_error_says_to_quote_it(tmp_path):
    """`churn.mode: off` is what the reference lists, but YAML reads the bare word as a boolean."""
    (pr,) = problems_of(write(tmp_path, "s.yaml", "churn:\n  mode: off\n"))
    assert pr.key == "churn.mode" and pr.line == 2
    assert "expected text, got False" in pr.message and "put the word in quotes, e.g. 'off'" in pr.message
    (named,) = problems_of(write(tmp_path, "n.yaml", "name: yes\n"))
    assert "put the word in quotes, e.g. 'yes'" in named.message  # the example is a word that reads as True
    quoted = load_scenario(write(tmp_path, "q.yaml",
                                 f"extends: {SCENARIOS / 'baseline.yaml'}\nchurn:\n  mode: 'off'\n"))
    assert quoted.churn.mode == "off"


def test_text_that_cannot_be_written_is_refused_when_loaded(tmp_path):
    """A lone surrogate in `name` passed validation and crashed the run's figures."""
    p = write(tmp_path, "s.yaml", 'name: "\\ud800x"\n')
    (pr,) = problems_of(p)
    assert pr.key == "name" and pr.line == 1 and "not valid text" in pr.message


def test_founders_that_outnumber_a_written_size_point_at_the_size(tmp_path):
    """With organizers and core at their defaults, the line to change is the size the file wrote."""
    p = write(tmp_path, "s.yaml", "name: tiny\npopulation:\n  size: 6\n")
    found = [pr for pr in problems_of(p) if pr.key == "community"]
    assert len(found) == 1 and found[0].line == 3 and "exceed population.size (6)" in found[0].message
    # the same with a base that writes organizers and core_seeds: this file's line, not the base's
    v = write(tmp_path, "v.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: tiny\npopulation:\n  size: 6\n")
    found = [pr for pr in problems_of(v) if pr.key == "community"]
    assert len(found) == 1 and found[0].file == str(v) and found[0].line == 4


def test_a_strategy_that_lost_its_indentation_is_told_to_indent_it(tmp_path):
    p = write(tmp_path, "s.yaml", "strategies:\n  points: {start: 0}\ninvite_reward:\n  start: 0\n")
    (pr,) = problems_of(p)
    assert pr.key == "invite_reward" and pr.line == 3 and "indent it under strategies:" in pr.message
    (other,) = problems_of(write(tmp_path, "o.yaml", "popluation: {size: 300}\n"))
    assert "did you mean 'population'" in other.message  # other unknown keys keep their suggestion


def test_founders_that_outnumber_a_graph_files_persons_point_at_their_line(tmp_path):
    """Known only once the file is read (`check_graph`); the problem names the line that set the count."""
    import pickle

    from sim.scenario import check_graph

    (tmp_path / "g.csv").write_text("source,target\na,b\nb,c\nc,d\n")
    p = write(tmp_path, "s.yaml", "population:\n  graph: {type: file, file: g.csv}\n"
                                  "community:\n  organizers: 1\n  core_seeds: 1\n  seed_members: 200\n")
    sc = load_scenario(p)
    for scenario in (sc, pickle.loads(pickle.dumps(sc)), sc.with_overrides(["seed=2"])):
        with pytest.raises(ScenarioError) as info:
            check_graph(scenario)
        (pr,) = info.value.problems
        assert (pr.file, pr.line, pr.key) == (str(p), 6, "community.seed_members"), pr
        assert "exceed the 4 persons of the graph" in pr.message


def test_founders_against_a_graph_file_prefer_the_users_own_lines_over_a_bases(tmp_path):
    from sim.scenario import check_graph

    (tmp_path / "g.csv").write_text("source,target\na,b\nb,c\nc,d\n")
    v = write(tmp_path, "v.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: v\n"
                                  "population:\n  graph: {type: file, file: g.csv}\n")
    with pytest.raises(ScenarioError) as info:
        check_graph(load_scenario(v))  # the base's founders do not fit: blamed on this file's graph line
    assert [(p.file, p.line, p.key) for p in info.value.problems] == [
        (str(v), 4, "community"), (str(v), 4, "community.seed_members")]  # not on baseline.yaml's lines
    with pytest.raises(ScenarioError) as info:
        check_graph(load_scenario(v, overrides=["community.core_seeds=20"]))
    assert [(p.file, p.key) for p in info.value.problems] == [("--set", "community"),
                                                               (str(v), "community.seed_members")]


def test_api_reference_shows_examples_as_python_and_the_prose_after_them_as_prose():
    """The generator dropped every example, leaving empty "Examples" headings (a newcomer's find); the
    first version then swallowed the prose after an example into the code block (a review's find)."""
    from sim.outputs.apidoc import _doc

    def f():
        """Add.

        Examples
        --------
        >>> 1 + 1
        2

        Command line: `circlesim run`.
        """

    assert _doc(f) == ("Add.\n\nExample:\n\n```python\n" + ">>> 1 + 1\n2\n```\n\nCommand line: `circlesim run`.")

    def g():
        """No example here."""

    assert _doc(g) == "No example here."


def test_scenario_from_dict_reads_a_relative_graph_file_from_base_dir(tmp_path, monkeypatch):
    """base_dir was ignored for a dict: the graph file was looked up in the working directory (a red team's
    find, 2026-12-06)."""
    import networkx as nx

    from sim.scenario import ScenarioError, scenario_from_dict

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "edges.csv").write_text("source,target\n" + "".join(
        f"{u},{v}\n" for u, v in nx.connected_watts_strogatz_graph(300, 10, 0.1, seed=1).edges()))
    doc = {"population": {"graph": {"type": "file", "file": "edges.csv"}}, "horizon_days": 30}
    monkeypatch.chdir(tmp_path)                     # not where the file is
    for name in ("<dict>", "my_notebook"):
        sc = scenario_from_dict(doc, base_dir=folder, name=name)
        assert sc.population.graph.file == str((folder / "edges.csv").resolve())
    monkeypatch.chdir(folder)                       # where the file is: base_dir still decides
    with pytest.raises(ScenarioError, match="graph file not found"):
        scenario_from_dict(doc, base_dir=tmp_path / "elsewhere")


def test_a_missing_graph_file_says_where_it_was_looked_for(tmp_path, monkeypatch):
    """'graph file not found: nosuch.csv' did not say the path is relative to the scenario file, not
    to the shell's folder (a newcomer, 2026-12-07; `extends` said so already)."""
    (tmp_path / "sub").mkdir()
    scenario = tmp_path / "sub" / "g.yaml"
    scenario.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\npopulation:\n  graph:\n    type: file\n"
                        "    file: nosuch.csv\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (p,) = problems_of(scenario)
    assert p.line == 5 and p.key == "population.graph.file"
    assert f"looked for {tmp_path / 'sub' / 'nosuch.csv'}: a path relative to this file's folder" in p.message


def test_the_scenario_constructor_refuses_a_partial_dict_and_points_to_scenario_from_dict():
    """`sim.Scenario({"population": {"size": 300}})` was accepted and failed later on `seed` (a red team's find)."""
    import sim

    with pytest.raises(TypeError, match="missing: .*seed.*scenario_from_dict"):
        sim.Scenario({"population": {"size": 300}})
    with pytest.raises(TypeError, match="resolved scenario dict"):
        sim.Scenario("scenarios/baseline.yaml")
    sc = sim.load_scenario(SCENARIOS / "baseline.yaml")
    assert sim.Scenario(sc.to_dict(), sc.path).digest() == sc.digest()   # a resolved one is taken as it is


def test_the_scenario_constructor_validates_the_values_of_a_resolved_dict():
    """An edited `to_dict()` with population.size -5 was accepted by `sim.Scenario` and failed in the build."""
    import sim

    sc = sim.load_scenario(SCENARIOS / "monthly_events.yaml")
    doc = sc.to_dict()
    doc["population"]["size"] = -5
    doc["strategies"]["events"]["stop"] = 10          # before its start (30)
    with pytest.raises(ScenarioError) as err:
        sim.Scenario(doc, "edited.yaml")
    text = str(err.value)
    assert "edited.yaml: population.size: -5 is out of range" in text
    assert "strategies.events.stop: stop (10) must be after start (30)" in text
    doc = sc.to_dict()
    doc["acquisition"]["q_weak"] = "a lot"
    with pytest.raises(ScenarioError, match="acquisition.q_weak"):
        sim.Scenario(doc)
    kept = sim.Scenario(sc.to_dict(), sc.path)          # an unedited one is the same scenario
    assert kept.to_dict() == sc.to_dict() and [s[:2] for s in kept.strategies] == [s[:2] for s in sc.strategies]
    assert kept.notices == ()
    doc = sc.to_dict()
    doc["strategies"]["events"]["start"] = 5000          # valid, but never in force: said, as for a file
    late = sim.Scenario(doc, "edited.yaml")
    assert [(n.file, n.key) for n in late.notices] == [("edited.yaml", "strategies.events.start")]
    assert "never in force" in late.notices[0].message


@pytest.mark.parametrize("name, why", [
    ("monthly.events", "contains '.'"), ("a=b", "contains '='"), ("", "needs a name"), ("  ", "needs a name"),
    (" events", "starts or ends with a space"), ("ev\tents", "unprintable")])
def test_a_strategy_name_that_set_could_not_address_is_refused_with_its_line(tmp_path, name, why):
    """`strategies: {monthly.events: ...}` was accepted, and `--set strategies.monthly.events.every=20` then
    failed with "unknown strategy kind 'monthly'" (a red team's find): the name is refused where it is written."""
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"horizon_days": 60, "strategies": {name: {"kind": "events", "start": 30}}}))
    with pytest.raises(ScenarioError, match=why) as err:
        load_scenario(path)
    assert f"{path}:3: strategies." in str(err.value)  # the line the name is written on
    with pytest.raises(ScenarioError, match=why):
        scenario_from_dict({"strategies": {name: {"kind": "events", "start": 30}}})


@pytest.mark.parametrize("name", ["monthly events", "events_2", "2025", "launch-week"])
def test_a_plain_strategy_name_can_be_set_from_the_command_line(name):
    sc = scenario_from_dict({"strategies": {name: {"kind": "events", "start": 30, "every": 30}}})
    assert sc.with_overrides([f"strategies.{name}.every=20"]).strategies[0][2].every == 20


def test_the_no_staff_scenario_is_the_evidence_checks_setting():
    """`scenarios/no_staff.yaml` and `evidence.NO_STAFF` (E10's check) describe one setting: the baseline without
    organizers, none hired. Fails if either drifts (a planner's comparison would then not be the one checked)."""
    from sim.experiments.evidence import NO_STAFF

    shipped = load_scenario(SCENARIOS / "no_staff.yaml").to_dict()
    checked = load_scenario(SCENARIOS / "baseline.yaml", overrides=list(NO_STAFF)).to_dict()
    for d in (shipped, checked):
        d.pop("name"), d.pop("description")
    assert shipped == checked
