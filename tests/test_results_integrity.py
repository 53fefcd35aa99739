"""Issue 11, results: nothing stale is reused, nothing on disk is trusted, nothing half-written is seen.

Covers the store key (graph contents, code version), validation of stored runs, outputs that
appear as one set even under `kill -9`, `--out` checked before simulating, and the CLI's
numeric options checked before anything runs.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from sim.cli import main
from tests.conftest import ROOT, SCENARIOS

TINY = ["--set", "population.size=300", "--days", "60"]


def _graph(path, seed):
    import networkx as nx

    g = nx.powerlaw_cluster_graph(300, 4, 0.3, seed=seed)
    path.write_text("source,target\n" + "".join(f"p{u},p{v}\n" for u, v in g.edges()))


def _compare(out, *files, r=3, extra=()):
    return main(["compare", *map(str, files), "-r", str(r), "--serial", "--quiet", "--out", str(out),
                 "--days", "60", *extra])


# ------------------------------------------------------------------ 3: stale results
def test_replaced_graph_file_is_recomputed_not_reused(tmp_path, capsys):
    _graph(tmp_path / "g.csv", seed=1)
    s = tmp_path / "s.yaml"
    s.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\npopulation: {{graph: {{type: file, file: g.csv}}}}\n")
    out = tmp_path / "cmp"
    assert _compare(out, s) == 0
    assert "(0 runs reused" in capsys.readouterr().out
    before = (out / "summary.csv").read_bytes()
    assert _compare(out, s) == 0
    assert "(3 runs reused" in capsys.readouterr().out
    _graph(tmp_path / "g.csv", seed=2)  # same file name, other contents
    assert _compare(out, s) == 0
    assert "(0 runs reused" in capsys.readouterr().out
    assert (out / "summary.csv").read_bytes() != before


def test_changed_code_is_recomputed_not_reused(tmp_path, capsys, monkeypatch):
    import sim.version

    out = tmp_path / "cmp"
    assert _compare(out, SCENARIOS / "baseline.yaml", extra=["--set", "population.size=300"]) == 0
    capsys.readouterr()
    assert _compare(out, SCENARIOS / "baseline.yaml", extra=["--set", "population.size=300"]) == 0
    assert "(3 runs reused" in capsys.readouterr().out
    real = sim.version.source_hash()
    monkeypatch.setattr(sim.version, "source_hash", lambda: "f" * 64 if real != "f" * 64 else "0" * 64)
    assert _compare(out, SCENARIOS / "baseline.yaml", extra=["--set", "population.size=300"]) == 0
    assert "(0 runs reused" in capsys.readouterr().out
    manifest = json.loads((out / "store" / "manifest.json").read_text())
    assert manifest["code"] == sim.version.code_version()
    from sim.experiments.store import numpy_kernels  # what the machine that wrote it ran (README)

    assert manifest["versions"]["numpy_kernels"] == numpy_kernels() and manifest["versions"]["libc"]


# ------------------------------------------------------------------ 4: the store trusts nothing
def test_invalid_stored_runs_are_recomputed_and_reported(tmp_path, capsys):
    out = tmp_path / "cmp"
    args = [SCENARIOS / "baseline.yaml"]
    extra = ["--set", "population.size=300"]
    assert _compare(out, *args, r=5, extra=extra) == 0
    clean = (out / "summary.csv").read_bytes()
    runs = sorted((out / "store" / "runs").glob("*/*.json"))
    assert len(runs) == 5
    texts = [p.read_text() for p in runs]
    runs[0].write_text(texts[0][: len(texts[0]) // 2])          # truncated
    runs[1].write_text("{}")                                   # empty record
    runs[2].write_text(texts[3])                               # another seed's file copied over
    garbage = json.loads(texts[4])
    garbage["readouts"]["active_member_days"] = -1e11          # a value edited by hand
    runs[4].write_text(json.dumps(garbage))
    capsys.readouterr()
    assert _compare(out, *args, r=5, extra=extra) == 0
    captured = capsys.readouterr()
    assert "(1 runs reused" in captured.out
    assert "4 stored run(s) were invalid and have been recomputed" in captured.err
    assert (out / "summary.csv").read_bytes() == clean
    assert len(list((out / "store" / "invalid").glob("*/*.json"))) == 4


def test_read_valid_names_what_is_wrong(tmp_path):
    from sim.experiments.store import ResultStore

    st = ResultStore(tmp_path)
    st.write_run("k", 1, {"population": 10, "readouts": {"x": 1.0}, "dau": [1, 2], "members": [3, 4]})
    assert st.read_valid("k", 1, horizon=2, measures=["x"])[1] is None
    assert st.read_valid("k", 1, horizon=3, measures=["x"])[1] == "dau has 2 days, expected 3"
    assert "missing" in st.read_valid("k", 1, horizon=2, measures=["x", "y"])[1]
    shutil.copy(st.run_path("k", 1), st.run_path("k", 2))
    assert st.read_valid("k", 2, horizon=2, measures=["x"])[1] == "belongs to another scenario or seed"


# ------------------------------------------------------------------ 5: one set of outputs, even under kill -9
KILL_DURING = """
import os, signal, sys
import sim.cli
point = sys.argv[1]
if point == "figures":      # while the outputs are being written (the old code had replaced two files by then)
    sim.cli._savefig = lambda fig, path: os.kill(os.getpid(), signal.SIGKILL)
