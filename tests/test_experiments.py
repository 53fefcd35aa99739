"""Comparisons and sweeps: resumable store, executors, failures, statistics, reports."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.experiments.compare import FanAccumulator, compare
from sim.experiments.stats import bootstrap_ci, mean_ci, paired_difference, pareto_front, significant
from sim.model.strategies import KINDS, Strategy
from sim.scenario import load_scenario
from tests.conftest import ROOT, SCENARIOS

SMALL = ["--set", "population.size=800", "--days", "250"]


def _cli(args, cwd=ROOT, **kw):
    return subprocess.Popen([sys.executable, "-m", "sim.cli", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, **kw)


def test_compare_writes_every_file_and_plain_verdicts(tmp_path):
    out = tmp_path / "cmp"
    code = main(["compare", str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "invite_fission.yaml"),
                 str(SCENARIOS / "points.yaml"), "-r", "6", "--serial", "--quiet", "--out", str(out), *SMALL])
    assert code == 0
    for name in ("runs.csv", "summary.csv", "differences.csv", "costs.csv", "fan.png", "phases.png",
                 "distributions.png", "cost_benefit.png", "report.html", "report.md"):
        assert (out / name).stat().st_size > 0, name
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 18 and list(runs["scenario"].unique()) == ["baseline", "invite fission", "points"]
    # common random numbers: every scenario ran on the same seeds
    seeds = runs.groupby("scenario")["seed"].apply(tuple)
    assert len(set(seeds)) == 1
    diff = pd.read_csv(out / "differences.csv")
    assert {"mean", "low", "high", "p", "n", "significant"} <= set(diff.columns)
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 4
    assert not re.search(r"(src|href)=['\"]https?://", html), "report must open offline"
    md = (out / "report.md").read_text()
    verdicts = [line for line in md.splitlines() if line.startswith("- ")]
    assert any("95% CI" in v and "p " in v for v in verdicts)
    assert any("invite fission raises viral K" in v for v in verdicts)


def test_killed_compare_resumes_without_recomputing(tmp_path):
    args = ["compare", str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "points.yaml"), "-r", "10",
            "--workers", "2", "--quiet", *SMALL]
    out = tmp_path / "killed"
    proc = _cli([*args, "--out", str(out)])
    runs_dir = out / "store" / "runs"
    deadline = time.time() + 120
    while time.time() < deadline:
        n = len(list(runs_dir.glob("*/*.json"))) if runs_dir.exists() else 0
        if n >= 4:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = {p: p.stat().st_mtime_ns for p in runs_dir.glob("*/*.json")}
    assert 4 <= len(done) < 20, f"kill should land mid-way, {len(done)} of 20 done"
    assert not (out / "summary.csv").exists()
    again = _cli([*args, "--out", str(out)])
    stdout, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr
    assert f"{len(done)} runs reused" in stdout
    for p, mtime in done.items():
        assert p.stat().st_mtime_ns == mtime, f"{p} was recomputed"
    assert len(list(runs_dir.glob("*/*.json"))) == 20
    fresh = tmp_path / "fresh"
    clean = _cli([*args, "--out", str(fresh)])
    clean.communicate(timeout=300)
    assert clean.returncode == 0
    assert (out / "summary.csv").read_bytes() == (fresh / "summary.csv").read_bytes()
    assert (out / "runs.csv").read_bytes() == (fresh / "runs.csv").read_bytes()


def test_dask_gives_byte_identical_runs(tmp_path):
    pytest.importorskip("distributed")
    base = ["compare", str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "invite_fission.yaml"), "-r", "3",
            "--quiet", *SMALL]
    assert main([*base, "--workers", "2", "--out", str(tmp_path / "pool")]) == 0
    assert main([*base, "--dask-local", "2", "--out", str(tmp_path / "dask")]) == 0
    assert main([*base, "--serial", "--out", str(tmp_path / "serial")]) == 0
    pool = (tmp_path / "pool" / "runs.csv").read_bytes()
    assert pool == (tmp_path / "dask" / "runs.csv").read_bytes()
    assert pool == (tmp_path / "serial" / "runs.csv").read_bytes()


class FaultyStrategy(Strategy):
    """Raises inside the model on day 5 for seeds divisible by 3 (a deliberate bug)."""

    kind = "faulty_for_tests"
    PARAMS = {}

    def apply(self, effects, day):
        if day == 5 and self.model.seed_value % 3 == 0:
            raise RuntimeError("injected failure for this seed")


def test_failing_runs_are_reported_and_others_kept(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(KINDS, "faulty_for_tests", FaultyStrategy)
    faulty = tmp_path / "faulty.yaml"
    faulty.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: faulty\n"
                      "strategies:\n  bug: {kind: faulty_for_tests}\n")
    out = tmp_path / "cmp"
    code = main(["compare", str(SCENARIOS / "baseline.yaml"), str(faulty), "-r", "9", "--serial",
                 "--quiet", "--out", str(out), *SMALL])
    runs = pd.read_csv(out / "runs.csv")
    bad = [s for s in runs[runs["scenario"] == "baseline"]["seed"] if s % 3 == 0]
    assert bad, "the seeds must include some that fail"
    assert code == 1
    err = capsys.readouterr().err
    assert f"{len(bad)} of 18 runs failed" in err and "injected failure" in err
    assert (runs["scenario"] == "baseline").sum() == 9
    assert (runs["scenario"] == "faulty").sum() == 9 - len(bad)
    tracebacks = list((out / "store" / "failures").glob("*/*.txt"))
    assert len(tracebacks) == len(bad) and "RuntimeError" in tracebacks[0].read_text()
    assert "Failures" in (out / "report.md").read_text()


def test_a_compare_whose_runs_fail_keeps_the_earlier_complete_report(tmp_path, capsys, monkeypatch):
    """Nothing written is lost: a rerun into the same folder whose runs fail (here a bug; in life a
    full disk) must not replace a complete report by a partial one (a red team's finding)."""
    monkeypatch.setitem(KINDS, "faulty_for_tests", FaultyStrategy)
    variant = tmp_path / "variant.yaml"
    variant.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: variant\n")
    out = tmp_path / "cmp"
    argv = ["compare", str(SCENARIOS / "baseline.yaml"), str(variant), "-r", "6", "--serial", "--quiet",
            "--out", str(out), *SMALL]
    assert main(argv) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert "runs.csv" in before and "report.html" in before
    capsys.readouterr()
    variant.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: variant\n"
                       "strategies:\n  bug: {kind: faulty_for_tests}\n")  # new parameters: the runs are redone
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "runs failed" in captured.err and f"Kept the earlier outputs in {out}" in captured.out
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert list((out / "store" / "failures").glob("*/*.txt"))  # the failures are on record
    variant.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: variant\n"
                       "strategies:\n  points: {start: 0}\n")  # a complete rerun does replace them
    assert main(argv) == 0
    assert (out / "runs.csv").read_bytes() != before["runs.csv"]
    # a partial set is no set to keep: a later result, partial or not, replaces it
    partial = tmp_path / "partial"
    argv_partial = [*argv[:-len(SMALL) - 1], str(partial), *SMALL]
    variant.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: variant\n"
                       "strategies:\n  bug: {kind: faulty_for_tests}\n")
    capsys.readouterr()
    assert main(argv_partial) == 1 and "Wrote " in capsys.readouterr().out  # nothing earlier: written
    first = (partial / "runs.csv").read_bytes()
    variant.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: variant\n"
                       "strategies:\n  bug: {kind: faulty_for_tests}\n  points: {start: 0}\n")
    assert main(argv_partial) == 1 and "Wrote " in capsys.readouterr().out
    assert (partial / "runs.csv").read_bytes() != first


