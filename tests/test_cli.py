"""The command line end to end, determinism, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from sim.cli import main
from tests.conftest import ROOT, SCENARIOS

SMALL = ["--set", "population.size=600", "--days", "120"]


def test_run_writes_four_files_and_summary(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), *SMALL])
    assert code == 0
    for name in ("timeseries.csv", "summary.json", "lifecycle.png", "circles.png"):
        assert (out / name).stat().st_size > 0, name
    ts = pd.read_csv(out / "timeseries.csv")
    assert len(ts) == 120 and {"day", "dau", "members", "core", "dormant"} <= set(ts.columns)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["horizon_days"] == 120 and summary["population"] == 600
    assert summary["founders"] == 3 + 5 + 30  # organizers, core seeds, founding members
    assert summary["parameters"]["population"]["size"] == 600
    text = capsys.readouterr().out
    assert "phase" in text and "Lifespan" in text and "germination" in text
    assert (out / "lifecycle.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_run_records_what_made_its_numbers(tmp_path):
    """summary.json's provenance: model and code version, packages and numpy's kernels on this machine."""
    import numpy as np

    from sim.experiments.store import numpy_kernels
    from sim.version import MODEL_VERSION, code_version

    out = tmp_path / "out"
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), "--quiet", *SMALL]) == 0
    made = json.loads((out / "summary.json").read_text())["provenance"]
    assert made["model_version"] == MODEL_VERSION and made["code"] == code_version()
    assert made["numpy"] == np.__version__ and made["numpy_kernels"] == numpy_kernels()
    assert made["machine"] and made["cpu"] and made["libc"]  # the rest of what decides a run's last bits (README)


def test_numpy_kernels_names_what_numpy_dispatches_to_and_honours_its_switch():
    """Holding numpy to its baseline code (every dispatched kernel disabled) is what the record says."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    from sim.experiments.store import numpy_kernels

    here = numpy_kernels().split()
    assert here == [f for f in __cpu_dispatch__ if __cpu_features__[f]] or here == ["baseline", "only"]
    code = "from sim.experiments.store import numpy_kernels; print(numpy_kernels())"
    env = {**__import__("os").environ, "NPY_DISABLE_CPU_FEATURES": " ".join(__cpu_dispatch__)}
    held = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert held.stdout.strip() == "baseline only", held


def test_same_seed_same_timeseries(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for d, seed in ((a, "5"), (b, "5"), (c, "6")):
        assert main(["run", str(SCENARIOS / "points.yaml"), "--out", str(d), "--seed", seed, *SMALL]) == 0
    assert (a / "timeseries.csv").read_bytes() == (b / "timeseries.csv").read_bytes()
    assert (a / "timeseries.csv").read_bytes() != (c / "timeseries.csv").read_bytes()


def test_invalid_scenario_exit_2_and_nothing_written(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(textwrap.dedent("""
        population:
          sise: 100
          graph: {type: file, file: missing.csv}
        acquisition:
          q_weak: -1
        horizon_days: soon
    """).lstrip())
    out = tmp_path / "never"
    assert main(["run", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "4 problems" in err
    for key, line in [("population.sise", 2), ("population.graph.file", 3), ("acquisition.q_weak", 5),
                      ("horizon_days", 6)]:
        assert f"bad.yaml:{line}: {key}" in err
    assert not out.exists()


def test_malformed_graph_file_exit_2(tmp_path, capsys):
    (tmp_path / "g.csv").write_text("a,b\nb\n")
    s = tmp_path / "s.yaml"
    s.write_text("population: {graph: {type: file, file: g.csv}}\n")
    assert main(["run", str(s), "--out", str(tmp_path / "o")]) == 2
    assert "g.csv:2" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_existing_results_survive_a_failed_run(tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), *SMALL]) == 0
    before = (out / "timeseries.csv").read_bytes()
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), "--set", "seed=-1"]) == 2
    assert (out / "timeseries.csv").read_bytes() == before


def test_validate_and_explain(capsys):
    files = [str(p) for p in sorted(SCENARIOS.glob("*.yaml"))]
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out.count(": ok") == len(files)
    assert main(["explain", str(SCENARIOS / "points_removed.yaml"), "--set", "population.size=42"]) == 0
    text = capsys.readouterr().out
    assert "size: 42" in text and "stop: 180" in text and "extends" not in text.split("\n", 1)[1]


def test_validate_reports_bad_file(tmp_path, capsys):
    bad = tmp_path / "b.yaml"
    bad.write_text("strategies:\n  evnts: {}\n")
    assert main(["validate", str(bad)]) == 2
    assert "did you mean 'events'" in capsys.readouterr().err