else:                       # half-way through moving the new set into place
    import sim.outputs.folder as folder
    real = os.replace
    moved = []
    def replace(src, dst):
        if moved:
            os.kill(os.getpid(), signal.SIGKILL)
        moved.append(dst)
        real(src, dst)
    folder.os.replace = replace
sys.exit(sim.cli.main(sys.argv[2:]))
"""


@pytest.mark.parametrize("point", ["figures", "moving"])
def test_kill_9_during_run_leaves_one_whole_set(tmp_path, point):
    out = tmp_path / "out"
    run = ["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), *TINY]
    assert main([*run, "--seed", "1"]) == 0
    first = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    res = subprocess.run([sys.executable, "-c", KILL_DURING, point, *run, "--seed", "2"], cwd=ROOT,
                         capture_output=True)
    assert res.returncode == -signal.SIGKILL
    visible = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    seeds = {json.loads(visible["summary.json"])["seed"]}
    if point == "figures":
        assert visible == first  # the previous set, untouched
    else:
        assert (out / ".publishing.json").exists()  # the journal says which set to finish
    # the next command finishes or discards what the kill left, then writes its own set
    assert main([*run, "--seed", "3"]) == 0
    after = {p.name for p in out.iterdir()}
    assert sorted(n for n in after if not n.startswith(".")) == sorted(first)
    assert not [n for n in after if n.startswith(".") and n not in (".lock", ".outputs.json")], after
    assert json.loads((out / "summary.json").read_text())["seed"] == 3
    ts = pd.read_csv(out / "timeseries.csv")
    assert len(ts) == 60 and seeds <= {1, 2}


def test_interrupted_publication_is_completed_by_the_next_start(tmp_path, monkeypatch):
    from sim.outputs import folder

    out = tmp_path / "o"
    with folder.publish(out) as stage:
        (stage / "a.txt").write_text("old a")
        (stage / "b.txt").write_text("old b")
        (stage / "gone.txt").write_text("only in the old set")
    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk vanished")
        real(src, dst)

    monkeypatch.setattr(folder.os, "replace", flaky)
    with pytest.raises(OSError):
        with folder.publish(out) as stage:
            (stage / "a.txt").write_text("new a")
            (stage / "b.txt").write_text("new b")
    monkeypatch.setattr(folder.os, "replace", real)
    assert (out / folder.JOURNAL).exists()
    with folder.using(out) as notes:
        assert any("completed an interrupted write" in n for n in notes)
    assert (out / "a.txt").read_text() == "new a" and (out / "b.txt").read_text() == "new b"
    assert not (out / "gone.txt").exists() and not (out / folder.JOURNAL).exists()


def test_a_full_disk_while_writing_is_one_message_and_the_earlier_outputs_stay(tmp_path, monkeypatch, capsys):
    """A red team's find (2026-12-06): ENOSPC while writing the outputs was a traceback."""
    import errno

    import sim.cli

    out = tmp_path / "o"
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), "--quiet", *TINY]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}

    def full(fig, path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(sim.cli, "_savefig", full)
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), "--quiet", "--seed", "2", *TINY]) == 1
    err = capsys.readouterr().err
    assert f"could not write its outputs to {out}: No space left on device" in err and "Traceback" not in err
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}
    assert after == before and not list(out.glob(".staging-*"))