def test_a_worker_that_dies_gives_a_clear_error_not_a_traceback(capsys, monkeypatch):
    """A pool worker killed from outside (out of memory) surfaces as BrokenProcessPool."""
    from concurrent.futures.process import BrokenProcessPool

    import sim.cli

    def dies(args):
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(sim.cli, "cmd_compare", dies)
    assert main(["compare", str(SCENARIOS / "baseline.yaml"), "-r", "2"]) == 1
    err = capsys.readouterr().err
    assert "a worker process died during the compare" in err and "out of memory" in err and "resumes" in err
    assert "Traceback" not in err


def test_sobol_sweep_reports_first_and_total_order(tmp_path, capsys):
    out = tmp_path / "sw"
    code = main(["sweep", str(SCENARIOS / "points.yaml"), "--param", "strategies.points.value=0:0.05",
                 "--param", "acquisition.q_weak=0.02:0.1", "--method", "sobol", "--samples", "4", "-r", "1",
                 "--serial", "--quiet", "--out", str(out), "--set", "population.size=300", "--days", "150"])
    assert code == 0
    ind = pd.read_csv(out / "indices.csv")
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(ind.columns)
    assert set(ind["measure"]) == {"lifespan", "active_member_days"}
    assert set(ind["parameter"]) == {"strategies.points.value", "acquisition.q_weak"}
    # lifespan: every run of 150 days is alive at the horizon, so it has no indices (not zeros) and says why
    life, amd = ind[ind["measure"] == "lifespan"], ind[ind["measure"] == "active_member_days"]
    assert life["ST"].isna().all() and life["note"].str.startswith("not measured: every run alive").all()
    assert np.isfinite(amd["ST"]).all()
    table = pd.read_csv(out / "sweep.csv")
    assert len(table) == 4 * (2 + 2)
    printed = capsys.readouterr().out
    assert "S1" in printed
    # the intervals are a seeded bootstrap: the terminal shows the numbers indices.csv holds
    # (an unseeded one drew new intervals at every call)
    for _, r in ind.iterrows():
        if np.isfinite(r["S1_conf"]):
            assert f"S1 {r['S1']:+.3f} ± {r['S1_conf']:.3f}   ST {r['ST']:+.3f} ± {r['ST_conf']:.3f}" in printed
    for name in ("pareto.csv", "sobol_indices.png", "partial_dependence.png", "pareto.png", "report.html"):
        assert (out / name).exists(), name