def test_validate_and_run_print_a_strategy_after_the_horizon_as_a_note(tmp_path, capsys):
    late = tmp_path / "late.yaml"
    late.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nstrategies:\n  points:\n    start: 1500\n")
    assert main(["validate", str(late)]) == 0
    captured = capsys.readouterr()
    assert ": ok" in captured.out
    assert f"note: {late}:4: strategies.points.start: starts on day 1500" in captured.err
    assert main(["run", str(late), "--out", str(tmp_path / "o"), "--set", "population.size=300", "--days", "5"]) == 0
    assert "never in force" in capsys.readouterr().err
    assert main(["run", str(late), "--out", str(tmp_path / "q"), "--set", "population.size=300", "--days", "5",
                 "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_compare_refuses_scenarios_of_different_horizons(tmp_path, capsys):
    """A 200-day variant against a 1,000-day baseline would 'shorten the lifespan' by construction."""
    short = tmp_path / "short.yaml"
    short.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: short\nhorizon_days: 200\n")
    out = tmp_path / "cmp"
    assert main(["compare", str(SCENARIOS / "baseline.yaml"), str(short), "-r", "2", "--serial", "--out", str(out),
                 "--set", "population.size=300"]) == 2
    err = capsys.readouterr().err
    assert "horizon_days differ" in err and "short.yaml: 200" in err and "--days" in err
    assert not out.exists()  # refused before anything was written
    from sim.experiments.compare import compare
    from sim.scenario import load_scenario
    # and in Python, before any run, naming a way to set days that exists in Python
    with pytest.raises(ValueError, match=r"horizon_days differ.*load_scenario\(path, days=N\)"):
        compare([load_scenario(SCENARIOS / "baseline.yaml"), load_scenario(short)], replications=2, executor="serial",
                store=tmp_path / "store")
    assert not (tmp_path / "store").exists()
    # the same days for both: it runs
    assert main(["compare", str(SCENARIOS / "baseline.yaml"), str(short), "-r", "2", "--serial", "--quiet",
                 "--out", str(out), "--set", "population.size=300", "--days", "60"]) == 0


def test_console_script_installed():
    """The README's command: the `circlesim` console script (or `python -m sim.cli`)."""
    res = subprocess.run([sys.executable, "-m", "sim.cli", "--version"], capture_output=True, text=True,
                         cwd=ROOT)
    assert res.returncode == 0 and "circlesim" in res.stdout
    from sim.version import MODEL_VERSION

    assert f"(model version {MODEL_VERSION})" in res.stdout  # what the README's figures name


def test_unknown_command_exits_nonzero():
    with pytest.raises(SystemExit) as info:
        main(["fly"])
    assert info.value.code == 2


def test_run_json_is_the_summary_on_stdout_and_quiet_prints_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), "--json", *SMALL]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)  # stdout is one JSON document and nothing else
    on_disk = json.loads((out / "summary.json").read_text())
    assert {k: v for k, v in doc.items() if k != "outputs"} == on_disk
    assert doc["outputs"]["summary.json"] == str(out / "summary.json") and "Wrote" in captured.err
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), "--quiet", *SMALL]) == 0
    assert capsys.readouterr() == ("", "")
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), "--quiet", "--json", *SMALL]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["horizon_days"] == 120 and captured.err == ""


def test_run_parquet_is_tidy_with_scenario_and_seed(tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(SCENARIOS / "points.yaml"), "--out", str(out), "--parquet", "--seed", "4", *SMALL]) == 0
    tidy = pd.read_parquet(out / "timeseries.parquet")
    wide = pd.read_csv(out / "timeseries.csv")
    assert list(tidy.columns) == ["scenario", "seed", *wide.columns]
    assert set(tidy["scenario"]) == {"points"} and set(tidy["seed"]) == {4}
    pd.testing.assert_frame_equal(tidy.drop(columns=["scenario", "seed"]), wide, check_dtype=False)


def test_run_parquet_without_pyarrow_is_one_clear_error_before_running(tmp_path, capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))
    out = tmp_path / "never"
    # exit 1, as every missing optional extra (dashboard, sweep --method sobol, fit): the input is valid
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), "--parquet", *SMALL]) == 1
    err = capsys.readouterr().err
    assert err.startswith("--parquet: Parquet output needs pyarrow") and 'circlesim[parquet]' in err
    assert not out.exists()


def test_every_argument_of_every_command_has_help():
    import argparse

    from sim.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [f"{name} {a.dest}" for name, p in sub.choices.items() for a in p._actions
               if not isinstance(a, argparse._HelpAction) and (not a.help or a.help == argparse.SUPPRESS)]
    assert missing == []
    port = next(a for a in sub.choices["dashboard"]._actions if a.dest == "port")
    assert "8765" in port.help