def test_a_folder_named_like_an_output_is_refused_and_nothing_moves(tmp_path, capsys):
    """A folder `summary.json` inside --out broke the set half way (a red team's find, 2026-12-06)."""
    out = tmp_path / "o"
    (out / "summary.json").mkdir(parents=True)
    (out / "summary.json" / "mine.txt").write_text("mine")
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), "--quiet", *TINY]) == 2
    err = capsys.readouterr().err
    assert "summary.json is a folder" in err and "Traceback" not in err
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["summary.json"]
    assert (out / "summary.json" / "mine.txt").read_text() == "mine" and not list(out.glob(".staging-*"))


def test_ctrl_c_while_the_libraries_load_is_an_interruption_not_a_traceback(monkeypatch, capsys):
    import sim.cli

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.cli, "build_parser", interrupted)
    assert main(["run", str(SCENARIOS / "baseline.yaml")]) == 130
    assert capsys.readouterr().err.strip() == "interrupted"


def test_a_second_command_on_the_same_folder_is_refused(tmp_path, capsys):
    from sim.outputs import folder

    out = tmp_path / "o"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from sim.outputs import folder
        with folder.using({str(out)!r}):
            print("held", flush=True)
            sys.stdin.read()
    """)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), *TINY]) == 2
        assert "in use by another circlesim process" in capsys.readouterr().err
        with pytest.raises(folder.OutputError):
            with folder.using(out):
                pass
    finally:
        holder.communicate("", timeout=30)


# ------------------------------------------------------------------ 14: --out checked before simulating
@pytest.mark.parametrize("where", ["is_a_file", "under_a_file", "unwritable"])
@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_bad_out_is_refused_before_simulating(tmp_path, capsys, monkeypatch, where, command):
    from sim.model.community import CommunityModel

    def never(*a, **k):
        raise AssertionError("simulated although --out is unusable")

    monkeypatch.setattr(CommunityModel, "run", never)
    (tmp_path / "file").write_text("keep me")
    out = {"is_a_file": tmp_path / "file", "under_a_file": tmp_path / "file" / "sub",
           "unwritable": "/proc/circlesim-cannot-create-this"}[where]
    args = {"run": ["run", str(SCENARIOS / "baseline.yaml"), *TINY],
            "compare": ["compare", str(SCENARIOS / "baseline.yaml"), "-r", "2", "--serial", "--quiet", *TINY],
            "sweep": ["sweep", str(SCENARIOS / "baseline.yaml"), "--param", "acquisition.q_weak=0.01:0.1",
                      "--samples", "2", "-r", "1", "--serial", "--quiet", *TINY]}[command]
    assert main([*args, "--out", str(out)]) == 2
    assert "--out" in capsys.readouterr().err
    assert (tmp_path / "file").read_text() == "keep me"


# ------------------------------------------------------------------ 16: numeric options, up front
@pytest.mark.parametrize("bad", [["-r", "-1"], ["-r", "0"], ["--workers", "-1"], ["--workers", "0"],
                                 ["--seed", "-1"], ["--dask-local", "0"], ["--serial", "--workers", "2"]])
def test_compare_options_are_validated(tmp_path, capsys, bad):
    with pytest.raises(SystemExit) as info:
        main(["compare", str(SCENARIOS / "baseline.yaml"), "--out", str(tmp_path / "o"), *bad])
    assert info.value.code == 2
    assert "error:" in capsys.readouterr().err and not (tmp_path / "o").exists()


def test_sweep_samples_zero_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["sweep", str(SCENARIOS / "points.yaml"), "--param", "acquisition.q_weak=0.01:0.1", "--samples", "0",
              "--out", str(tmp_path / "o")])
    assert info.value.code == 2 and not (tmp_path / "o").exists()


def test_unreachable_scheduler_is_a_clear_error(tmp_path, capsys):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = main(["compare", str(SCENARIOS / "baseline.yaml"), "-r", "2", "--quiet", "--scheduler",
                 f"tcp://127.0.0.1:{port}", "--out", str(tmp_path / "o"), *TINY])
    assert code == 2
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in capsys.readouterr().err


def test_huge_grid_is_refused_before_allocating(tmp_path):
    res = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
        from sim.cli import main
        sys.exit(main(["sweep", {str(SCENARIOS / 'points.yaml')!r}, "--method", "grid", "--samples", "1000",
                       "--param", "acquisition.q_weak=0.01:0.1", "--param", "acquisition.p_external=0:0.01",
                       "--param", "strategies.points.value=0:0.05", "--serial", "--quiet",
                       "--out", {str(tmp_path / 'o')!r}]))
    """)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res.stderr[-1500:]
    assert "1,000,000,000 points" in res.stderr and not (tmp_path / "o").exists()