def test_grid_sweep_heatmap_and_int_params(tmp_path):
    out = tmp_path / "grid"
    code = main(["sweep", str(SCENARIOS / "dunbar_split.yaml"), "--param", "strategies.split_groups.cap=50:250",
                 "--param", "community.organizers=1:5", "--method", "grid", "--samples", "2", "-r", "1",
                 "--serial", "--quiet", "--out", str(out), "--set", "population.size=300", "--days", "100"])
    assert code == 0
    t = pd.read_csv(out / "sweep.csv")
    assert sorted(t["community.organizers"].unique()) == [1, 5]
    assert (out / "heatmap_lifespan.png").exists()


def test_sweep_rejects_bad_params(capsys):
    assert main(["sweep", str(SCENARIOS / "points.yaml"), "--param", "population.sise=1:2"]) == 2
    assert "not a numeric scenario parameter" in capsys.readouterr().err
    assert main(["sweep", str(SCENARIOS / "points.yaml"), "--param", "acquisition.q_weak=0.5:2"]) == 2
    assert "outside" in capsys.readouterr().err
    # the sweep sets these itself for every point: varying them would be silently undone
    for key in ("seed", "horizon_days"):
        assert main(["sweep", str(SCENARIOS / "points.yaml"), "--param", f"{key}=1:200"]) == 2
        assert f"{key} cannot be swept" in capsys.readouterr().err
    from sim.experiments.sweep import ParamRange, numeric_keys, plan_sweep
    assert "seed" not in numeric_keys() and "horizon_days" not in numeric_keys()
    with pytest.raises(ValueError, match="seed cannot be swept"):  # from Python too
        plan_sweep(SCENARIOS / "points.yaml", [ParamRange("seed", 1, 10, True)], method="grid", samples=2)
    # numpy bounds (np.linspace, ...) are numbers too
    plan = plan_sweep(SCENARIOS / "points.yaml", [ParamRange("acquisition.q_weak", np.float64(0.01), np.float64(0.1))],
                      method="grid", samples=2)
    assert len(plan.variants) == 2


