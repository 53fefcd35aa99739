"""Issue 11, bad input: every hostile or mistaken input is one clear error, never a crash or a hang.

Cases that made the old code hang or eat memory (alias bombs, /dev/zero, a 10^9-point grid)
run in a subprocess with a memory cap and a timeout, so a regression fails the test instead
of taking the machine down.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import networkx as nx
import numpy as np
import pytest

from sim.cli import main
from sim.scenario import ScenarioError, load_scenario, scenario_from_dict
from tests.conftest import ROOT, SCENARIOS

CAP = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
sys.setrecursionlimit(3000)
"""


def guarded(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter under a 3 GiB address-space cap; a hang fails at `timeout`."""
    try:
        return subprocess.run([sys.executable, "-c", CAP + textwrap.dedent(code)], cwd=ROOT, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"did not finish within {timeout} s")


def problems(path, **kw):
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, **kw)
    return info.value.problems


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip("\n"))
    return p


# ------------------------------------------------------------------ 2: alias bombs, bounded messages
def _mapping_bomb(levels: int) -> str:
    lines = ["a0: &a0 {x: 1, y: 1}"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} {{" + ", ".join(f"k{j}: *a{i - 1}" for j in range(9)) + "}")
    lines.append(f"population: {{size: *a{levels - 1}}}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [9, 10])
def test_yaml_alias_bomb_is_refused_quickly(tmp_path, levels):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_mapping_bomb(levels))
    assert len(bomb.read_bytes()) < 1000
    res = guarded(f"""
        from sim.scenario import ScenarioError, load_scenario
        try:
            load_scenario({str(bomb)!r})
        except ScenarioError as exc:
            print("ERROR", exc)
    """, timeout=60)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "ERROR 1 problem" in res.stdout and "expands to more than" in res.stdout
    assert len(res.stdout) < 1000


def test_list_bomb_under_a_real_key_prints_a_short_error(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    lines.append("population: {size: *a8}")
    bomb = write(tmp_path, "lbomb.yaml", "\n".join(lines) + "\n")
    res = guarded(f"""
        import subprocess, sys
        r = subprocess.run([sys.executable, "-m", "sim.cli", "validate", {str(bomb)!r}], capture_output=True, text=True)
        print(r.returncode, len(r.stderr))
    """, timeout=60)
    code, length = res.stdout.split()
    assert code == "2" and int(length) < 1000


def test_large_values_are_quoted_briefly(tmp_path):
    f = write(tmp_path, "s.yaml", "population:\n  size: [" + ", ".join(map(str, range(8000))) + "]\n")
    (p,) = problems(f)
    assert p.key == "population.size" and p.line == 2 and len(str(p)) < 250


def test_problem_list_is_capped_but_complete(tmp_path):
    f = write(tmp_path, "s.yaml", "".join(f"unknown_{i}: 1\n" for i in range(3000)))
    with pytest.raises(ScenarioError) as info:
        load_scenario(f)
    assert len(info.value.problems) == 3000
    text = str(info.value)
    assert text.startswith("3000 problems") and text.count("\n") <= 52 and "and 2950 more" in text


# ------------------------------------------------------------------ 6: duplicate keys
def test_duplicate_keys_are_reported_with_both_lines_and_validation_goes_on(tmp_path):
    """A duplicate is named by its dotted path, and the file's other problems are found in the
    same pass (a duplicate used to stop validation, so fixing it revealed the next problem)."""
    f = write(tmp_path, "s.yaml", """
        population:
          size: 100
          size: 200
        strategies:
          points: {start: 1, start: 2}
        acquisition:
          q_weak: -1
    """)
    ps = problems(f)
    assert [(p.line, p.key) for p in ps] == [(3, "population.size"), (5, "strategies.points.start"),
                                             (7, "acquisition.q_weak")]
    assert all("duplicate key" in p.message for p in ps[:2]) and "line 2" in ps[0].message
    assert "out of range" in ps[2].message


def test_a_null_key_is_named_with_its_line_not_as_none(tmp_path):
    """`null:` or `~:` as a key read as the key None, reported without a line (a red team's find, 2026-12-06)."""
    f = write(tmp_path, "s.yaml", """
        population:
          size: 300
          null: 3
        ~: 4
    """)
    ps = problems(f)
    assert [(p.line, p.key) for p in ps] == [(3, "population.null"), (4, "~")]
    assert all("reads as null" in p.message and "None" not in p.message for p in ps)
    # booleans too, and under strategies, where `~:` ran a strategy named None (a review's find)
    g = write(tmp_path, "b.yaml", """
        population:
          on: 3
        strategies:
          ~: {kind: points}
        yes: 1
    """)
    assert [(p.line, p.key, p.message.split(",")[0]) for p in problems(g)] == [
        (2, "population.on", "a key YAML reads as true"), (4, "strategies.~", "a key YAML reads as null"),
        (5, "yes", "a key YAML reads as true")]


# ------------------------------------------------------------------ 7: a kind that is not text
def test_strategy_kind_of_the_wrong_type(tmp_path, capsys):
    f = write(tmp_path, "s.yaml", "strategies:\n  points: {kind: [points]}\n")
    (p,) = problems(f)
    assert p.key == "strategies.points.kind" and p.line == 2 and "as text" in p.message
    assert main(["validate", str(SCENARIOS / "points.yaml"), "--set", "strategies.points.kind=[a]"]) == 2
    assert "--set: strategies.points.kind: expected a strategy kind as text" in capsys.readouterr().err
    with pytest.raises(ScenarioError):
        scenario_from_dict({"strategies": {"x": {"kind": {"a": 1}}}})


# ------------------------------------------------------------------ 8: deep nesting, long extends chains
@pytest.mark.parametrize("text", ["a: " + "[" * 20000 + "]" * 20000, "a: " + "{b: " * 10000 + "1" + "}" * 10000,
                                  "a: " + "[" * 50000 + "]" * 50000])
def test_deep_nesting_is_an_error_not_a_recursion_error(tmp_path, text):
    f = tmp_path / "deep.yaml"
    f.write_text(text + "\n")
    (p,) = problems(f)
    assert "nesting deeper than" in p.message or "the limit is" in p.message  # 50,000 levels exceed 64 KiB


def test_recursive_alias_is_an_error(tmp_path):
    (p,) = problems(write(tmp_path, "r.yaml", "a: &a [*a]\n"))
    assert "refers to itself" in p.message


def test_extends_chain_of_a_thousand_files(tmp_path):
    for i in range(1000):
        (tmp_path / f"c{i}.yaml").write_text(f"extends: c{i + 1}.yaml\n" if i < 999 else "name: end\n")
    (p,) = problems(tmp_path / "c0.yaml")
    assert p.key == "extends" and "chain longer than" in p.message


def test_deep_set_value_is_an_error(capsys):
    deep = "[" * 30000 + "]" * 30000
    assert main(["validate", str(SCENARIOS / "baseline.yaml"), "--set", f"population.size={deep}"]) == 2
    err = capsys.readouterr().err
    assert "--set: population.size" in err and len(err) < 500


# ------------------------------------------------------------------ 9: megabytes of unknown keys
def test_huge_scenario_file_is_refused_before_parsing(tmp_path):
    f = tmp_path / "huge.yaml"
    f.write_text("".join(f"unknown_key_{i}: {i}\n" for i in range(300_000)))  # ~7.5 MB
    res = guarded(f"""
        from sim.scenario import ScenarioError, load_scenario
        try:
            load_scenario({str(f)!r})
        except ScenarioError as exc:
            print(len(exc.problems), exc)
    """, timeout=60)
    assert res.stdout.startswith("1 1 problem") and "the limit is" in res.stdout, res.stdout[:300]


# ------------------------------------------------------------------ 10: devices, FIFOs, folders
@pytest.fixture
def specials(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    return {"zero": "/dev/zero", "urandom": "/dev/urandom", "fifo": str(fifo), "folder": str(tmp_path)}


@pytest.mark.parametrize("kind", ["zero", "urandom", "fifo", "folder"])
def test_extends_and_graph_file_must_be_regular_files(tmp_path, specials, kind):
    target = specials[kind]
    ext = write(tmp_path, "e.yaml", f"extends: {target}\n")
    graph = write(tmp_path, "g.yaml", f"population: {{graph: {{type: file, file: {target}}}}}\n")
    res = guarded(f"""
        from sim.scenario import ScenarioError, load_scenario
        for f in ({str(ext)!r}, {str(graph)!r}):
            try:
                load_scenario(f)
                print("LOADED")
            except ScenarioError as exc:
                print(exc.problems[0].key, "|", exc.problems[0].message)
    """, timeout=60)
    lines = res.stdout.splitlines()
    assert len(lines) == 2, (res.stdout, res.stderr[-1000:])
    assert lines[0].startswith("extends |") and lines[1].startswith("population.graph.file |")
    assert all(("not a regular file" in x or "not a file" in x) for x in lines), lines


def test_validate_parses_the_graph_file(tmp_path, capsys):
    (tmp_path / "latin1.csv").write_bytes("source,target\nJosé,Zoë\nb,c\n".encode("latin-1"))
    graphml = tmp_path / "text_weight.graphml"
    g = nx.path_graph(4)
    nx.set_edge_attributes(g, "heavy", "weight")
    nx.write_graphml(g, graphml)
    for gfile, where in (("latin1.csv", "latin1.csv:2"), ("text_weight.graphml", "text_weight.graphml")):
        s = write(tmp_path, f"s_{gfile}.yaml", f"population: {{graph: {{type: file, file: {gfile}}}}}\n")
        assert main(["validate", str(s)]) == 2
        err = capsys.readouterr().err
        assert where in err and "population.graph.file" in err


def test_a_graph_file_of_only_self_loops_validates_with_a_note(tmp_path, capsys):
    """Valid (everyone exists) but probably not meant: no one can hear of the community from a friend."""
    (tmp_path / "loops.csv").write_text("source,target\n" + "".join(f"{i},{i}\n" for i in range(50)))
    s = write(tmp_path, "s.yaml", "population: {graph: {type: file, file: loops.csv}}\n"
                                  "community: {organizers: 1, core_seeds: 1, seed_members: 2}\n")
    with pytest.warns(UserWarning, match=r"s\.yaml:1: population\.graph\.file: .*loops\.csv has no ties between "
                      "distinct persons"):
        assert main(["validate", str(s)]) == 0
    with pytest.warns(UserWarning, match="loops\\.csv has no ties between distinct persons"):  # run says it too
        assert main(["run", str(s), "--out", str(tmp_path / "o"), "--days", "5"]) == 0


def test_extends_by_a_shipped_name_outside_the_repository_says_where_the_shipped_one_is(tmp_path):
    """`extends: baseline.yaml` outside scenarios/ gave no hint where the shipped baseline is (a newcomer's find)."""
    mine = write(tmp_path, "mine.yaml", "extends: baseline.yaml\nname: mine\n")
    [p] = problems(mine)
    assert p.key == "extends" and f"the shipped scenario of that name is {SCENARIOS / 'baseline.yaml'}" in p.message
    other = write(tmp_path, "other.yaml", "extends: no_such_scenario.yaml\n")
    assert "the shipped scenario" not in problems(other)[0].message


# ------------------------------------------------------------------ 11: weights
@pytest.mark.parametrize("weight", ["-5", "NaN", "inf", "0"])
def test_graph_weights_must_be_finite_and_positive(tmp_path, weight):
    from sim.model.population import GraphFileError, load_graph_file

    csv = tmp_path / "g.csv"
    csv.write_text(f"a,b,1\nb,c,{weight}\n")
    with pytest.raises(GraphFileError, match=r"g\.csv:2: weight .* must be a finite positive number"):
        load_graph_file(csv)
    g = nx.path_graph(3)
    nx.set_edge_attributes(g, float(weight), "weight")
    nx.write_graphml(g, tmp_path / "g.graphml")
    with pytest.raises(GraphFileError, match="must be a finite positive number"):
        load_graph_file(tmp_path / "g.graphml")


# ------------------------------------------------------------------ 12: more founders than people
def test_more_organizers_than_people(tmp_path, capsys):
    s = write(tmp_path, "k.yaml", "population: {graph: {type: karate_club}}\ncommunity: {organizers: 50}\n")
    (p,) = problems(s)
    assert p.line == 2 and "exceed the 34 persons of the karate_club graph" in p.message
    (tmp_path / "tiny.csv").write_text("a,b\nb,c\nc,d\n")
    f = write(tmp_path, "f.yaml", "population: {graph: {type: file, file: tiny.csv}}\n")
    assert main(["validate", str(f)]) == 2
    assert "exceed the 4 persons of the graph" in capsys.readouterr().err
    assert main(["run", str(f), "--out", str(tmp_path / "o")]) == 2
    assert not (tmp_path / "o").exists()


def test_founding_members_must_fit_a_named_or_file_graph_too(tmp_path, capsys):
    # karate club: 34 persons; 3 organizers + 5 core + 30 founding members do not fit (the run made
    # everyone a founder, silently fewer than asked), as on a generated graph of 34
    k = write(tmp_path, "k.yaml", "population: {graph: {type: karate_club}}\n"
                                  "community: {organizers: 3, core_seeds: 5, seed_members: 30}\n")
    (p,) = problems(k)
    assert p.key == "community.seed_members" and p.line == 2 and "exceed the 34 persons" in p.message
    k.write_text(k.read_text().replace("seed_members: 30", "seed_members: 26"))
    assert load_scenario(k).community.seed_members == 26  # 34 founders fit exactly
    (tmp_path / "ten.csv").write_text("".join(f"{i},{i + 1}\n" for i in range(9)))  # 10 persons
    f = write(tmp_path, "f.yaml", "population: {graph: {type: file, file: ten.csv}}\n"
                                  "community: {organizers: 1, core_seeds: 1, seed_members: 9}\n")
    assert main(["validate", str(f)]) == 2
    assert "9 founding members plus 2 organizers and core exceed the 10 persons" in capsys.readouterr().err


def test_every_founding_problem_at_once_and_the_key_the_user_wrote(tmp_path):
    many = write(tmp_path, "many.yaml", "population: {size: 50}\n"
                                        "community: {organizers: 30, core_seeds: 30, seed_members: 100}\n")
    assert sorted(p.key for p in problems(many)) == ["community", "community.seed_members"]
    named = write(tmp_path, "named.yaml", "population: {graph: {type: karate_club}}\n"
                                          "community: {organizers: 30, core_seeds: 10, seed_members: 10}\n")
    assert sorted(p.key for p in problems(named)) == ["community", "community.seed_members"]  # the same rule
    # core_seeds raised over the default core_capacity: core_seeds is the key to blame, on its line
    cs = write(tmp_path, "cs.yaml", "population: {size: 5000}\ncommunity:\n  core_seeds: 60\n")
    (p,) = problems(cs)
    assert p.key == "community.core_seeds" and p.line == 3 and "core_capacity (40" in p.message
    cap = write(tmp_path, "cap.yaml", "community:\n  core_seeds: 5\n  core_capacity: 4\n")
    (p,) = problems(cap)
    assert p.key == "community.core_capacity" and p.line == 3


def test_close_ties_above_the_dunbar_limit_is_a_notice(tmp_path):
    ct = write(tmp_path, "ct.yaml", "population: {size: 300, dunbar_limit: 50, close_ties: 80}\n")
    (n,) = load_scenario(ct).notices
    assert n.key == "population.close_ties" and "all 50 maintained ties count as close" in n.message
    assert load_scenario(SCENARIOS / "baseline.yaml", overrides=["population.dunbar_limit=10"]).notices == ()


# ------------------------------------------------------------------ 18: numbers and empty files
def test_numbers_are_decimal(tmp_path):
    ok = write(tmp_path, "ok.yaml", "population: {size: 1e7}\nhorizon_days: 0\ncommunity: {seed_members: 1_000}\n"
               "name: 007\n")
    (p,) = problems(ok)  # 0 is a number (out of range here), not a leading zero
    assert p.key == "horizon_days" and "out of range" in p.message
    (p,) = problems(ok, days=777)  # days= replaces the value, but a bad one is still reported
    assert p.key == "horizon_days" and p.line == 2
    ok.write_text(ok.read_text().replace("horizon_days: 0", "horizon_days: 777"))
    sc = load_scenario(ok)
    assert (sc.population.size, sc.horizon_days, sc.community.seed_members) == (10_000_000, 777, 1000)
    assert sc.get("name") == "007"  # a text key keeps a leading zero as written
    # YAML 1.1 reads 0777 as octal 511, YAML 1.2 as 777: ambiguous, so refused like 0x1F4
    for text in ("0x1F4", "0o17", "1:30", "0777", "0888", "+0777", "00_7"):
        (p,) = problems(write(tmp_path, "bad.yaml", f"horizon_days: 100\npopulation: {{size: {text}}}\n"))
        assert p.line == 2 and p.key == "population.size" and "write numbers in decimal" in p.message, text
    for text in ("0777", "0x10"):  # the same through --set
        (p,) = problems(SCENARIOS / "baseline.yaml", overrides=[f"population.size={text}"])
        assert p.key == "population.size" and "write numbers in decimal" in p.message, text
    huge = "9" * 5000
    (p,) = problems(write(tmp_path, "huge.yaml", f"population: {{size: {huge}}}\n"))
    assert len(str(p)) < 300


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_empty_scenario_file_is_refused(tmp_path, text):
    f = tmp_path / "empty.yaml"
    f.write_text(text)
    (p,) = problems(f)
    assert "empty" in p.message and "{}" in p.message
    g = write(tmp_path, "braces.yaml", "{}\n")
    assert load_scenario(g).population.size == 5000


# ------------------------------------------------------------------ 19: --set into a value
def test_set_below_a_value_blames_the_set(capsys):
    assert main(["validate", str(SCENARIOS / "baseline.yaml"), "--set", "population.size.x=5"]) == 2
    err = capsys.readouterr().err
    assert "--set: population.size.x: population.size is a value (5000), not a section" in err
    head, *lines = err.splitlines()
    assert head.endswith("in scenario " + str(SCENARIOS / "baseline.yaml") + ":")  # the header names the file
    assert not any("baseline.yaml:" in line for line in lines)  # the problem itself blames the --set


# ------------------------------------------------------------------ 20: the Python API
def test_api_types_and_values_are_checked():
    from sim import CommunityModel, compare

    with pytest.raises(TypeError, match="load a file with sim.load_scenario"):
        CommunityModel("scenarios/baseline.yaml")
    sc = scenario_from_dict({"population": {"size": np.int64(300)}, "horizon_days": np.int32(20)})
    assert sc.population.size == 300 and type(sc.population.size) is int
    m = CommunityModel(sc, seed=np.int64(3))
    with pytest.raises(ValueError, match="no day has been simulated"):
        m.summary()
    with pytest.raises(ValueError, match=r"days must be in \[0, 20000\], got -5"):
        m.run(days=-5)
    with pytest.raises(TypeError, match="whole number"):
        m.run(days=2.9)
    with pytest.raises(TypeError):
        m.run(days=True)
    m.run(days=np.int64(2))
    assert m.day == 2 and m.summary()["horizon_days"] == 2
    with pytest.raises(TypeError):
        CommunityModel(sc, seed=1.5)
    with pytest.raises(ValueError, match="executor must be"):
        compare([sc, sc], replications=2, executor="bogus", progress=False)
    with pytest.raises(ValueError, match="replications must be at least 1"):
        compare([sc, sc], replications=0, executor="serial", progress=False)


def test_workers_with_an_engine_they_cannot_size_are_refused_not_ignored(tmp_path):
    """`compare(..., executor="serial", workers=8)` ran serially, for hours, without a word (a red team's find)."""
    from concurrent.futures import ThreadPoolExecutor

    from sim import compare
    from sim.experiments.sweep import sweep

    sc = scenario_from_dict({"population": {"size": 300}, "horizon_days": 20})
    with pytest.raises(ValueError, match='workers=8 sizes the local process pool.*executor="serial" runs everything'):
        compare([sc, sc], replications=2, executor="serial", workers=8, progress=False, store=tmp_path / "c")
    with ThreadPoolExecutor(1) as own, pytest.raises(ValueError, match="ThreadPoolExecutor has its own workers"):
        sweep(sc, ["acquisition.q_weak=0.01:0.02"], samples=2, replications=1, executor=own, workers=2,
              progress=False, store=tmp_path / "s")
    assert not (tmp_path / "c").exists() and not (tmp_path / "s").exists()
    res = compare([sc], replications=2, executor="serial", workers=1, progress=False)  # consistent: it runs
    assert res.executor_name == "serial" and not res.failures and len(res.seeds) == 2


# ------------------------------------------------------------------ command-line options out of range
@pytest.mark.parametrize("argv, option", [
    (["run", "baseline.yaml", "--days", "0"], "--days"),
    (["run", "baseline.yaml", "--seed", "-1"], "--seed"),
    (["explain", "baseline.yaml", "--days", "-5"], "--days"),
    (["compare", "baseline.yaml", "--days", "0"], "--days"),
    (["sweep", "baseline.yaml", "--days", "0"], "--days"),
    (["compare", "baseline.yaml", "--from-fit", "x", "--seeds-per-draw", "0"], "--seeds-per-draw"),
    (["fit", "fit_example.yaml", "--history", "h.csv", "--population-size", "0"], "--population-size"),
    (["fit", "fit_example.yaml", "--history", "h.csv", "--population-size", "1"], "--population-size"),
    (["fit", "fit_example.yaml", "--history", "h.csv", "--generations", "0"], "--generations"),
    (["fit", "fit_example.yaml", "--history", "h.csv", "--draws", "-1"], "--draws"),
    (["fit", "fit_example.yaml", "--history", "h.csv", "--budget", "0"], "--budget"),
    (["fit", "fit_example.yaml", "--history", "h.csv", "--forecast-days", "1"], "--forecast-days"),
    (["fit", "fit_example.yaml", "--history", "h.csv", "--seed", "-1"], "--seed"),
    (["fit", "fit_example.yaml", "--history", "h.csv", "--workers", "0"], "--workers"),
    (["fit", "fit_example.yaml", "--history", "h.csv", "--dask-local", "-1"], "--dask-local"),
])
def test_an_option_out_of_range_is_a_usage_error_naming_the_option(argv, option, tmp_path, capsys):
    """An option that sets a scenario or fit key is held to that key's range by argparse (exit
    2, the option named), before any file is read: out-of-range values used to crash deep in a
    fit (an IndexError for one particle), or be blamed on the scenario file's line."""
    with pytest.raises(SystemExit) as info:
        main(argv + (["--out", str(tmp_path / "out")] if argv[0] != "explain" else []))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: must be in" in err, err
    assert not (tmp_path / "out").exists()


def test_fit_settings_from_python_are_checked_before_anything_is_read():
    """The keyword arguments of `fit`/`prepare` get the same ranges as the file's `fit:` section."""
    from sim.fitting.run import FitInputError, prepare

    with pytest.raises(FitInputError) as info:
        prepare(str(SCENARIOS / "fit_example.yaml"), "no-such-history.csv", population_size=0,
                forecast_draws=-1, seed=-3)
    text = str(info.value)
    for part in ("population_size=0: must be in [5,", "forecast_draws=-1: must be in [1,", "seed=-3: must be in [0,"):
        assert part in text, text


def test_a_budget_given_on_the_command_line_is_not_blamed_on_the_file(tmp_path, capsys):
    code = main(["fit", str(SCENARIOS / "fit_example.yaml"), "--history",
                 str(SCENARIOS / "fit_example_history.csv"), "--budget", "5", "--out", str(tmp_path / "f")])
    err = capsys.readouterr().err
    assert code == 2
    assert "budget=5 (given for this fit, not from the file)" in err and "fit_example.yaml:" not in err, err
    assert not (tmp_path / "f").exists()


def test_an_unreachable_scheduler_for_a_fit_is_one_clear_error(tmp_path, capsys):
    """`--scheduler` pointing nowhere: exit 2 and one line (it was a traceback for fit)."""
    code = main(["fit", str(SCENARIOS / "fit_example.yaml"), "--history",
                 str(SCENARIOS / "fit_example_history.csv"), "--scheduler", "tcp://127.0.0.1:1",
                 "--out", str(tmp_path / "f"), "--quiet"])
    assert code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in capsys.readouterr().err


# ------------------------------------------------------------------ keys that contradict each other
@pytest.mark.parametrize("override, key, words", [
    ("community.group_floor=600", "community.group_floor", "above community.group_cap"),
    ("lifecycle.germination_share=0.9", "lifecycle.germination_share", "below lifecycle.growth_share"),
    ("lifecycle.germination_share=0.8", "lifecycle.germination_share", "below lifecycle.growth_share"),
    ("community.seed_members=6000", "community.seed_members", "exceed population.size"),
])
def test_keys_that_contradict_each_other_are_refused(override, key, words):
    """Each value is in its own range but not with the other key: a floor above the cap merges
    every group, germination ending after growth leaves no growth phase, more founders than
    persons cannot be seated. These were accepted and ran."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(SCENARIOS / "baseline.yaml", overrides=[override])
    (p,) = info.value.problems
    assert p.key == key and words in p.message, p


def test_values_next_to_a_contradiction_are_fine():
    sc = load_scenario(SCENARIOS / "baseline.yaml", overrides=["community.group_floor=200",
                                                               "lifecycle.germination_share=0.79",
                                                               "community.seed_members=4990"])
    assert sc.community.group_floor == sc.community.group_cap == 200


def test_loose_arguments_of_the_python_api_are_refused():
    """One string where a list is due was split into characters; 0.7 or True picked a person."""
    from sim.model import CommunityModel

    sc = load_scenario(SCENARIOS / "baseline.yaml", overrides=["population.size=300"], days=3)
    with pytest.raises(TypeError, match="not one string"):
        sc.with_overrides("population.size=400")
    assert sc.with_overrides(["population.size=400"]).population.size == 400
    model = CommunityModel(sc, seed=1)
    model.run()
    for bad in (0.7, True, "x", None):
        with pytest.raises(TypeError, match="person must be a whole number"):
            model.member(bad)
    person = next(iter(model.agents)).person
    assert model.member(np.int64(person)).person == person  # numpy integers are whole numbers


def test_tiers_without_a_points_strategy_are_noted(tmp_path):
    """Tiers rank members by points earned: with no points strategy they do nothing (a domain review
    found such a scenario bit-identical to the baseline, validated without a word)."""
    t = write(tmp_path, "t.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nstrategies:\n  tiers: {{start: 0}}\n")
    (n,) = load_scenario(t).notices
    assert n.key == "strategies.tiers" and n.line == 3 and "no points strategy runs" in n.message
    assert load_scenario(SCENARIOS / "points_and_tiers.yaml").notices == ()
    by_posts = write(tmp_path, "p.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\n"
                                         "strategies:\n  tiers: {start: 0, by: posts}\n")
    assert load_scenario(by_posts).notices == ()     # activity-based tiers need no points



def _ring_graph(n=60):
    from sim.model.graphs import SocialGraph

    u = np.arange(n, dtype=np.int32)
    return SocialGraph(n, u, ((u + 1) % n).astype(np.int32))


@pytest.mark.parametrize("change, words", [
    (lambda g: g.__class__(g.n, np.r_[g.u, g.v], np.r_[g.v, g.u]), "is listed twice (as (a, b) and (b, a) too)"),
    (lambda g: g.__class__(g.n, np.r_[g.u, g.u[:1]], np.r_[g.v, g.v[:1]]), "is listed twice; list each tie once"),
    (lambda g: g.__class__(g.n, np.r_[g.u, np.int32(5)], np.r_[g.v, np.int32(5)]), "1 self-loop(s), e.g. (5, 5)"),
    (lambda g: g.__class__(g.n, g.u, g.v, np.full(g.u.size, np.nan)), "has nan"),
    (lambda g: g.__class__(g.n, g.u, g.v, np.full(g.u.size, -1.0)), "has -1.0"),
    (lambda g: g.__class__(40, g.u, g.v), "person 59 is outside 0..39 (n is 40)"),
    (lambda g: g.__class__(g.n, g.u, g.v[:-5]), "u and v must be one-dimensional arrays of the same length"),
    (lambda g: g.__class__(g.n, g.u.astype(float), g.v.astype(float)), "whole-number person indices"),
])
def test_a_social_graph_given_as_arrays_is_checked(change, words):
    """`CommunityModel(graph=SocialGraph(...))` used the arrays as they were: ties listed twice or
    both ways, self-loops and NaN or negative weights ran silently with other results, endpoints
    beyond n failed deep in scipy (red team, 2026-12-07). Each is now one ValueError naming graph=."""
    from sim.model import CommunityModel

    sc = scenario_from_dict({"population": {"size": 60}, "horizon_days": 5,
                             "community": {"seed_members": 5, "core_seeds": 1, "organizers": 1}})
    CommunityModel(sc, seed=1, graph=_ring_graph()).run()  # the clean ring runs
    with pytest.raises(ValueError, match=r"^graph=: .*" + re.escape(words)):
        CommunityModel(sc, seed=1, graph=change(_ring_graph()))


def test_the_python_api_names_its_bad_arguments_before_any_work(tmp_path):
    """Arguments a notebook gets wrong, each once unnamed or late (red team, 2026-12-07):
    member(400) on a 400-person graph answered None as for a non-member; run(5, progress=5)
    failed after a day was simulated; compare(store=<a file>) or store=5 failed in pathlib;
    scenario_from_dict(base_dir=5) likewise, and a 2,000-deep dict ended in a RecursionError."""
    import sim
    from sim.experiments.store import ResultStore
    from sim.model import CommunityModel

    sc = scenario_from_dict({"population": {"size": 400}, "horizon_days": 5})
    model = CommunityModel(sc, seed=1)
    with pytest.raises(ValueError, match=r"person must be in \[0, 399\], got 400"):
        model.member(400)
    with pytest.raises(TypeError, match="progress must be a function"):
        model.run(5, progress=5)
    assert model.day == 0  # refused before the first day
    with pytest.raises(TypeError, match="progress must be a function"):
        sim.run_scenario(sc, progress="bar")
    (tmp_path / "afile").write_text("")
    with pytest.raises(ValueError, match="store: .*afile is a file, not a folder"):
        ResultStore(tmp_path / "afile")
    with pytest.raises(TypeError, match="store must be a folder path"):
        sim.compare([sc, sc.with_overrides(["churn.leave_hazard=0.04"])], replications=1, executor="serial",
                    progress=False, store=5)
    with pytest.raises(TypeError, match="base_dir must be a folder path"):
        scenario_from_dict({}, base_dir=5)
    deep = inner = {}
    for _ in range(2000):
        inner["population"] = {}
        inner = inner["population"]
    with pytest.raises(ScenarioError, match=r"population.population.population.population....: nesting deeper"):
        scenario_from_dict(deep)


def test_strategy_settings_that_lost_their_indentation_are_named_as_such(tmp_path):
    """`invite_reward:` then `start: 30` at the same depth (a newcomer's first hour, 2026-12-07): the
    messages said 'expected a mapping of settings' and '(left) to remove'; they now say to indent."""
    f = write(tmp_path, "s.yaml", f"""
        extends: {SCENARIOS / 'baseline.yaml'}
        strategies:
          invite_reward:
          start: 30
          reward: 2.0
    """)
    ps = problems(f)
    assert [(p.line, p.key) for p in ps] == [(3, "strategies.invite_reward"), (4, "strategies.start"),
                                             (5, "strategies.reward")]
    assert "start, reward below it are at its depth, not under it; indent them two more spaces" in ps[0].message
    assert all("is a strategy's setting, not a strategy: indent it under" in p.message for p in ps[1:])
    # an empty strategy with nothing after it keeps its own message; a misplaced non-setting too
    g = write(tmp_path, "g.yaml", f"""
        extends: {SCENARIOS / 'baseline.yaml'}
        strategies:
          points:
          loyalty: 3
    """)
    msgs = {p.key: p.message for p in problems(g)}
    assert "the bases have no strategy 'points' to remove" in msgs["strategies.points"]
    assert msgs["strategies.loyalty"] == "expected a mapping of settings"


def test_a_bare_setting_with_no_value_is_a_lost_setting_not_an_empty_strategy(tmp_path):
    """`promo:` / `stop:` / `start: 30` at one depth: 'stop' was read as an empty strategy (a review, 2026-12-07)."""
    f = write(tmp_path, "s.yaml", f"""
        extends: {SCENARIOS / 'baseline.yaml'}
        strategies:
          promo:
          stop:
          start: 30
    """)
    msgs = {p.key: p.message for p in problems(f)}
    assert set(msgs) == {"strategies.promo", "strategies.stop", "strategies.start"}
    assert "stop, start below it are at its depth" in msgs["strategies.promo"]
    assert msgs["strategies.stop"].startswith("'stop' is a strategy's setting, not a strategy")