def test_sweep_param_twice_and_misspelt(tmp_path, capsys):
    base = ["sweep", str(SCENARIOS / "points.yaml"), "--serial", "--quiet", "--out", str(tmp_path / "o"), *TINY]
    assert main([*base, "--param", "acquisition.q_weak=0.01:0.1", "--param", "acquisition.q_weak=0.02:0.2"]) == 2
    assert "acquisition.q_weak given more than once" in capsys.readouterr().err
    assert main([*base, "--param", "acquisition.q_weke=0.01:0.1"]) == 2
    assert "did you mean 'acquisition.q_weak'?" in capsys.readouterr().err
    assert main([*base, "--param", "strategies.points.valu=0:0.1"]) == 2
    assert "did you mean 'strategies.points.value'?" in capsys.readouterr().err
    # swept and fixed at once: the --set was silently replaced (a red team's find, 2026-12-06)
    assert main([*base, "--param", "population.size=200:400"]) == 2
    assert "population.size is both swept (--param) and fixed (--set)" in capsys.readouterr().err
    assert main([*base, "--set", "community={organizers: 2}", "--param", "community.organizers=1:3"]) == 2
    assert "community.organizers is both swept" in capsys.readouterr().err  # a section set whole
    # a point of the design the scenario refuses blames the --param range, not a --set nobody gave
    assert main([*base, "--method", "grid", "--samples", "2", "--param", "community.seed_members=0:1000"]) == 2
    err = capsys.readouterr().err
    assert "design point community.seed_members=1000 is invalid (narrow the swept range)" in err
    assert "swept: community.seed_members:" in err and "--set" not in err and "np.float64" not in err
    assert not (tmp_path / "o").exists()


def test_a_run_never_silently_replaces_another_scenarios_run(tmp_path, capsys):
    """`run other.yaml --out <the baseline's folder>` replaced the baseline's results with exit 0
    (a newcomer's first hour, 2026-12-07). A new run of the same file replaces the last one (that
    is iterating); another file's run is refused, the folder untouched, unless `--overwrite`."""
    from sim.outputs import folder

    small = ["--set", "population.size=300", "--days", "30", "--quiet"]
    other = tmp_path / "other.yaml"
    other.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: other\n")
    out = tmp_path / "out"
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), *small]) == 0
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), *small, "--seed", "2"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    capsys.readouterr()
    assert main(["run", str(other), "--out", str(out), *small]) == 2
    err = capsys.readouterr().err
    assert f"holds the run of scenario 'baseline' from {SCENARIOS / 'baseline.yaml'}" in err and "--overwrite" in err
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert main(["run", str(other), "--out", str(out), *small, "--overwrite"]) == 0
    assert json.loads((out / "summary.json").read_text())["scenario"] == "other"
    assert folder.run_source(out) == {"source": str(other), "scenario": "other"}
    # a folder written before the source was recorded: judged by the scenario's name
    manifest = json.loads((out / ".outputs.json").read_text())
    del manifest["meta"]
    (out / ".outputs.json").write_text(json.dumps(manifest))
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(out), *small]) == 2
    assert "holds the run of scenario 'other';" in capsys.readouterr().err
    assert main(["run", str(other), "--out", str(out), *small]) == 0
    # the same file by another path (relative, through a symlink), and a project moved since the
    # run: the recorded file is gone, so the file name and scenario name decide (a review's find)
    (tmp_path / "link.yaml").symlink_to(other)
    assert main(["run", str(tmp_path / "link.yaml"), "--out", str(out), *small]) == 0
    moved = tmp_path / "moved"
    moved.mkdir()
    other.rename(moved / "other.yaml")
    (tmp_path / "link.yaml").unlink()
    assert main(["run", str(moved / "other.yaml"), "--out", str(out), *small]) == 0
    renamed = moved / "renamed.yaml"
    (moved / "other.yaml").rename(renamed)
    assert main(["run", str(renamed), "--out", str(out), *small]) == 2  # another file name: not known as the same
    # a scenario without a name is named by its path, which moves with the project
    unnamed = tmp_path / "a" / "noname.yaml"
    unnamed.parent.mkdir()
    unnamed.write_text("population: {size: 300}\n")
    out2 = tmp_path / "out2"
    assert main(["run", str(unnamed), "--out", str(out2), *small]) == 0
    unnamed.parent.rename(tmp_path / "b")
    assert main(["run", str(tmp_path / "b" / "noname.yaml"), "--out", str(out2), *small]) == 0