def test_python_api_and_bounded_driver_memory(tmp_path):
    base = load_scenario(SCENARIOS / "baseline.yaml", overrides=["population.size=300"], days=80)
    variant = tmp_path / "points.yaml"  # a path is accepted too; same days as the baseline (compare checks)
    variant.write_text(f"extends: {SCENARIOS / 'points.yaml'}\npopulation: {{size: 300}}\nhorizon_days: 80\n")
    fan_shapes = []
    for r in (2, 5):
        res = compare([base, variant], replications=r, executor="serial", progress=False,
                      store=tmp_path / f"s{r}")
        fan_shapes.append({k: f.counts.shape for k, f in res.fans.items()})
        # the driver keeps scalars per run, never series
        assert all(not isinstance(v, (list, np.ndarray)) for row in res._rows for v in row.values())
    assert fan_shapes[0]["baseline"] == fan_shapes[1]["baseline"]
    assert res.summary().query("measure == 'lifespan'")["n"].tolist() == [5, 5]
    verdicts = res.verdicts()
    # every headline measure is judged once, in a sentence of its own or in the "no detectable
    # difference" list (incentive spend is all of the extra spend here: total spend's sentence says it)
    from sim.experiments.compare import verdict_measures
    from sim.readouts.registry import measure

    assert verdicts and all(v.startswith("points") for v in verdicts)
    for m in verdict_measures():
        if m != "incentive_spend":
            assert sum(measure(m).label in v for v in verdicts) == 1, (m, verdicts)
    res.to_html(tmp_path / "r.html")
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")


# --------------------------------------------------------------------------- statistics
def test_mean_ci_covers_the_truth_at_the_nominal_rate():
    rng = np.random.default_rng(0)
    hits = sum(lo <= 5.0 <= hi for lo, hi in
               ((r["low"], r["high"]) for r in (mean_ci(rng.normal(5, 2, 12)) for _ in range(2000))))
    # 95% nominal; binomial sd of the hit rate over 2000 trials is ~0.5%
    assert 0.935 < hits / 2000 < 0.965


def test_paired_difference_and_significance():
    base = np.arange(20.0)
    d = paired_difference(base, base + 3)
    assert d["mean"] == 3 and d["low"] == d["high"] == 3 and d["p"] == 0.0 and significant(d)
    rng = np.random.default_rng(1)
    noise = paired_difference(base, base + rng.normal(0, 1, 20))
    assert not significant(noise) and noise["p"] > 0.05
    lo, hi = bootstrap_ci(rng.normal(0, 1, 200), seed=3)
    assert lo < 0 < hi and hi - lo < 0.4


def test_fan_quantiles_match_numpy_within_bin_width():
    rng = np.random.default_rng(2)
    series = rng.integers(0, 3000, size=(200, 50))
    fan = FanAccumulator(days=50, max_value=5000)
    for s in series:
        fan.add(s)
    n = len(series)
    for q in (0.05, 0.5, 0.95):
        # any sample-quantile definition lies between the order statistics around q*n; the
        # histogram adds at most one log bin (~2.3%) of error
        lo = np.quantile(series, max(q - 1.0 / n, 0), axis=0, method="lower") * (1 - 0.025)
        hi = np.quantile(series, min(q + 1.0 / n, 1), axis=0, method="higher") * (1 + 0.025)
        got = fan.quantile(q)
        assert np.all((got >= lo - 1) & (got <= hi + 1)), q
    assert np.allclose(fan.mean(), series.mean(axis=0))


