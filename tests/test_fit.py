"""Fitting a community's history and forecasting it (issue 10): inputs, engine, outputs, CLI.

The statistical acceptance tests (simulation-based calibration, the planted change) are in
tests/test_fit_calibration.py. Fits here use tests/data/fit_small.yaml (1,000 people, two
parameters, 16 particles, 3 generations) on a 45-day history, so each takes seconds.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.fitting.history import HistoryError, read_history
from sim.fitting.spec import FitSpec
from sim.scenario import ScenarioError, load_scenario
from tests.conftest import ROOT, SCENARIOS

# fits need the [fit] extra (pyabc); it is part of [all], which CI installs. Input checks need no pyabc.
needs_pyabc = pytest.mark.skipif(importlib.util.find_spec("pyabc") is None,
                                 reason="the [fit] extra (pyabc) is not installed")

SMALL = ROOT / "tests" / "data" / "fit_small.yaml"
HISTORY_DAYS = 45
TRUTH = ["acquisition.q_close=0.15", "motivation.novelty_halflife=80"]


def write(tmp_path, name, text) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def simulated_history(path: Path, overrides=TRUTH, seed: int = 3, days: int = HISTORY_DAYS) -> Path:
    """The first `days` days of a run of fit_small.yaml with `overrides`, as a history CSV."""
    from sim.model import CommunityModel

    sc = load_scenario(SMALL, overrides=overrides)
    model = CommunityModel(sc, seed=seed)
    model.run(days=days)
    from sim.fitting.history import write_history

    write_history(model.timeseries()[["day", "members", "dau", "posts"]], path,
                  [f"synthetic test history: fit_small.yaml with {', '.join(overrides)}, seed {seed}"])
    return path


@pytest.fixture(scope="module")
def history_csv(tmp_path_factory) -> Path:
    return simulated_history(tmp_path_factory.mktemp("history") / "history.csv")


@pytest.fixture(scope="module")
def reference(tmp_path_factory, history_csv):
    """One serial, uninterrupted fit: the reference the executor, resume and output tests compare with."""
    import sim

    out = tmp_path_factory.mktemp("fit") / "reference"
    return sim.fit(SMALL, history_csv, out=out, executor="serial", progress=False)


# ------------------------------------------------------------------------------ history files
def test_history_reads_days_gaps_and_comments(tmp_path):
    p = write(tmp_path, "h.csv", "# exported 2025-05-01\n\nday,members,dau,posts\n0,30,30,100\n1,34,,120\n"
              "4,41,20,NA\n")
    h = read_history(p)
    assert h.days.tolist() == [0, 1, 4] and h.series == ["members", "dau", "posts"]
    assert np.isnan(h.values["dau"][1]) and np.isnan(h.values["posts"][2])
    assert h.comments == ["exported 2025-05-01"] and h.last_day == 4


def test_history_dates_count_from_the_launch_date(tmp_path):
    p = write(tmp_path, "h.csv", "date,members\n2025-03-01,10\n2025-03-03,14\n")
    assert read_history(p).days.tolist() == [0, 2]
    assert read_history(p, launch_date="2025-02-27").days.tolist() == [2, 4]
    assert read_history(p).date_of(2) == "2025-03-03"


BAD_HISTORIES = {
    # name: (file text, line, column, words in the message)
    "unknown column": ("day,members,memberz\n0,1,2\n", 1, 3, "unknown column 'memberz'"),
    "text in a number": ("day,members,dau\n0,30,30\n1,thirty,31\n", 3, 2, "'thirty' is not a number"),
    "negative members": ("day,members\n0,30\n1,-2\n", 3, 2, "-2 is negative"),
    "day going backwards": ("day,members\n0,30\n5,31\n3,32\n", 4, 1, "3 goes backwards"),
    "empty file": ("", 1, None, "the file is empty"),
    "repeated day": ("day,members\n0,30\n0,31\n", 3, 1, "0 repeats"),
    "date going backwards": ("date,members\n2025-03-02,1\n2025-03-01,2\n", 3, 1, "before the launch date"),
    "not a date": ("date,members\n2025-13-01,1\n", 2, 1, "is not a date"),
    "too many fields": ("day,members\n0,30,7\n", 2, None, "3 fields, but the header has 2"),
    "no time column": ("members,dau\n1,2\n", 1, None, "no 'day' or 'date' column"),
    "fractional day": ("day,members\n0.5,30\n", 2, 1, "not a whole number of days"),
    "infinite value": ("day,members\n0,inf\n", 2, 2, "not a finite number"),
    "only a header": ("day,members\n", 2, None, "no observed day"),
    "all gaps": ("day,members,dau\n0,1,\n1,2,\n", 1, 3, "the column has no values"),
    # an OverflowError traceback until 2026-12-07 (red team)
    "a day of 1e300": ("day,members\n0,30\n1e300,31\n", 3, 1, "1e300 is beyond day 20,000"),
    "a day of 1e19": ("day,members\n0,30\n1e19,31\n", 3, 1, "1e19 is beyond day 20,000"),
    "an Excel error as the day": ("day,members\n0,30\n#N/A,31\n2,32\n", 3, 1, "'#N/A' is not a whole number"),
    # before the header, such a line is a comment (a review's find: it became the header)
    "a comment naming #N/A": ("#N/A, #VALUE! and empty cells are gaps\nday,members\n0,3\n0,4\n", 4, 1, "0 repeats"),
    "a date centuries on": ("date,members\n2025-03-01,30\n9999-01-01,31\n", 3, 1, "beyond day 20,000"),
}


@pytest.mark.parametrize("name", sorted(BAD_HISTORIES))
def test_each_bad_history_gives_one_clear_error_with_line_and_column(tmp_path, name):
    text, line, column, words = BAD_HISTORIES[name]
    p = write(tmp_path, "bad.csv", text)
    with pytest.raises(HistoryError) as err:
        read_history(p)
    problems = err.value.problems
    assert len(problems) == 1, [str(x) for x in problems]
    assert problems[0].line == line and problems[0].column == column
    message = str(problems[0])
    assert message.startswith(f"{p}:{line}") and words in message
    if column is not None:
        assert f"column {column}" in message


def test_fit_checks_memory_for_its_workers_capped_at_a_generation(tmp_path, monkeypatch, capsys, history_csv):
    """`fit` had no memory check and started every --workers asked (183 processes for a 10-simulation
    fit: a red team's find, 2026-12-06): it now starts at most one per simulation its budget allows (or
    forecast draw, if more) and checks their memory as compare and sweep do, before anything is written."""
    from sim.experiments import preflight
    from sim.model.memory import MemoryEstimateError

    seen = []

    def refuse(scenarios, parallel):
        seen.append(parallel)
        raise MemoryEstimateError(f"{parallel} runs at once need more memory than this machine has")

    monkeypatch.setattr(preflight, "check_memory", refuse)
    out = tmp_path / "out"
    assert main(["fit", str(SMALL), "--history", str(history_csv), "--out", str(out), "--workers", "500"]) == 2
    assert seen == [150]                 # fit_small.yaml's budget: 150 simulations (6 forecast draws)
    assert "150 runs at once" in capsys.readouterr().err and not out.exists()
    seen.clear()                         # the budget caps the default engine (all cores) as well
    from sim.experiments import executors

    monkeypatch.setattr(executors, "default_workers", lambda: 64)
    assert main(["fit", str(SMALL), "--history", str(history_csv), "--out", str(out), "--set", "fit.budget=40",
                 "--set", "fit.forecast_draws=1"]) == 2
    assert seen == [40]


def test_a_prior_bound_set_through_nested_keys_says_how_to_set_it(tmp_path, capsys, history_csv):
    """`--set fit.parameters.acquisition.q_close.low=0.1` suggested 'acquisition.q_weak' (a red team's find)."""
    out = tmp_path / "out"
    assert main(["fit", str(SMALL), "--history", str(history_csv), "--out", str(out),
                 "--set", "fit.parameters.acquisition.q_close.low=0.1"]) == 2
    err = capsys.readouterr().err
    assert "fit.parameters.acquisition: not a scenario parameter: a fitted parameter is named by its whole " \
           "dotted key" in err and "did you mean" not in err and not out.exists()


@pytest.mark.parametrize("kwargs, error, words", [
    ({"executor": "bad"}, ValueError, "executor must be None"), ({"executor": 3}, TypeError, "executor must be"),
    ({"workers": 0}, ValueError, "workers must be at least 1"), ({"draws": 2.7}, TypeError, "draws must be a whole"),
    ({"draws": True}, TypeError, "draws must be a whole"), ({"seeds_per_draw": "2"}, TypeError, "seeds_per_draw"),
    ({"variants": None}, TypeError, "variants must be a list"),
    ({"executor": "serial", "workers": 4}, ValueError, 'workers=4 sizes the local process pool'),
])
def test_compare_from_fit_checks_its_arguments_as_compare_does(tmp_path, kwargs, error, words):
    """2.7 draws ran as 2 and executor="bad" as a local pool (a red team's find, 2026-12-06): checked
    before the fit is even read, so a folder that is no fit does not matter here."""
    import sim

    args = {"variants": ["scenarios/points.yaml"], **kwargs}
    with pytest.raises(error, match=re.escape(words)):
        sim.compare_from_fit(tmp_path / "no-fit", **args)


@pytest.mark.parametrize("kwargs, error", [({"executor": "bad"}, ValueError), ({"workers": 1.5}, TypeError),
                                           ({"executor": "serial", "workers": 2}, ValueError)])
def test_fit_checks_its_engine_arguments_first(tmp_path, kwargs, error):
    import sim

    with pytest.raises(error, match="executor must be|workers must be|workers=2 sizes the local process pool"):
        sim.fit(SMALL, tmp_path / "no-history.csv", tmp_path / "out", **kwargs)
    assert not (tmp_path / "out").exists()


def test_a_database_that_cannot_be_written_is_one_message_not_a_traceback(tmp_path, monkeypatch, capsys,
                                                                           history_csv):
    """A full disk under the fit's SQLite database ended in SQLAlchemy's traceback (a review's find)."""
    import sqlite3

    import sqlalchemy.exc

    from sim.fitting import engine

    def full(*args, **kwargs):
        raise sqlalchemy.exc.OperationalError("INSERT INTO populations", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(engine, "run_abc", full)
    out = tmp_path / "out"
    assert main(["fit", str(SMALL), "--history", str(history_csv), "--out", str(out), "--serial", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"could not write its database {out / 'fit.db'}: disk I/O error" in err and "Traceback" not in err


@needs_pyabc
def test_a_damaged_database_says_to_delete_it_not_to_rerun(tmp_path, reference, capsys, history_csv):
    """A truncated fit.db said "the same command again resumes", and every rerun failed the same
    way (red team, 2026-12-07): a damaged database now says so, and how to start over."""
    import shutil

    out = tmp_path / "fit"
    shutil.copytree(reference.out, out)
    db = out / "fit.db"
    db.write_bytes(db.read_bytes()[:3000])  # truncated: SQLite reads a malformed image
    argv = ["fit", str(SMALL), "--history", str(history_csv), "--out", str(out), "--serial", "--quiet"]
    for _ in range(2):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert f"the fit's database {db} is damaged (" in err and f"delete {db}" in err, err
        assert "resumes from them" not in err and "Traceback" not in err


def test_fit_engine_options_exclude_each_other_and_an_uncreatable_folder_is_refused(tmp_path, capsys,
                                                                                   history_csv):
    with pytest.raises(SystemExit) as exit_:
        main(["fit", str(SMALL), "--history", str(history_csv), "--serial", "--workers", "2"])
    assert exit_.value.code == 2 and "not allowed with argument --serial" in capsys.readouterr().err
    # /proc takes no new folders, even for root, whom file permissions do not stop (another user is
    # refused one step earlier, by the permission check)
    assert main(["fit", str(SMALL), "--history", str(history_csv), "--out", "/proc/circlesim-fit", "--serial"]) == 2
    err = capsys.readouterr().err
    assert ("--out: cannot write to /proc/circlesim-fit" in err or "--out: /proc is not writable" in err) \
        and "Traceback" not in err


@pytest.mark.parametrize("name", ["unknown column", "text in a number", "negative members", "day going backwards",
                                  "empty file"])
def test_cli_bad_history_exits_2_and_writes_nothing(tmp_path, capsys, name):
    text, line, column, words = BAD_HISTORIES[name]
    p = write(tmp_path, "bad.csv", text)
    out = tmp_path / "out"
    assert main(["fit", str(SMALL), "--history", str(p), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"bad.csv:{line}" in err and words in err
    assert not out.exists()


def test_history_lists_every_problem_of_a_file(tmp_path):
    p = write(tmp_path, "h.csv", "day,members,dau\n0,x,1\n1,2,-1\n")
    with pytest.raises(HistoryError) as err:
        read_history(p)
    assert [(q.line, q.column) for q in err.value.problems] == [(2, 2), (3, 3)]


# ------------------------------------------------------------------------------ the fit: section
def fit_scenario(tmp_path, fit_text: str) -> Path:
    return write(tmp_path, "s.yaml", f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}\nfit:\n{fit_text}")


def problems_of(path) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return [str(p) for p in err.value.problems]


def test_fit_section_is_validated_against_the_schema_with_file_line_and_key(tmp_path):
    p = fit_scenario(tmp_path, "  parameters:\n"
                               "    acquisition.q_clsoe: {prior: uniform, low: 0.1, high: 0.2}\n"
                               "    acquisition.q_weak: {prior: uniform, low: 0.1, high: 1.5}\n"
                               "    acquisition.p_external: {prior: log-uniform, low: 0, high: 0.01}\n"
                               "    motivation.novelty_halflife: {prior: normal, mean: 300, sd: -5}\n"
                               "    population.graph.type: {prior: uniform, low: 0, high: 1}\n"
                               "    churn.leave_threshold: {prior: gamma, low: 0, high: 1}\n"
                               "    seed: {prior: uniform, low: 0, high: 9}\n"
                               "  observed: [members, daus]\n"
                               "  budget: many\n")
    found = problems_of(p)
    expected = [
        (4, "fit.parameters.acquisition.q_clsoe", "did you mean 'acquisition.q_close'"),
        (5, "fit.parameters.acquisition.q_weak.high", "outside the range of acquisition.q_weak: float in [0, 1]"),
        (6, "fit.parameters.acquisition.p_external.low", "log-uniform prior needs low > 0"),
        (7, "fit.parameters.motivation.novelty_halflife.sd", "sd must be above 0"),
        (8, "fit.parameters.population.graph.type", "only numeric parameters"),
        (9, "fit.parameters.churn.leave_threshold.prior", "'gamma' is not a prior"),
        (10, "fit.parameters.seed", "cannot be fitted"),
        (11, "fit.observed", "'daus' is not a series; did you mean 'dau'"),
        (12, "fit.budget", "expected a number"),
    ]
    assert len(found) == len(expected), found
    for (line, key, words), text in zip(expected, found):
        assert text.startswith(f"{p}:{line}: {key}: ") and words in text, text


def test_fit_section_accepts_strategy_parameters_and_defaults_normal_bounds(tmp_path):
    head = f"extends: {ROOT / 'scenarios' / 'points.yaml'}\nfit:\n  parameters:\n"
    missing = write(tmp_path, "m.yaml", head + "    strategies.tiers.value: {prior: uniform, low: 0, high: 1}\n")
    assert "fit.parameters.strategies.tiers.value: not a scenario parameter" in "\n".join(problems_of(missing))
    p = write(tmp_path, "s.yaml", head + "    strategies.points.value: {prior: uniform, low: 0.001, high: 0.05}\n"
              "    acquisition.q_close: {prior: normal, mean: 0.15, sd: 0.05}\n")
    spec = FitSpec.from_scenario(load_scenario(p))
    assert spec.keys == ["strategies.points.value", "acquisition.q_close"]
    assert (spec.prior("acquisition.q_close").low, spec.prior("acquisition.q_close").high) == (0.0, 1.0)


def test_cli_validate_reports_fit_problems_and_exits_2(tmp_path, capsys):
    p = fit_scenario(tmp_path, "  parameters:\n    acquisition.q_close: {prior: uniform, low: 0.3, high: 0.1}\n")
    assert main(["validate", str(p)]) == 2
    assert f"{p}:4: fit.parameters.acquisition.q_close.high: high (0.1) must be above low (0.3)" in \
        capsys.readouterr().err


def test_fit_section_never_changes_what_a_run_simulates():
    plain = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    with_fit = load_scenario(ROOT / "scenarios" / "fit_example.yaml")
    assert with_fit.fit is not None and plain.fit is None
    assert {k: v for k, v in with_fit.to_dict().items() if k not in ("name", "description")} == \
        {k: v for k, v in plain.to_dict().items() if k not in ("name", "description")}
    assert "fit" not in with_fit.to_dict()
    again = with_fit.with_overrides(["fit.budget=1234"])
    assert again.fit["budget"] == 1234 and again.digest() == with_fit.digest()


def test_priors_sample_inside_their_bounds_on_the_right_scale():
    spec = FitSpec.from_scenario(load_scenario(ROOT / "scenarios" / "fit_example.yaml"))
    rng = np.random.default_rng(0)
    for p in spec.parameters:
        x = p.sample(rng, 4000)
        assert x.min() >= p.low and x.max() <= p.high
    pext = spec.prior("acquisition.p_external")
    x = pext.sample(rng, 20000)
    # log-uniform on [1e-5, 3e-4]: a tenth of the log-range holds a tenth of the draws
    cut = 10 ** (np.log10(1e-5) + 0.1 * np.log10(30))
    assert abs(np.mean(x < cut) - 0.1) < 0.01  # binomial sd 0.002: five sd
    z = pext.to_internal(x)
    assert np.allclose(pext.to_natural(z), x)


def test_history_and_fit_section_must_fit_together(tmp_path, history_csv, capsys):
    p = write(tmp_path, "s.yaml", f"extends: {SMALL}\nfit:\n  observed: [members, joins]\n  forecast_days: 60\n")
    out = tmp_path / "out"
    assert main(["fit", str(p), "--history", str(history_csv), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{p}:3: fit.observed: joins not in the history" in err
    assert f"{p}:4: fit.forecast_days: the forecast horizon (day 60) must be at least 31 days after" in err
    assert not out.exists()


def test_a_scenario_without_fit_section_is_refused(tmp_path, history_csv, capsys):
    assert main(["fit", str(ROOT / "scenarios" / "baseline.yaml"), "--history", str(history_csv),
                 "--out", str(tmp_path / "o")]) == 2
    assert "has no 'fit:' section" in capsys.readouterr().err


# ------------------------------------------------------------------------------ engine
def test_a_shorter_run_is_the_start_of_the_longer_one():
    """The forecast continues the accepted runs: a run of n days must be the first n days of the full run."""
    from sim.model import CommunityModel

    sc = load_scenario(SMALL, overrides=TRUTH)
    short = CommunityModel(sc, seed=11)
    short.run(days=HISTORY_DAYS)
    full = CommunityModel(sc, seed=11)
    full.run()
    pd.testing.assert_frame_equal(short.timeseries(), full.timeseries().iloc[:HISTORY_DAYS])


@needs_pyabc
def test_posterior_particles_are_reproduced_by_their_parameters_and_seed(reference):
    """Each stored particle's statistics come back exactly from its parameters and seed (so draws re-run it)."""
    import pyabc

    from sim.fitting.engine import Simulator, parameter_names

    history = pyabc.History(f"sqlite:///{reference.out / 'fit.db'}")
    population = history.get_population(t=history.max_t)
    simulator = Simulator(reference.scenario, reference.spec, reference.layout, reference.fit_seed)
    seeds = set(reference.posterior()["seed"])
    for particle in population.particles[:3]:
        internal = {n: particle.parameter[n] for n in parameter_names(reference.spec)}
        assert simulator.seed_of(internal) in seeds
        again = simulator(internal)
        for key, value in particle.sum_stat.items():
            np.testing.assert_array_equal(again[key], value)


@needs_pyabc
def test_process_pool_gives_the_serial_posterior(tmp_path, reference, history_csv):
    import sim

    pooled = sim.fit(SMALL, history_csv, out=tmp_path / "pool", workers=2, progress=False, write=False)
    pd.testing.assert_frame_equal(pooled.posterior(), reference.posterior())
    pd.testing.assert_frame_equal(pooled.draws, reference.draws)


@needs_pyabc
def test_dask_gives_the_serial_posterior(tmp_path, history_csv):
    import sim
    from sim.experiments.executors import make_executor

    small = dict(generations=2, forecast_draws=3, progress=False, write=False)
    serial = sim.fit(SMALL, history_csv, out=tmp_path / "serial", executor="serial", **small)
    with make_executor(dask_local=2) as ex:
        dask = sim.fit(SMALL, history_csv, out=tmp_path / "dask", executor=ex, **small)
    pd.testing.assert_frame_equal(dask.posterior(), serial.posterior())


@needs_pyabc
def test_resume_after_sigkill_keeps_finished_generations_and_gives_the_same_posterior(tmp_path, reference,
                                                                                      history_csv):
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "sim.cli", "fit", str(SMALL), "--history", str(history_csv), "--out", str(out),
           "--serial"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = out / "fit.db"
    deadline = time.time() + 300
    done = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(db) as con:
                    done = con.execute("select count(*) from populations where t >= 0").fetchone()[0]
            except sqlite3.Error:
                continue
            if done >= 1:
                break
    assert proc.poll() is None, "the fit finished before it could be killed"
    assert done >= 1, "no generation finished in time"
    with sqlite3.connect(db) as con:
        before = con.execute("select id, t, nr_samples, epsilon from populations where t >= 0").fetchall()
        particles_before = con.execute("select count(*) from particles").fetchone()[0]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    resumed = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"{done} generation(s) read from fit.db, not recomputed" in resumed.stderr
    with sqlite3.connect(db) as con:
        after = con.execute("select id, t, nr_samples, epsilon from populations where t >= 0").fetchall()
        assert con.execute("select count(*) from particles").fetchone()[0] >= particles_before
    assert after[:len(before)] == before  # the finished generations' rows were never rewritten
    posterior = pd.read_csv(out / "posterior.csv")
    pd.testing.assert_frame_equal(posterior, reference.posterior(), check_exact=False, rtol=1e-15)
    summary = json.loads((out / "fit_summary.json").read_text())
    assert summary["run"]["resumed"] and summary["run"]["exact_resume"] is True


@needs_pyabc
def test_a_folder_holding_another_fit_is_refused(tmp_path, reference, history_csv, capsys):
    other = simulated_history(tmp_path / "other.csv", seed=4)
    assert main(["fit", str(SMALL), "--history", str(other), "--out", str(reference.out)]) == 2
    assert "holds a different fit (differs: the history file's contents);" in capsys.readouterr().err
    # it says what differs, as the command line names it (it said only "another scenario, fit
    # section, history or seed" when the population size alone had changed)
    assert main(["fit", str(SMALL), "--history", str(history_csv), "--out", str(reference.out),
                 "--population-size", str(reference.spec.population_size + 1)]) == 2
    assert "(differs: fit.population_size (--population-size));" in capsys.readouterr().err


@needs_pyabc
def test_every_file_a_fit_writes_is_one_it_declares(reference):
    """The names `folder.unrecorded_outputs` protects for a fit are every file a fit writes."""
    from sim.outputs.folder import OUTPUT_NAMES

    written = {p.name for p in reference.out.iterdir() if p.is_file() and not p.name.startswith(".")}
    assert {"history.csv", "fit.db", "posterior.csv"} <= written <= set(OUTPUT_NAMES["fit"]), \
        written - set(OUTPUT_NAMES["fit"])


def test_two_fits_cannot_share_a_folder_at_once(tmp_path):
    from sim.fitting.run import lock_folder

    # the lock is the output folders' own (re-entrant within a process, so the fit's final
    # publication can take it again): the second fit is another process
    probe = ("import sys\nfrom pathlib import Path\nfrom sim.fitting.run import FitInputError, lock_folder\n"
             "try:\n    lock_folder(Path(sys.argv[1])).close()\nexcept FitInputError as exc:\n"
             "    print(exc)\n    raise SystemExit(3)\n")
    held = lock_folder(tmp_path)
    try:
        done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True)
        assert done.returncode == 3 and "another circlesim process" in done.stdout, done.stdout + done.stderr
    finally:
        held.close()
    assert subprocess.run([sys.executable, "-c", probe, str(tmp_path)]).returncode == 0  # free once released
    code = ("import sys\nfrom sim.fitting.from_fit import load_finished_fit\n"
            "try:\n    load_finished_fit(sys.argv[1])\nexcept ValueError as exc:\n    print(exc)\n")
    held = lock_folder(tmp_path)
    try:  # compare --from-fit does not read a folder a fit is still writing
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True).stdout
        assert "a circlesim fit is running in this folder" in out, out
    finally:
        held.close()


# ------------------------------------------------------------------------------ outputs
@needs_pyabc
def test_outputs_summary_posterior_forecast_figures_and_reports(reference):
    out = reference.out
    for name in ("posterior.csv", "fit_summary.json", "generations.csv", "forecast.csv", "forecast_draws.csv",
                 "forecast_fan.png", "posterior_pairs.png", "prior_vs_posterior.png", "dormancy.png", "report.html",
                 "report.md", "fit.db", "fit_manifest.json", "history.csv"):
        assert (out / name).exists(), name
    summary = json.loads((out / "fit_summary.json").read_text())
    for key in reference.spec.keys:
        s = summary["parameters"][key]
        assert s["q05"] <= s["q50"] <= s["q95"] and {"mean", "q05", "q50", "q95"} <= set(s)
        prior = reference.spec.prior(key)
        assert prior.low <= s["q05"] and s["q95"] <= prior.high
    forecast = summary["forecast"]
    for key in ("lifespan", "peak_day", "peak_dau", "alive_at_horizon"):
        assert {"q05", "q50", "q95"} <= set(forecast[key])
    assert forecast["draws"] == reference.spec.forecast_draws
    posterior = pd.read_csv(out / "posterior.csv")
    assert list(posterior.columns) == ["particle", "weight", *reference.spec.keys, "seed", "distance"]
    assert abs(posterior["weight"].sum() - 1) < 1e-9 and len(posterior) == reference.spec.population_size
    md = (out / "report.md").read_text()
    assert "On its present course the community" in md and "## What the history says about the community" in md
    assert "SYNTHETIC HISTORY (generated by the simulator, not a real community)" in md  # from the file's comments
    html = (out / "report.html").read_text()
    assert "data:image/png;base64" in html and "http" not in html.replace("https://", "").split("<body>")[0]
    table = pd.read_csv(out / "forecast.csv")
    assert len(table) == reference.horizon and {"dau_q05", "dau_q50", "members_q95"} <= set(table.columns)
    assert (table["dau_q05"] <= table["dau_q50"]).all() and (table["dau_q50"] <= table["dau_q95"]).all()


@needs_pyabc
def test_dormancy_probabilities_only_up_to_the_horizon(reference):
    f = reference.forecast()
    assert reference.horizon < 365 and "dormant_by_day_365" not in f
    life = f["lifespan"]
    dormant = [r["lifespan"] for r in reference.records if r["lifespan"] is not None]
    if dormant:
        assert life["q05"] is not None and min(dormant) <= life["q05"] + 1e-9


@needs_pyabc
def test_sentence_states_the_90_percent_dormancy_interval(reference):
    from sim.fitting.result import FitResult

    fake = FitResult.__new__(FitResult)
    fake.__dict__.update(reference.__dict__)
    fake.records = [{"lifespan": d, "readouts": {}} for d in range(150, 251)]
    text = fake.sentence()
    # 101 draws, midpoint quantiles: the 5% point is the 5.55th smallest, 150 + 4.55, shown as day 155
    assert text.startswith("On its present course the community goes dormant between day 155 and day 245 (90%); "
                           "most likely around day ")
    fake.records = [{"lifespan": None, "readouts": {}} for _ in range(10)]
    fake.draws = fake.draws.iloc[:0].reindex(range(10))  # ten forecasts, all alive at the horizon
    assert fake.sentence().endswith(f"still active at day {reference.horizon} (the forecast horizon) in 10 of 10 "
                                    "forecasts.")  # was "in more than 95% of" a handful


@needs_pyabc
def test_load_fit_reads_a_finished_fit_back(reference):
    from sim.fitting.result import load_fit

    back = load_fit(reference.out)
    pd.testing.assert_frame_equal(back.posterior(), reference.posterior(), check_exact=False, rtol=1e-15)
    assert back.forecast() == reference.forecast()
    assert back.sentence() == reference.sentence()


@needs_pyabc
def test_rerunning_a_finished_fit_recomputes_nothing(reference, history_csv, capsys):
    assert main(["fit", str(SMALL), "--history", str(history_csv), "--out", str(reference.out), "--serial"]) == 0
    captured = capsys.readouterr()
    done = len(reference.generations)  # as many as the budget allowed (the fit section asks for 3)
    assert 1 <= done <= reference.spec.generations
    assert f"{done} generation(s) read from fit.db" in captured.err and f"{reference.spec.forecast_draws} reused" in \
        captured.err
    assert reference.sentence() in captured.out


# ------------------------------------------------------------------------------ compare --from-fit
@needs_pyabc
def test_compare_from_fit_gives_verdicts_over_posterior_draws(tmp_path, reference, capsys):
    variant = write(tmp_path, "events.yaml", f"extends: {SMALL}\nname: monthly events\nstrategies:\n"
                    "  events: {start: 0, every: 30, format: online}\n")
    out = tmp_path / "cmp"
    code = main(["compare", "--from-fit", str(reference.out), str(variant), "--out", str(out), "--serial", "-r", "6",
                 "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Over 6 posterior draws" in printed and "6 seeds" in printed
    assert f"start on day {HISTORY_DAYS}" in printed
    md = (out / "report.md").read_text()
    assert "Over 6 posterior draws" in md and "monthly events" in md
    runs = pd.read_csv(out / "runs.csv")
    assert runs.groupby("scenario").size().tolist() == [6, 6]
    # the baseline over draw j is the forecast run j: same parameters, same seed, same horizon
    draws = pd.read_csv(reference.out / "forecast_draws.csv").iloc[:6].set_index("seed")
    base = runs[runs["scenario"].str.contains("present course")].set_index("seed").loc[draws.index]
    assert (base["active_member_days"].to_numpy() == draws["active_member_days"].to_numpy()).all()
    assert any(line.startswith("- monthly events") for line in printed.splitlines())


@needs_pyabc
def test_variant_strategies_start_the_day_after_the_last_observation(reference, tmp_path):
    from sim.fitting.from_fit import design_scenario

    variant = load_scenario(write(tmp_path, "v.yaml", f"extends: {SMALL}\ncommunity: {{group_cap: 150}}\n"
                                  "strategies:\n  points: {start: 10, stop: 40}\n"))
    sc, notes = design_scenario(reference.scenario, variant, HISTORY_DAYS, reference.spec.keys)
    (name, kind, spec), = sc.strategies
    assert (name, spec.start, spec.stop) == ("points", HISTORY_DAYS + 10, HISTORY_DAYS + 40)
    assert len(notes) == 1 and notes[0].startswith("community.group_cap = 150") and "from day 0" in notes[0]


@needs_pyabc
def test_compare_from_fit_refuses_a_variant_of_another_population(tmp_path, reference, capsys):
    variant = write(tmp_path, "big.yaml", f"extends: {SMALL}\npopulation: {{size: 900}}\n")
    out = tmp_path / "cmp"
    assert main(["compare", "--from-fit", str(reference.out), str(variant), "--out", str(out)]) == 2
    assert "population.size is 900 but the fitted community has 200" in capsys.readouterr().err
    assert not out.exists()


def test_compare_from_fit_refuses_a_folder_without_a_fit(tmp_path, capsys):
    assert main(["compare", "--from-fit", str(tmp_path), str(SMALL)]) == 2
    assert "not a fit output folder" in capsys.readouterr().err


@needs_pyabc
@pytest.mark.filterwarnings("ignore:.*made with model version 3 or earlier")
@pytest.mark.parametrize("name, damage, says", [
    ("fit_manifest.json", "{}", "fit_manifest.json: damaged, the fit cannot be read back (no 'scenario')"),
    ("fit_manifest.json", "[]", "fit_manifest.json: damaged, the fit cannot be read back (a list, not"),
    ("fit_manifest.json", "{not json", "fit_manifest.json: damaged, the fit cannot be read back (Expecting"),
    ("posterior.csv", "", "posterior.csv: damaged, the fit cannot be read back (No columns to parse"),
    ("forecast_draws.json", "", "forecast_draws.json: damaged, the fit cannot be read back (Expecting"),
])
def test_compare_from_fit_names_the_damaged_file_of_a_fit(tmp_path, reference, capsys, name, damage, says):
    """A damaged fit folder gave KeyError and AttributeError tracebacks, or a JSON error naming no
    file (red team, 2026-12-07): now one message naming the file, exit 2."""
    import shutil

    copy = tmp_path / "fit"
    shutil.copytree(reference.out, copy)
    (copy / name).write_text(damage)
    assert main(["compare", "--from-fit", str(copy), str(SMALL), "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert f"invalid --from-fit: {copy / says}" in err and "Traceback" not in err, err


@pytest.mark.parametrize("table, words", [
    (pd.DataFrame({"day": [], "members": []}), "<table>:1: no observed day: the table has no rows"),
    (pd.DataFrame({"day": [0, 1e19], "members": [1.0, 2.0]}), "<table>:3: column 1 (day): 1e+19 is not a whole "
                                                               "number of days from 0 to 20,000"),
    (pd.DataFrame({"day": [0, 1], "members": [np.nan, np.nan]}), "the column has no values"),
    (pd.DataFrame({"day": [0, 1], "members": [1, "many"]}), "<table>:3: column 2 (members): 'many' is not a number"),
    # pd.NA in an object column is a gap, not text (it ended in an IndexError: a review's find)
    (pd.DataFrame({"day": [0, 1, 2], "members": pd.Series([1, pd.NA, pd.NA], dtype=object)}), None),
])
def test_a_table_given_in_python_is_refused_where_a_file_would_be(table, words):
    """history_from_frame took an empty table (IndexError later), a day of 1e19 (wrapped to a
    negative last day), an all-gap series and text cells (a bare ValueError): red team, 2026-12-07."""
    from sim.fitting.history import history_from_frame

    if words is None:
        assert np.isnan(history_from_frame(table).values["members"][1:]).all()
        return
    with pytest.raises(HistoryError) as err:
        history_from_frame(table)
    assert words in str(err.value), str(err.value)


def test_a_table_given_in_python_is_checked_like_a_file():
    from sim.fitting.history import history_from_frame

    with pytest.raises(HistoryError) as err:
        history_from_frame(pd.DataFrame({"day": [0, 2, 1], "members": [1.0, -1.0, 3.0]}))
    assert [str(p) for p in err.value.problems] == [
        "<table>:3: column 2 (members): -1: counts are finite and 0 or more",
        "<table>:4: column 1 (day): day 1 does not come after day 2"]
    h = history_from_frame(pd.DataFrame({"day": [0, 1], "members": [3, np.nan], "other": ["x", "y"]}))
    assert h.series == ["members"] and np.isnan(h.values["members"][1])


def test_randomized_pit_is_uniform_when_the_truth_is_one_more_draw():
    """The coverage check of the calibration test: with ties (a discrete dormancy day, censoring) it stays exact."""
    from scipy.stats import kstest

    from sim.fitting.calibration import coverage_band, randomized_pit

    rng = np.random.default_rng(5)
    n = 4000
    u = np.array([randomized_pit(rng.integers(0, 4, size=7).astype(float), np.ones(7), float(rng.integers(0, 4)),
                                 rng.random()) for _ in range(n)])
    assert kstest(u, "uniform").pvalue > 0.001
    inside = np.mean((u >= 0.05) & (u <= 0.95))
    assert abs(inside - 0.9) < 4 * np.sqrt(0.9 * 0.1 / n)  # four binomial standard errors
    assert coverage_band(20) == (14, 20) and coverage_band(100) == (82, 97)


def test_a_variant_over_a_fit_never_rewrites_the_observed_history(tmp_path):
    """A fitted strategy the variant drops or changes runs as fitted through the history, then stops
    (or switches to the variant's settings): the runs agree day by day until the last observation.
    It used to vanish (dropped: kept running forever; changed: off during the history)."""
    from sim.fitting.from_fit import design_scenario
    from sim.model import CommunityModel

    small = ["population.size=400"]
    fitted = load_scenario(SCENARIOS / "points.yaml", overrides=small, days=80)
    dropped = load_scenario(SCENARIOS / "baseline.yaml", overrides=small, days=80)
    doubled = fitted.with_overrides(["strategies.points.value=0.04"])
    sc, notes = design_scenario(fitted, dropped, 40, [])
    assert [(n, s.start, s.stop) for n, _, s in sc.strategies] == [("points", 0, 40)]
    assert "stops on day 40" in notes[0]
    sc2, notes2 = design_scenario(fitted, doubled, 40, [])
    assert sorted((n, s.start, s.stop, s.value) for n, _, s in sc2.strategies) == [
        ("points", 40, None, 0.04), ("points_fitted", 0, 40, 0.02)]
    assert "until day 39" in notes2[0]
    base = CommunityModel(fitted, seed=3)
    base.run()
    for design in (sc, sc2):
        run = CommunityModel(design, seed=3)
        run.run()
        a, b = base.timeseries(), run.timeseries()
        pd.testing.assert_frame_equal(a.iloc[:40], b.iloc[:40])  # the history as fitted
        assert not a.iloc[40:].equals(b.iloc[40:])  # the design changes what follows
    with pytest.raises(TypeError, match="list of scenario files"):
        from sim.fitting.from_fit import compare_from_fit
        compare_from_fit(tmp_path, str(SCENARIOS / "points.yaml"))


def test_an_empty_parameters_dict_is_refused_not_read_as_the_files_priors(tmp_path):
    """`fit(..., parameters={})` ran the scenario file's whole fit; it is a mistake, said before any work."""
    from sim.fitting.run import FitInputError, prepare

    sc = load_scenario(SCENARIOS / "fit_example.yaml")
    for bad in ({}, [], "acquisition.q_weak"):
        with pytest.raises(FitInputError, match="parameters: a non-empty dict"):
            prepare(sc, SCENARIOS / "fit_example_history.csv", parameters=bad)


@needs_pyabc
def test_an_unknown_forecast_series_is_named_not_an_empty_table(reference):
    assert len(reference.forecast_series("members")) == reference.horizon
    with pytest.raises(ValueError, match="no forecast series 'nope'; the forecast kept: .*dau.*members"):
        reference.forecast_series("nope")


@needs_pyabc
def test_a_fits_outputs_are_replaced_as_one_set_and_other_commands_stay_out(reference, tmp_path, monkeypatch, capsys):
    """Interrupted while writing its reports, a fit left this fit's tables beside the last one's
    reports; `compare --from-fit DIR --out DIR` replaced the fit's own reports."""
    import shutil

    import sim.outputs.fit_report as fit_report
    from sim.fitting.result import load_fit

    copy = tmp_path / "fit"
    shutil.copytree(reference.out, copy, ignore=shutil.ignore_patterns(".lock"))
    result = load_fit(copy)
    before = {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file() and p.name != ".lock"}
    result.generations = result.generations.iloc[:1]  # a different set: generations.csv would change

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(fit_report, "fit_markdown", interrupted)
    with pytest.raises(KeyboardInterrupt):
        result.write(copy)
    after = {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file() and p.name != ".lock"}
    assert after == before  # the previous set, whole
    monkeypatch.undo()
    result.write(copy)
    assert (copy / "generations.csv").read_bytes() != before["generations.csv"]
    variant = write(tmp_path, "events.yaml", f"extends: {SMALL}\nname: monthly events\nstrategies:\n"
                    "  events: {start: 0, every: 30, format: online}\n")
    capsys.readouterr()
    assert main(["compare", "--from-fit", str(copy), str(variant), "--out", str(copy), "--serial", "-r", "2",
                 "--quiet"]) == 2
    assert "holds the outputs of `circlesim fit`" in capsys.readouterr().err
    assert (copy / "report.md").read_text().startswith(after["report.md"].decode()[:20])


def test_a_history_must_be_a_bounded_regular_file(tmp_path):
    """`--history /dev/zero` read until memory ran out; a FIFO hung forever.

    Each read runs in a child process with a time limit and a 2 GB address-space limit, so
    code that hangs on the FIFO or reads /dev/zero without end fails this test instead of
    hanging it or exhausting the machine.
    """
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    probe = ("import sys, resource\n"
             "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
             "from sim.fitting.history import HistoryError, read_history\n"
             "try:\n    read_history(sys.argv[1])\nexcept HistoryError as exc:\n    print(exc)\n")
    for path, says in (("/dev/zero", "is a device"), (fifo, "is a FIFO"), (tmp_path, "is a directory")):
        try:
            done = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True,
                                  cwd=ROOT, timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"reading {path} as a history did not end within 60 s")
        assert done.returncode == 0 and says in done.stdout, (path, done.stdout, done.stderr[-500:])


def test_a_history_too_short_for_its_parameters_is_fitted_with_a_note(tmp_path):
    """One observed day gives 1 statistic per series: fewer than 4 parameters, said before any simulation."""
    from sim.fitting.run import prepare, thin_history

    one = write(tmp_path, "one.csv", "day,members,dau,posts\n20,120,40,30\n")
    with pytest.warns(UserWarning, match=r"one.csv: the history gives 3 summary statistics for 4 fitted parameters"):
        _, spec, _, layout, _ = prepare(str(SCENARIOS / "fit_example.yaml"), one)
    assert (layout.size(), len(spec.parameters)) == (3, 4)
    assert thin_history(layout.size(), 3) is None  # as many statistics as parameters: nothing to say
    with warnings.catch_warnings():  # the shipped example: 39 statistics for 4 parameters
        warnings.simplefilter("error")
        prepare(str(SCENARIOS / "fit_example.yaml"), SCENARIOS / "fit_example_history.csv")


def test_a_history_the_population_cannot_produce_and_a_forecast_days_option_are_named():
    from sim.fitting.run import FitInputError, prepare

    history = SCENARIOS / "fit_example_history.csv"  # up to 1,768 members
    small = load_scenario(SCENARIOS / "fit_example.yaml", overrides=["population.size=400"])
    with pytest.raises(FitInputError, match=r"fit_example_history.csv:\d+: column 2 \(members\): [\d,]+ on day \d+ "
                                            r"\(and [\d,]+ more days\), more than the scenario's 400 persons"):
        prepare(small, history)
    full = load_scenario(SCENARIOS / "fit_example.yaml")
    with pytest.raises(FitInputError, match=r"forecast_days=100 \(given for this fit, not from the file\)"):
        prepare(full, history, forecast_days=100)
    short = full.with_overrides(["horizon_days=150"])
    with pytest.raises(FitInputError, match=r"fit_example.yaml: horizon_days: .*raise horizon_days or set"):
        prepare(short, history)


@needs_pyabc
def test_compare_from_fit_refuses_what_it_would_silently_ignore(reference, tmp_path, capsys):
    """--seed and --set were ignored (identical runs.csv, or the change credited to the variant
    alone), and a variant setting a fitted parameter got 'Δ +0, p = 1.000' with no note."""
    key = reference.spec.keys[0]
    section, name = key.split(".")
    fitted_value = reference.scenario.to_dict()[section][name]
    variant = write(tmp_path, "v.yaml", f"extends: {SMALL}\nname: v\n{section}: {{{name}: {fitted_value * 1.5!r}}}\n")
    plain = write(tmp_path, "p.yaml", f"extends: {SMALL}\nname: p\nstrategies:\n  events: {{start: 0, every: 30}}\n")
    out = tmp_path / "cmp"
    for extra, says in ((["--seed", "7"], "--seed cannot be combined with --from-fit"),
                        (["--set", "community.organizers=10"], "--set cannot be combined with --from-fit")):
        assert main(["compare", "--from-fit", str(reference.out), str(plain), "--out", str(out), "--serial",
                     "-r", "2", "--quiet", *extra]) == 2
        assert says in capsys.readouterr().err
    assert main(["compare", "--from-fit", str(reference.out), str(variant), "--out", str(out), "--serial", "-r", "2",
                 "--quiet"]) == 2
    assert f"{key} is" in (err := capsys.readouterr().err) and "a fitted parameter" in err
    assert not out.exists()


def test_an_unquoted_launch_date_is_a_date(tmp_path):
    """YAML reads `launch_date: 2025-03-01` as a date object; it was refused as 'expected text'."""
    p = write(tmp_path, "ld.yaml", f"extends: {SCENARIOS / 'fit_example.yaml'}\nfit:\n  launch_date: 2025-03-01\n")
    assert load_scenario(p).fit["launch_date"] == "2025-03-01"
    bad = write(tmp_path, "bad.yaml", f"extends: {SCENARIOS / 'fit_example.yaml'}\nfit:\n  launch_date: 2025-13-01\n")
    with pytest.raises(ScenarioError, match="launch_date"):
        load_scenario(bad)


def test_validate_refuses_a_budget_the_fit_would_refuse(tmp_path, capsys):
    p = write(tmp_path, "b.yaml", f"extends: {SCENARIOS / 'fit_example.yaml'}\nfit:\n  budget: 10\n")
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert f"{p}:3: fit.budget: 10 simulations cannot fill" in err and "give at least" in err


def test_a_variant_strategy_shifted_past_the_forecast_horizon_is_noted(tmp_path):
    """Shifted to start after the last observation, a late campaign fell beyond the horizon: no note at all."""
    from sim.fitting.from_fit import design_scenario

    fitted = load_scenario(SCENARIOS / "fit_example.yaml")
    late = write(tmp_path, "late.yaml", f"extends: {SCENARIOS / 'fit_example.yaml'}\nname: late\nstrategies:\n"
                 "  cross_promotion: {start: 900, stop: 950}\n")
    sc, notes = design_scenario(fitted, load_scenario(late), 181, ["acquisition.q_close"])
    assert sc.horizon_days == fitted.horizon_days == 1000
    assert [n for n in notes if "never in force" in n] == [
        "strategies.cross_promotion: starts on day 1081 (900 days after the last observation), not before the "
        "forecast horizon (day 1000): never in force, so this variant cannot differ from the present course "
        "through it"]
    early = write(tmp_path, "early.yaml", f"extends: {SCENARIOS / 'fit_example.yaml'}\nname: early\nstrategies:\n"
                  "  cross_promotion: {start: 30}\n")
    assert not [n for n in design_scenario(fitted, load_scenario(early), 181, [])[1] if "never in force" in n]


@needs_pyabc
def test_a_fit_of_another_model_version_is_loaded_with_a_note_and_never_resumed(reference, tmp_path, monkeypatch):
    """A fit folder from model version 3 loaded silently (and would have resumed) under version 4."""
    import shutil
    import warnings

    import sim.fitting.run as run_module
    from sim.fitting.result import load_fit
    from sim.version import MODEL_VERSION

    copy = tmp_path / "old"
    shutil.copytree(reference.out, copy)
    man = json.loads((copy / "fit_manifest.json").read_text())
    assert man["model_version"] == MODEL_VERSION
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_fit(copy)  # this model's fit: no note
    del man["model_version"]  # as version 3 wrote it
    (copy / "fit_manifest.json").write_text(json.dumps(man))
    with pytest.warns(UserWarning, match=r"made with model version 3 or earlier, the model is at "):
        load_fit(copy)
    ident = run_module.identity(reference.scenario, reference.spec, reference.history, reference.layout,
                                reference.fit_seed)
    monkeypatch.setattr(run_module, "MODEL_VERSION", MODEL_VERSION + 1)
    assert run_module.identity(reference.scenario, reference.spec, reference.history, reference.layout,
                               reference.fit_seed) != ident


@needs_pyabc
def test_a_fit_naming_a_strategy_now_refused_says_so_naming_the_fit(reference, tmp_path):
    """A fit made before strategy names were checked could name one `monthly.events`: every posterior
    draw is a scenario checked again, which then failed blaming another file (a reviewer's find)."""
    import shutil

    from sim.fitting.result import load_fit
    from sim.scenario import ScenarioError

    copy = tmp_path / "old"
    shutil.copytree(reference.out, copy)
    man = json.loads((copy / "fit_manifest.json").read_text())
    man["scenario"]["resolved"]["strategies"]["monthly.events"] = {
        "kind": "events", "start": 30, "stop": None, "every": 30, "format": "online", "cost": 0.0}
    (copy / "fit_manifest.json").write_text(json.dumps(man))
    with pytest.raises(ScenarioError) as err:
        load_fit(copy)
    text = str(err.value)
    assert f"the fit in {copy}" in text and "strategies.monthly.events: strategy name 'monthly.events' contains" in text
    assert "rename it in" in text and "and fit again" in text


def test_a_fit_section_keeps_its_lines_when_a_scenario_is_made_from_its_dict():
    """`Scenario({**d, "fit": sc.fit})` checked the fit section again and lost the lines its later errors name."""
    from sim.scenario import Scenario, load_scenario

    sc = load_scenario(SMALL)
    again = Scenario({**sc.to_dict(), "fit": sc.fit}, sc.path)
    assert again.fit["where"] == sc.fit["where"] and any(":" in w for w in sc.fit["where"].values())


def test_impossible_counts_are_refused_with_line_and_column_and_doubtful_ones_noted(tmp_path):
    """A count of persons above the population (members, DAU, MAU, joins, leaves) is refused with
    its line and column; DAU above the day's members, and a launch date taken from the first
    date, are noted (helper-22's fits ran on all of these without a word)."""
    from sim.fitting.run import FitInputError, prepare

    sc = load_scenario(SCENARIOS / "fit_example.yaml", overrides=["population.size=2000"])
    rows = "".join(f"2025-03-{d + 1:02d},{40 + d},{30 + d},{3 if d != 4 else 2631}\n" for d in range(20))
    mau = write(tmp_path, "mau.csv", "date,members,dau,mau\n" + rows)
    with pytest.raises(FitInputError, match=r"mau.csv:6: column 4 \(mau\): 2,631 on day 4, more than the "
                                            r"scenario's 2,000 persons"):
        prepare(sc, mau, parameters={"acquisition.q_close": {"prior": "uniform", "low": 0.05, "high": 0.3}},
                observed=["members", "dau", "mau"])
    dau = write(tmp_path, "dau.csv", "date,members,dau\n" + "".join(
        f"2025-03-{d + 1:02d},{50 + d},{1500 if d == 0 else 30}\n" for d in range(30)))
    no_launch = write(tmp_path, "nl.yaml", f"extends: {SCENARIOS / 'fit_example.yaml'}\nfit:\n  launch_date: null\n"
                                           "population:\n  size: 2000\n")
    with pytest.warns(UserWarning) as caught:
        prepare(no_launch, dau, observed=["members", "dau"])
    text = " ".join(str(w.message) for w in caught)
    assert "dau.csv:2: column 3 (dau): 1,500 active on day 0 with 50 members" in text
    assert "day 0 is taken as the history's first date, 2025-03-01" in text and "fit.launch_date" in text
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the shipped example names its launch date and is consistent
        prepare(SCENARIOS / "fit_example.yaml", SCENARIOS / "fit_example_history.csv")
        prepare(SCENARIOS / "fit_example.yaml", read_history(SCENARIOS / "fit_example_history.csv"))
        basic = load_scenario(SCENARIOS / "fit_example.yaml", overrides=["fit.launch_date='20250301'"])
        prepare(basic, SCENARIOS / "fit_example_history.csv")  # the same date, written another way
    karate = load_scenario(SCENARIOS / "fit_example.yaml", overrides=["population.graph.type=karate_club",
                                                                      "community.seed_members=20"])
    with pytest.raises(FitInputError, match=r"more than the 34 persons of the karate_club graph"):
        prepare(karate, SCENARIOS / "fit_example_history.csv")  # population.size (5,000) is not the graph's
    import pandas as pd

    table = pd.DataFrame({"day": range(5), "members": [10, 20, 2500, 30, 40], "dau": [5] * 5, "posts": [1] * 5})
    with pytest.raises(FitInputError, match=r"<table>:4: column 2 \(members\): 2,500 on day 2, more than"):
        prepare(sc, table)
    late = write(tmp_path, "late.csv", "date,members,dau,posts\n" + "".join(
        f"2025-03-{d + 5:02d},{50 + d},30,5\n" for d in range(20)))
    with pytest.warns(UserWarning, match=r"its day 0 is 2025-03-05, but fit.launch_date is 2025-03-01"):
        prepare(SCENARIOS / "fit_example.yaml", read_history(late))  # read beforehand, without the launch date


@needs_pyabc
def test_a_forecast_mostly_alive_at_the_horizon_is_not_given_a_most_likely_day(reference):
    from sim.fitting.result import FitResult

    fake = FitResult.__new__(FitResult)
    fake.__dict__.update(reference.__dict__)
    # 14 of 20 forecasts alive at the horizon, 6 dormant around day 40
    fake.records = [{"lifespan": None, "readouts": {}} for _ in range(14)] + \
        [{"lifespan": d, "readouts": {}} for d in (38, 39, 40, 40, 41, 42)]
    text = fake.sentence()
    assert text.startswith("On its present course the community is most likely still active at the ")
    # 6 of 20 dormant by day 42: the 5th percentile of the dormancy days is day 38 (one in 20), so
    # 95% are still active then (the sentence once said "goes dormant after day 38 (90%)")
    assert "(70% of 20 forecasts are); 95% of the forecasts are still active on day 38" in text, text
    fake.records = [{"lifespan": None, "readouts": {}} for _ in range(4)] + \
        [{"lifespan": d, "readouts": {}} for d in range(30, 46)]
    text = fake.sentence()
    assert text.startswith("On its present course the community most likely goes dormant around day "), text
    assert "95% of the forecasts are still active on day 30" in text and "and 20% of 20 at the" in text, text
    # dormant on day 0 is a day, not a missing one (the sentence said "most likely still active"
    # when 3 of 5 forecasts went dormant on day 0: red team, 2026-12-07)
    fake.records = [{"lifespan": None, "readouts": {}} for _ in range(2)] + \
        [{"lifespan": 0, "readouts": {}} for _ in range(3)]
    assert "most likely goes dormant around day 0" in fake.sentence(), fake.sentence()


@needs_pyabc
def test_a_dormancy_day_past_the_horizon_is_said_not_dropped(reference):
    from sim.outputs.fit_report import fit_markdown

    f = reference.forecast()
    assert reference.horizon < 365 and f["dormant_by_beyond_horizon"] == list(reference.spec.dormant_by)
    md = fit_markdown(reference)
    assert "Probability of being dormant by day 365: not forecast, as day 365 is past the forecast horizon" in md


@needs_pyabc
def test_the_report_says_when_the_model_does_not_reproduce_the_history(reference):
    """A posterior predictive check: the reference fit replays its own history; the same fit set
    against a history ten times larger (weekly sums read as daily, say) is flagged."""
    from sim.fitting.result import FitResult
    from sim.fitting.summary import SummaryLayout
    from sim.outputs.fit_report import caveats

    check = reference.history_check()
    assert check["statistics"] == reference.layout.size() and check["draws"] == len(reference.records)
    assert check["share_outside"] <= 0.25, check  # a fit of the model's own history replays it
    assert not any("DOES NOT REPRODUCE" in c for c in caveats(reference))
    fake = FitResult.__new__(FitResult)
    fake.__dict__.update(reference.__dict__)
    h = reference.history
    bigger = type(h)(h.path, h.days, {s: v * 10 for s, v in h.values.items()}, h.origin)
    fake.layout = SummaryLayout.from_history(bigger, reference.layout.series, reference.spec.block_days)
    bad = fake.history_check()
    assert bad["share_outside"] > 0.5 and bad["worst"]["observed"] > bad["worst"]["band"][1]
    assert any(c.startswith("THE MODEL DOES NOT REPRODUCE THIS HISTORY WELL") for c in caveats(fake))


def test_the_fit_section_gives_the_decimal_hint_too(tmp_path):
    """`low: 05` and `dormant_by: [0365]` were 'expected a number' without the hint scenario keys get."""
    f = write(tmp_path, "d.yaml", f"extends: {SCENARIOS / 'fit_example.yaml'}\nfit:\n  parameters:\n"
                                  "    acquisition.q_close: {prior: uniform, low: 05, high: 0.3}\n"
                                  "  dormant_by: [0365]\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(f)
    msgs = {p.key: p.message for p in info.value.problems}
    assert "write numbers in decimal" in msgs["fit.parameters.acquisition.q_close.low"]
    assert "write numbers in decimal" in msgs["fit.dormant_by"]


def test_a_fit_is_another_fit_when_its_graph_file_or_launch_date_changes(tmp_path):
    """A fit resumed its old posterior after the graph file's contents were replaced, and after a
    new fit.launch_date moved every observed day (red team, 2026-12-07): both are now part of the
    fit's identity, and a refused folder names them. Fits with neither keep their identity."""
    from sim.fitting import run as run_module
    from sim.fitting.run import identity, identity_parts, prepare

    history = SCENARIOS / "fit_example_history.csv"
    base = prepare(str(SCENARIOS / "fit_example.yaml"), history)
    moved = prepare(load_scenario(SCENARIOS / "fit_example.yaml", overrides=["fit.launch_date=2025-02-20"]), history)
    assert identity_parts(*base)["launch_date"] == "2025-03-01"
    assert identity(*base) != identity(*moved)
    assert run_module._differing({"identity_parts": identity_parts(*base)}, identity_parts(*moved)) == \
        " (differs: the launch date (fit.launch_date): every observed day moved)"
    graph = tmp_path / "g.csv"
    graph.write_text("source,target\n" + "".join(f"{i},{(i + 1) % 60}\n" for i in range(60)))
    on_file = ["population.graph.type=file", f"population.graph.file={graph}", "community.seed_members=5",
               "community.core_seeds=1", "community.organizers=1"]
    first = identity_parts(*prepare(load_scenario(SCENARIOS / "fit_example.yaml", overrides=on_file), history))
    graph.write_text("source,target\n" + "".join(f"{i},{(i + 2) % 60}\n" for i in range(60)))
    second = identity_parts(*prepare(load_scenario(SCENARIOS / "fit_example.yaml", overrides=on_file), history))
    assert first["graph_file"] != second["graph_file"] and {k for k in first if first[k] != second[k]} == {"graph_file"}
    # a history counted in days has no launch date, and no graph file leaves the part out
    days = tmp_path / "days.csv"
    days.write_text("day,members,dau,posts\n" + "".join(f"{d},{30 + d},20,5\n" for d in range(40)))
    assert not {"launch_date", "graph_file"} & set(identity_parts(*prepare(str(SCENARIOS / "fit_example.yaml"), days)))


def test_a_fit_made_before_the_new_identity_parts_still_resumes(tmp_path):
    """Adding the launch date and graph file to a fit's identity must not orphan fits made before
    (the shipped example's history is dated: its identity changed; a review's find). A manifest
    without `identity_parts` whose identity is the hash of the earlier parts, with the same
    recorded launch date, resumes; another launch date does not. (The earlier identity is the
    hash of the parts without the two new ones: checked against the code of 7decfaf, dc95b59d...
    for the shipped example on 2026-12-07.)"""
    import hashlib

    from sim.fitting.run import FitInputError, check_folder, identity, identity_parts, prepare

    args = prepare(str(SCENARIOS / "fit_example.yaml"), SCENARIOS / "fit_example_history.csv")
    parts = identity_parts(*args)
    earlier = {k: v for k, v in parts.items() if k not in ("graph_file", "launch_date")}
    old = hashlib.sha256(json.dumps(earlier, sort_keys=True).encode()).hexdigest()[:16]
    assert old != identity(*args)
    out = tmp_path / "fit"
    out.mkdir()
    (out / "fit_manifest.json").write_text(json.dumps({"identity": old, "history": {"launch_date": "2025-03-01"}}))
    assert check_folder(out, identity(*args), parts=parts) is True
    (out / "fit_manifest.json").write_text(json.dumps({"identity": old, "history": {"launch_date": "2025-02-20"}}))
    with pytest.raises(FitInputError, match="holds a different fit"):
        check_folder(out, identity(*args), parts=parts)
    # a manifest written since records its parts: compared part by part, never by the old hash
    (out / "fit_manifest.json").write_text(json.dumps({"identity": old, "identity_parts": earlier,
                                                       "history": {"launch_date": "2025-03-01"}}))
    with pytest.raises(FitInputError, match=r"differs: the launch date"):
        check_folder(out, identity(*args), parts=parts)


@needs_pyabc
def test_a_fit_with_a_strategy_kind_of_ones_own_reads_back_in_a_new_process(tmp_path, history_csv):
    """Runs of a researcher's own strategy kind are keyed to its class object, which a new
    process makes anew: load_fit found none of such a fit's forecasts there, and its forecast
    failed (a review's find, 2026-12-07). It now finds them by the digest each record carries;
    and a kind the reading process lacks is named as such, not blamed on a damaged file."""
    import sim
    from sim.fitting.result import load_fit
    from sim.model.strategies import KINDS
    from tests.conftest import own_strategy_kind

    Nudge = own_strategy_kind("nudge_for_the_fit_test", 1.5)
    scenario = write(tmp_path, "nudged.yaml", f"extends: {SMALL}\nstrategies:\n  n: {{kind: nudge_for_the_fit_test}}\n")
    try:
        fitted = sim.fit(scenario, history_csv, out=tmp_path / "fit", executor="serial", progress=False,
                         budget=40, generations=1, population_size=10, forecast_draws=3)
        same = load_fit(tmp_path / "fit")
        assert sum(r is not None for r in same.records) == 3
        del Nudge._circlesim_key_token  # as in a new process: the class object, and so its token, anew
        again = load_fit(tmp_path / "fit")
        assert [r is not None for r in again.records] == [True] * 3
        assert again.sentence() == fitted.sentence()
    finally:
        KINDS.pop("nudge_for_the_fit_test", None)
    with pytest.raises(ScenarioError, match="nudge_for_the_fit_test"):
        load_fit(tmp_path / "fit")  # the kind is not registered in this process now