def test_a_folder_of_the_users_own_files_is_refused(tmp_path, capsys):
    """A fit into the folder holding the user's history.csv replaced it with the fit's copy (dates
    lost, and the fit could then never resume), and a comparison into a folder of the user's own
    report.md and runs.csv overwrote both (red team, 2026-12-07). A file bearing a name the command
    writes, in a folder where no circlesim command recorded writing it, is refused; files of other
    names (a log the shell created for the command's output, notes) are not."""
    from sim.fitting.run import FitInputError, check_folder

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "history.csv").write_text("date,members,dau\n2025-03-01,10,8\n")
    with pytest.raises(FitInputError, match=r"holds history.csv, which no circlesim command recorded writing there; "
                                            r"this fit writes a file of that name and would replace it: move it away"):
        check_folder(mine, "any")
    (mine / "history.csv").unlink()
    for name in ("report.md", "runs.csv"):
        (mine / name).write_text("my own notes\n")
    small = ["--set", "population.size=300", "--days", "30", "--quiet", "--serial", "-r", "2"]
    assert main(["compare", str(SCENARIOS / "baseline.yaml"), "--out", str(mine), *small]) == 2
    assert "holds report.md, runs.csv, which no circlesim command recorded" in capsys.readouterr().err
    assert [(mine / n).read_text() for n in ("report.md", "runs.csv")] == ["my own notes\n"] * 2
    assert sorted(p.name for p in mine.iterdir()) == ["report.md", "runs.csv"]  # nothing written
    # the user's own timeseries.csv looked like a run's output (a name), and a run replaced it
    data = tmp_path / "data"
    data.mkdir()
    (data / "timeseries.csv").write_text("day,members\n")
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(data), "--quiet", "--days", "5",
                 "--set", "population.size=300"]) == 2
    assert "holds timeseries.csv, which no circlesim command recorded" in capsys.readouterr().err
    assert (data / "timeseries.csv").read_text() == "day,members\n"
    # a log the shell made for the command (`> out/log.txt`), hidden files and subfolders are fine
    calm = tmp_path / "calm"
    (calm / "sub").mkdir(parents=True)
    (calm / ".gitkeep").write_text("")
    (calm / "log.txt").write_text("")
    assert main(["compare", str(SCENARIOS / "baseline.yaml"), "--out", str(calm), *small]) == 0
    assert (calm / "log.txt").exists()