def test_a_missing_optional_extra_is_one_line_not_a_traceback(monkeypatch, capsys, tmp_path):
    import sim.outputs.dashboard_server as server

    def served(*_a, **_k):
        raise AssertionError("the dashboard started without its extra")

    monkeypatch.setattr(server, "serve", served)
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if not installed: importing it fails
    assert main(["dashboard"]) == 1
    err = capsys.readouterr().err
    assert "pip install 'circlesim[dashboard]'" in err and "uvicorn is missing" in err
    monkeypatch.setitem(sys.modules, "SALib.sample", None)
    code = main(["sweep", str(SCENARIOS / "points.yaml"), "--param", "strategies.points.value=0:0.05",
                 "--method", "sobol", "--samples", "2", "--quiet", "--out", str(tmp_path / "s")])
    assert code == 1
    err = capsys.readouterr().err
    assert "needs SALib" in err and "Traceback" not in err
    assert not (tmp_path / "s").exists()  # refused before anything was written


def test_a_one_day_run_draws_its_figures_without_warnings(tmp_path):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(["run", str(SCENARIOS / "baseline.yaml"), "--days", "1", "--set", "population.size=300",
                     "--quiet", "--out", str(tmp_path / "r")])
    assert code == 0
    assert [str(w.message) for w in caught if issubclass(w.category, UserWarning)] == []
    assert (tmp_path / "r" / "lifecycle.png").exists()


def test_notebook_tool_without_its_extra_says_what_to_install(monkeypatch, capsys):
    import sys

    from sim.outputs import notebooks

    monkeypatch.setitem(sys.modules, "nbformat", None)  # as if the extra were not installed
    monkeypatch.setitem(sys.modules, "nbclient", None)
    assert notebooks.main(["01_quickstart.ipynb"]) == 1  # executing needs it
    err = capsys.readouterr().err
    assert "notebooks extra" in err and "nbclient" in err and "pip install" in err
    # checking which are stale reads JSON and needs no extra (it refused; a newcomer, 2026-12-07)
    assert notebooks.main(["--check", "01_quickstart.ipynb"]) in (0, 1)
    out, err = capsys.readouterr()
    assert out.startswith("01_quickstart.ipynb: ") and err == ""


@pytest.mark.parametrize("command", ["validate", "compare"])
def test_a_set_problem_shared_by_every_file_is_listed_once_and_each_file_is_named(command, tmp_path, capsys):
    """`--set community.bogus=3` is wrong for both files: one listing, then a line naming the other file."""
    files = [str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "points.yaml")]
    extra = ["-r", "2", "--serial", "--out", str(tmp_path / "cmp")] if command == "compare" else []
    assert main([command, *files, *extra, "--set", "community.bogus=3"]) == 2
    err = capsys.readouterr().err
    assert err.count("community.bogus: unknown key") == 1
    assert f"1 problem in scenario {files[0]}:" in err
    assert f"1 problem in scenario {files[1]}: the same --set problem as above" in err
    assert not (tmp_path / "cmp").exists()


def test_a_files_own_problem_is_listed_under_its_file_beside_a_shared_set_problem(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nfoo: 1\n")
    assert main(["validate", str(bad), str(SCENARIOS / "baseline.yaml"), "--set", "nope=1"]) == 2
    err = capsys.readouterr().err
    assert err.count("--set: nope: unknown key") == 1
    assert f"2 problems in scenario {bad}:" in err and f"{bad}:2: foo: unknown key" in err


@pytest.mark.parametrize("bad", ["horizon_days=abc", "horizon_days=-3", "seed=x"])
def test_a_bad_set_is_refused_even_when_days_or_seed_replace_it(tmp_path, capsys, bad):
    out = tmp_path / "o"
    args = ["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), "--set", bad, "--days", "20", "--seed", "3"]
    assert main(args) == 2
    assert f"--set: {bad.split('=')[0]}:" in capsys.readouterr().err
    assert not out.exists()


def test_reference_out_that_cannot_be_written_is_a_clear_error(tmp_path, capsys):
    """A folder, or a path under a file, is refused with exit 2 and no traceback (a red team's finding)."""
    assert main(["reference", "--out", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    blocker = tmp_path / "afile"
    blocker.write_text("keep me")
    assert main(["reference", "--out", str(blocker / "x.md")]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert blocker.read_text() == "keep me"
    assert main(["reference", "--out", str(tmp_path / "ok.md")]) == 0
    assert "strategies.points.value" in (tmp_path / "ok.md").read_text()