def test_fan_quantiles_are_numpys_definition_and_stay_inside_the_runs():
    # small integers sit one to a bin, so the fan must equal np.quantile exactly: a rank rule
    # without interpolation gives the lower median of 4 runs and fails here
    rng = np.random.default_rng(5)
    for n in (2, 4, 5, 7, 20):
        series = rng.integers(0, 40, size=(n, 30))
        fan = FanAccumulator(days=30, max_value=5000)
        for s in series:
            fan.add(s)
        for q in (0.05, 0.25, 0.5, 0.75, 0.95):
            assert np.allclose(fan.quantile(q), np.quantile(series, q, axis=0)), (n, q)
    # large values share wide bins: the bands still never leave the runs' range
    series = rng.integers(900, 1100, size=(3, 30))
    fan = FanAccumulator(days=30, max_value=5000)
    for s in series:
        fan.add(s)
    for q in (0.05, 0.95):
        got = fan.quantile(q)
        assert np.all((got >= series.min(axis=0)) & (got <= series.max(axis=0))), q
    # a run shorter than the horizon counts on its own days only
    fan = FanAccumulator(days=3, max_value=100)
    for s in ([10, 20, 30], [20, 40], [30]):
        fan.add(s)
    assert fan.quantile(0.5).tolist() == [20, 30, 30] and fan.mean().tolist() == [20, 30, 30]


def test_pareto_front_is_non_dominated():
    rng = np.random.default_rng(4)
    b, c = rng.random(100), rng.random(100)
    front = pareto_front(b, c)
    for i in front:
        assert not np.any((b > b[i]) & (c <= c[i]) | (b >= b[i]) & (c < c[i]))
    others = np.setdiff1d(np.arange(100), front)
    for i in others:
        assert np.any((b >= b[i]) & (c <= c[i]) & ((b > b[i]) | (c < c[i])))


def test_package_level_api_survives_submodule_imports():
    """`sim.compare(...)` and `sim.sweep(...)` stay functions whatever was imported before."""
    import importlib

    import sim

    importlib.import_module("sim.experiments.compare")
    importlib.import_module("sim.experiments.sweep")
    assert callable(sim.compare) and callable(sim.sweep)
    assert sim.compare.__module__ == "sim.experiments.compare" and sim.sweep.__module__ == "sim.experiments.sweep"


def test_the_profile_benchmark_accounts_for_the_days_time():
    """`benchmarks/bench_profile.py` (the README's per-day call count): shares of one run's time."""
    import importlib.util

    path = ROOT / "benchmarks" / "bench_profile.py"
    spec = importlib.util.spec_from_file_location("bench_profile", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    total, calls, top, readouts = bench.shares(bench.profile(300, 20, 1), top=5)
    assert total > 0 and calls > 20 * 100                 # a day is hundreds of calls
    assert len(top) == 5 and all(a >= b for (_, a), (_, b) in zip(top, top[1:]))
    assert 0 < sum(share for _, share in top) <= 1 and 0 < readouts < 1
    every, member_state, takes = bench.gathers(bench.profile(300, 20, 1))
    assert takes > 20 * 10 and 0 < member_state < every < 1


def test_the_profile_benchmark_names_functions_that_exist():
    """The gathers split by caller name (docs/performance.md's compaction bound): a renamed tie
    gatherer would silently count as member state, so every name must still be a function in sim."""
    import importlib.util
    import inspect

    import sim.model.mechanics.attention as attention
    import sim.model.population as population

    path = ROOT / "benchmarks" / "bench_profile.py"
    spec = importlib.util.spec_from_file_location("bench_profile", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    defined = {name for mod in (attention, population) for name, _ in inspect.getmembers(mod, inspect.isfunction)}
    assert set(bench.TIE_GATHERS) <= defined, set(bench.TIE_GATHERS) - defined