def test_every_output_a_command_writes_is_one_it_declares(tmp_path):
    """`folder.OUTPUT_NAMES` is what the check above protects by name: each command's actual
    outputs must be among its declared names (the fit's are checked in tests/test_fit.py)."""
    from sim.outputs.folder import OUTPUT_NAMES

    small = ["--set", "population.size=300", "--days", "20", "--quiet"]
    points = str(SCENARIOS / "points.yaml")
    commands = {"run": ["run", str(SCENARIOS / "baseline.yaml"), *small],
                # three designs: between_variants.csv is written only with two variants or more
                "compare": ["compare", str(SCENARIOS / "baseline.yaml"), points, str(SCENARIOS / "invite_fission.yaml"),
                            "-r", "2", "--serial", *small],
                "sweep": ["sweep", points, "--param", "strategies.points.value=0:0.05", "--param",
                          "strategies.points.daily_cap=5:20", "--method", "sobol", "--samples", "8", "-r", "1",
                          "--serial", *small],
                # a grid over two parameters also draws heat maps (a review's find: they were missing)
                "sweep-grid": ["sweep", points, "--param", "strategies.points.value=0:0.05", "--param",
                               "strategies.points.daily_cap=5:20", "--method", "grid", "--samples", "2", "-r", "1",
                               "--serial", *small]}
    for name, argv in commands.items():
        kind, out = argv[0], tmp_path / name
        assert main([*argv, "--out", str(out)]) == 0
        written = {p.name for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}
        assert written and written <= set(OUTPUT_NAMES[kind]), (name, written - set(OUTPUT_NAMES[kind]))
    assert (tmp_path / "compare" / "between_variants.csv").is_file()
    heat = {"heatmap_lifespan.png", "heatmap_active_member_days.png"}
    assert heat <= {p.name for p in (tmp_path / "sweep-grid").iterdir()}
    # a folder circlesim published into: a name it writes but did not record there is still someone's
    from sim.outputs.folder import unrecorded_outputs

    (tmp_path / "sweep" / "heatmap_lifespan.png").write_text("mine")  # not in the sobol sweep's recorded set
    assert unrecorded_outputs(tmp_path / "sweep", "sweep") == ["heatmap_lifespan.png"]


def test_an_interrupted_publication_keeps_what_it_records(tmp_path):
    """The journal carries the set's record (`meta`), so a publication completed by `recover`
    records the same as one that was not interrupted."""
    from sim.outputs import folder

    out = tmp_path / "o"
    out.mkdir()
    staging = out / f"{folder.STAGING_PREFIX}x"
    staging.mkdir()
    (staging / "summary.json").write_text('{"scenario": "s"}')
    (out / folder.JOURNAL).write_text(json.dumps({"staging": staging.name, "files": ["summary.json"], "remove": [],
                                                  "kind": "run", "meta": {"source": "/s.yaml", "scenario": "s"}}))
    assert folder.recover(out) == [f"completed an interrupted write of 1 files in {out}"]
    assert folder.run_source(out) == {"source": "/s.yaml", "scenario": "s"}


def test_a_command_never_writes_into_another_commands_folder(tmp_path, capsys):
    """`run --out <a compare folder>` deleted runs.csv, the reports and figures (and the other way
    round); each command now refuses a folder holding another command's outputs, before any work."""
    from sim.cli import main
    from sim.fitting.run import FitInputError, check_folder
    from sim.outputs.folder import held_kind

    small = ["--set", "population.size=300", "--days", "40"]
    run_dir, cmp_dir = tmp_path / "run", tmp_path / "cmp"
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(run_dir), "--quiet", *small]) == 0
    assert main(["compare", str(SCENARIOS / "baseline.yaml"), "-r", "2", "--serial", "--quiet", "--out", str(cmp_dir),
                 *small]) == 0
    assert (held_kind(run_dir), held_kind(cmp_dir)) == ("run", "compare")
    before = {p: p.read_bytes() for d in (run_dir, cmp_dir) for p in d.iterdir() if p.is_file()}
    capsys.readouterr()
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(cmp_dir), "--quiet", *small]) == 2
    assert "holds the outputs of `circlesim compare`" in capsys.readouterr().err
    for command in (["compare", str(SCENARIOS / "baseline.yaml"), "-r", "2", "--serial"],
                    ["sweep", str(SCENARIOS / "points.yaml"), "--param", "strategies.points.value=0:0.05",
                     "--method", "grid", "--samples", "2", "-r", "1", "--serial"]):
        assert main([*command, "--quiet", "--out", str(run_dir), *small]) == 2
        assert "holds the outputs of `circlesim run`" in capsys.readouterr().err
    with pytest.raises(FitInputError, match="holds the outputs of `circlesim compare`"):
        check_folder(cmp_dir, "any")
    afile = tmp_path / "afile"
    afile.write_text("keep")
    with pytest.raises(FitInputError, match="is a file, not a folder"):  # was a FileExistsError traceback
        check_folder(afile, "any")
    after = {p: p.read_bytes() for d in (run_dir, cmp_dir) for p in d.iterdir() if p.is_file()}
    assert after == before and afile.read_text() == "keep"  # nothing lost
    # the same command may write its own folder again
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--out", str(run_dir), "--quiet", *small]) == 0


def test_a_reader_that_goes_away_ends_the_command_quietly():
    """`circlesim explain ... | head -1` ended with "could not write its outputs: Broken pipe" (a review's find)."""
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "reference", "--api"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().startswith(b"# API reference")
    proc.stdout.close()  # 200 kB more to come: the next write meets a closed pipe
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0 and err == ""


def test_a_lost_dask_cluster_is_one_message_and_other_errors_still_raise(monkeypatch, capsys):
    """A Dask CommClosedError (an OSError from `distributed`) mid-run ended in a traceback; now one message.
    Any other exception still raises: only that class of failure is answered (a review's point)."""
    import sim.cli

    CommClosedError = type("CommClosedError", (OSError,), {"__module__": "distributed.comm.core"})

    def lost(args):
        raise CommClosedError("in <TCP (closed) ConnectionPool.gather local=tcp://127.0.0.1:1>: Stream is closed")

    parser = sim.cli.build_parser()  # the validate subcommand, its function swapped for one that fails
    monkeypatch.setattr(sim.cli, "build_parser", lambda: parser)
    parser._subparsers._group_actions[0].choices["validate"]._defaults["func"] = lost
    assert main(["validate", str(SCENARIOS / "baseline.yaml")]) == 1
    err = capsys.readouterr().err
    assert "lost its Dask cluster (CommClosedError" in err and "Traceback" not in err

    def bug(args):
        raise ValueError("a bug")

    parser._subparsers._group_actions[0].choices["validate"]._defaults["func"] = bug
    with pytest.raises(ValueError, match="a bug"):
        main(["validate", str(SCENARIOS / "baseline.yaml")])


def test_a_redefined_strategy_kind_is_never_served_stale_runs(tmp_path):
    """A researcher's own strategy kind, redefined in a notebook (here: only a value it closes
    over changes), was served the old definition's runs from the store: `reused: 4 of 4` (red
    team, 2026-12-07). Its runs are now keyed to the class object: reused while it stays
    registered, recomputed once it is redefined, and equal to a fresh store's."""
    import sim
    from sim.model.strategies import KINDS
    from tests.conftest import own_strategy_kind

    def define(boost):
        return own_strategy_kind("nudge_for_the_store_test", boost)

    def scenarios():
        base = sim.scenario_from_dict({"population": {"size": 400}, "horizon_days": 60})
        nudged = sim.scenario_from_dict({"population": {"size": 400}, "horizon_days": 60,
                                         "strategies": {"n": {"kind": "nudge_for_the_store_test"}}})
        return [base, nudged]

    store = tmp_path / "store"
    try:
        define(1.0)
        first = sim.compare(scenarios(), replications=2, executor="serial", store=store, progress=False)
        again = sim.compare(scenarios(), replications=2, executor="serial", store=store, progress=False)
        assert again.reused == 4  # the same class: its runs are reused
        define(5.0)
        edited = sim.compare(scenarios(), replications=2, executor="serial", store=store, progress=False)
        fresh = sim.compare(scenarios(), replications=2, executor="serial", progress=False)
    finally:
        KINDS.pop("nudge_for_the_store_test", None)
    assert edited.reused == 2  # the baseline's runs only
    pd.testing.assert_frame_equal(edited.runs(), fresh.runs())
    assert not edited.runs()["peak_dau"].equals(first.runs()["peak_dau"])  # the edit did change the variant


def test_each_folder_signature_is_a_file_only_its_own_command_writes():
    """`held_kind` recognises a folder without a manifest by signature files; each must be one of
    its command's outputs (`OUTPUT_NAMES`) and no other command's, or a renamed output would leave
    folders unrecognised, or a shared one would name the wrong command."""
    from sim.outputs.folder import _SIGNATURES, OUTPUT_NAMES

    assert {kind for kind, _ in _SIGNATURES} == set(OUTPUT_NAMES)
    for kind, names in _SIGNATURES:
        for name in names:
            writers = sorted(k for k, outputs in OUTPUT_NAMES.items() if name in outputs)
            assert writers == [kind], (name, writers)
