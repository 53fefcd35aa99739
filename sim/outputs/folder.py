"""Output folders: checked before any simulation, locked while in use, published all at once.

A command's outputs (`timeseries.csv`, `summary.json` and the figures; or a comparison's
tables, figures and reports) form one set: a reader must never see this run's time series
next to the previous run's summary. So:

* `check_usable(out)` runs before anything is simulated: `--out` must be (or be creatable as)
  a writable folder, not a file or something under a file. It writes nothing.
* `using(out)` creates the folder, holds its lock (`.lock`, an advisory `flock` released
  when the process dies, even by `kill -9`), finishes or discards whatever an interrupted
  publication left, and removes stale temporary files.
* `publish(out)` stages every file in a hidden folder inside `out`, then writes a journal
  (`.publishing.json`) naming them, moves them into place, removes files of the previous
  set that the new one lacks, records the set in `.outputs.json` and deletes the journal.
  Killed before the journal exists, the old set is untouched; killed after, the next
  `using` or `publish` completes the move. Either way the folder ends up holding one whole set.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "o"
>>> with publish(out) as stage:
...     _ = (stage / "a.txt").write_text("1")
>>> sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
['a.txt']
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import tempfile
from pathlib import Path

JOURNAL = ".publishing.json"
MANIFEST = ".outputs.json"
LOCK = ".lock"
STAGING_PREFIX = ".staging-"

#: Locks held by this process: path -> (fd, depth), so nested users of one folder share it.
_HELD: dict[str, list] = {}


class OutputError(ValueError):
    """An output folder that cannot be used (a file, under a file, unwritable, or in use)."""


class OutputWriteError(OSError):
    """Writing a set of outputs failed (a full disk, a quota): the folder keeps its previous set.

    Raised by `publish` in place of the OSError it wraps (same errno, message and file), so a
    command can say what happened without taking every OSError for a failed write.
    """

    def __init__(self, out: Path, exc: OSError):
        super().__init__(exc.errno, exc.strerror or str(exc), exc.filename)
        self.out = out


#: What each command leaves in its folder, to recognise a folder another command wrote.
_SIGNATURES = (("fit", ("fit_manifest.json", "fit.db", "fit_summary.json")), ("sweep", ("sweep.csv",)),
               ("compare", ("differences.csv",)), ("run", ("timeseries.csv", "summary.json")))


def _manifest(out: Path) -> dict | None:
    """The folder's `.outputs.json` as a mapping, or None when there is none or it cannot be read as one."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def held_kind(out: str | os.PathLike) -> str | None:
    """Which command's outputs `out` holds ('run', 'compare', 'sweep', 'fit'), or None.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "sweep.csv").write_text("")
    >>> held_kind(d)
    'sweep'
    """
    out = Path(out)
    if not out.is_dir():
        return None
    kind = (_manifest(out) or {}).get("kind")
    if isinstance(kind, str):
        return kind
    for kind, names in _SIGNATURES:
        if any((out / name).exists() for name in names):
            return kind
    return None


#: The files each command writes into its --out (a test runs each command and compares).
OUTPUT_NAMES = {
    "run": ("timeseries.csv", "timeseries.parquet", "summary.json", "lifecycle.png", "circles.png"),
    "compare": ("runs.csv", "summary.csv", "differences.csv", "costs.csv", "between_variants.csv", "fan.png",
                "phases.png", "distributions.png", "cost_benefit.png", "report.html", "report.md"),
    "sweep": ("sweep.csv", "runs.csv", "pareto.csv", "indices.csv", "pareto.png", "partial_dependence.png",
              "sobol_indices.png", "heatmap_lifespan.png", "heatmap_active_member_days.png", "report.html",
              "report.md"),
    "fit": ("history.csv", "fit_manifest.json", "fit.db", "abc_state.json", "distance_weights.json",
            "posterior.csv", "fit_summary.json", "generations.csv", "forecast.csv", "forecast_draws.csv",
            "forecast_draws.json", "forecast_fan.png", "posterior_pairs.png", "prior_vs_posterior.png",
            "dormancy.png", "report.html", "report.md"),
}


def unrecorded_outputs(out: str | os.PathLike, kind: str) -> list[str]:
    """Files in `out` that command `kind` would write over, though no circlesim command recorded them (sorted).

    A folder circlesim published into records its set in `.outputs.json`; an unfinished fit's
    own files are known by its `fit_manifest.json`. Anything else bearing an output's name is
    someone's own file (a history.csv, a report.md): a fit replaced the user's history.csv with
    its copy, a comparison the user's report.md (red team, 2026-12-07). Files of other names
    never clash and do not count (a log the shell created for the command's output, notes).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "history.csv").write_text("day,members")
    >>> _ = (d / "notes.txt").write_text("mine")
    >>> unrecorded_outputs(d, "fit"), unrecorded_outputs(d, "run")
    (['history.csv'], [])
    """
    out = Path(out)
    if not out.is_dir() or (kind == "fit" and (out / "fit_manifest.json").exists()):
        return []  # a fit writes its database, manifest and history copy outside its published set
    files = (_manifest(out) or {}).get("files")
    recorded = set(files) if isinstance(files, list) else set()
    return sorted(n for n in OUTPUT_NAMES.get(kind, ()) if n not in recorded
                  and ((out / n).is_file() or (out / n).is_symlink()))


def check_usable(out: str | os.PathLike, kind: str | None = None) -> Path:
    """Raise `OutputError` unless `out` is, or can be created as, a writable folder. Writes nothing.

    With `kind` (the command about to write: 'run', 'compare', 'sweep', 'fit'), a folder that
    holds another command's outputs is refused too: writing there would delete or overwrite them;
    so is one holding files of the names this command writes that no circlesim command recorded
    writing (`unrecorded_outputs`: the user's own `history.csv` or `report.md`).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file, not a folder")
    other = held_kind(out) if kind else None
    if other is not None and not (out / MANIFEST).exists() and other != "fit":
        # known by file names only (summary.json, sweep.csv...), which may be the user's own files:
        # judged by `unrecorded_outputs` below, by name (a fit's manifest and database are unambiguous)
        other = None
    if other is not None and other != kind:
        raise OutputError(f"{out} holds the outputs of `circlesim {other}`; this {kind} would overwrite or delete "
                          f"them: choose another --out (or remove that folder first)")
    clash = unrecorded_outputs(out, kind) if kind else []
    if clash:
        shown = ", ".join(clash[:3]) + (f" and {len(clash) - 3} more" if len(clash) > 3 else "")
        one = len(clash) == 1
        raise OutputError(f"{out} holds {shown}, which no circlesim command recorded writing there; this {kind} "
                          f"writes {'a file of that name' if one else 'files of those names'} and would replace "
                          f"{'it' if one else 'them'}: move {'it' if one else 'them'} away, or choose another --out")
    probe = out
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise OutputError(f"{out} lies under {probe}, which is a file, not a folder")
    if probe.exists() and not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"{probe} is not writable" + ("" if probe == out else f" (needed to create {out})"))
    return out


def run_source(out: str | os.PathLike) -> dict | None:
    """Which scenario the run held in `out` came from: {"source": file, "scenario": name}, or None.

    `source` (the scenario file's absolute path) is recorded by `circlesim run` since
    2026-12-07; for a folder written before, only the scenario's name is known (from its
    `summary.json`). None when `out` holds no run.

    >>> import tempfile
    >>> run_source(tempfile.mkdtemp()) is None
    True
    """
    out = Path(out)
    if held_kind(out) != "run":
        return None
    found: dict = {}
    meta = (_manifest(out) or {}).get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("source"), str):
        found["source"] = meta["source"]
    try:
        name = json.loads((out / "summary.json").read_text(encoding="utf-8")).get("scenario")
        if isinstance(name, str):
            found["scenario"] = name
    except (OSError, ValueError, AttributeError):
        pass
    return found or None


def another_run(out: str | os.PathLike, source: str | os.PathLike, scenario: str) -> str | None:
    """Why `out` holds another scenario's run (a sentence), or None if it holds none or this one's.

    A run replaces the previous run in its folder; that is how one iterates on a scenario
    (other `--set`, `--days` or `--seed`). A run of a *different* scenario file would replace
    results one may still want, silently, so `circlesim run` refuses it without `--overwrite`.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> with publish(out, "run", meta={"source": "/a/baseline.yaml", "scenario": "baseline"}) as stage:
    ...     _ = (stage / "summary.json").write_text('{"scenario": "baseline"}')
    >>> another_run(out, "/a/baseline.yaml", "baseline") is None
    True
    >>> another_run(out, "/b/points.yaml", "points")
    "holds the run of scenario 'baseline' from /a/baseline.yaml"

    When the recorded file is gone (the project moved), the same file name and scenario name
    count as the same scenario:

    >>> another_run(out, "/moved/baseline.yaml", "baseline") is None
    True
    """
    held = run_source(out)
    if not held:
        return None
    if "source" in held:
        recorded = held["source"]
        try:
            same = os.path.samefile(recorded, source)
        except OSError:  # the recorded file is gone (the project moved, a container mounts it elsewhere):
            # the same file name, and the same scenario name (an unnamed scenario is named by its path,
            # which moved with it: then the file name is all there is)
            named = held.get("scenario")
            unnamed = named is not None and Path(named).name == Path(recorded).name
            same = Path(recorded).name == Path(source).name and (named in (None, scenario) or unnamed)
        if same:
            return None
        return f"holds the run of scenario {held.get('scenario', '?')!r} from {recorded}"
    if held.get("scenario") not in (None, scenario):
        return f"holds the run of scenario {held['scenario']!r}"
    return None


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


@contextlib.contextmanager
def lock(out: str | os.PathLike):
    """Hold `out/.lock` exclusively (re-entrant within this process); `OutputError` if another process has it."""
    out = Path(out)
    key = str(out.resolve())
    if key in _HELD:
        _HELD[key][1] += 1
        try:
            yield out
        finally:
            _HELD[key][1] -= 1
        return
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise OutputError(f"{out} is in use by another circlesim process; wait for it or use another "
                              f"--out") from None
        raise
    _HELD[key] = [fd, 1]
    try:
        yield out
    finally:
        _HELD[key][1] -= 1
        if _HELD[key][1] == 0:
            del _HELD[key]
            os.close(fd)  # releases the flock


def recover(out: Path) -> list[str]:
    """Complete an interrupted publication, drop half-staged ones, remove stale temporaries.

    Returns what was done, one line each (the CLI prints them). Call with the lock held.
    Only this folder's own hidden files are touched (never a results store inside it).
    """
    done = []
    journal = out / JOURNAL
    if journal.exists():
        try:
            data = json.loads(journal.read_text(encoding="utf-8"))
            _move_into_place(out, out / data["staging"], data["files"], data["remove"], data.get("kind"),
                             data.get("complete", True), data.get("meta"))
            done.append(f"completed an interrupted write of {len(data['files'])} files in {out}")
        except (OSError, ValueError, KeyError, TypeError):
            done.append(f"discarded an unreadable journal in {out}")
        journal.unlink(missing_ok=True)
    for d in out.glob(STAGING_PREFIX + "*"):
        shutil.rmtree(d, ignore_errors=True)
        done.append(f"removed the unfinished outputs {d.name} of an interrupted run")
    for f in out.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            f.unlink()
    return done


def _plain(name) -> bool:
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\\" not in name


def _move_into_place(out: Path, staging: Path, names: list[str], remove: list[str], kind: str | None = None,
                     complete: bool = True, meta: dict | None = None) -> None:
    names = [n for n in names if _plain(n)]
    remove = [n for n in remove if _plain(n)]
    if not (_plain(staging.name) and staging.name.startswith(STAGING_PREFIX)):
        raise ValueError("not a staging folder")
    for name in names:
        src = staging / name
        if src.exists():
            os.replace(src, out / name)
    for name in remove:
        with contextlib.suppress(OSError):
            (out / name).unlink()
    _fsync_dir(out)
    _write_json(out / MANIFEST, {"files": sorted(names), **({"kind": kind} if kind else {}),
                                 **({} if complete else {"complete": False}), **({"meta": meta} if meta else {})})
    shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def using(out: str | os.PathLike, kind: str | None = None):
    """Create `out`, hold its lock and `recover` it; yields what recovery did. `OutputError` if unusable.

    Commands hold this for their whole run, so two commands never write one folder at once.
    """
    out = check_usable(out, kind)
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=out, prefix=".probe-", suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"cannot write to {out}: {exc.strerror or exc}") from None
    with lock(out):
        yield recover(out)


def has_complete_outputs(out: str | os.PathLike) -> bool:
    """Whether `out` holds a set of outputs published earlier with none of its runs failed.

    A command whose runs fail does not write its partial result over such a set.

    >>> import tempfile
    >>> has_complete_outputs(tempfile.mkdtemp())
    False
    """
    manifest = _manifest(Path(out)) or {}
    return bool(manifest.get("files")) and manifest.get("complete", True) is True


@contextlib.contextmanager
def publish(out: str | os.PathLike, kind: str | None = None, complete: bool = True, meta: dict | None = None):
    """Yield a staging folder; on success move everything written there into `out` as one set.

    Files of the previous set that the new one does not contain are removed. On an exception
    the staging folder is deleted and `out` is left as it was. With `kind`, a folder holding
    another command's outputs is refused (`check_usable`) and the set is recorded as `kind`'s.
    `complete=False` records a set some of whose runs failed (`has_complete_outputs`). `meta`
    (JSON-able) is recorded with the set: `run` records which scenario file it ran (`run_source`).
    """
    out = check_usable(out, kind)
    out.mkdir(parents=True, exist_ok=True)
    with lock(out):
        recover(out)
        staging = Path(tempfile.mkdtemp(dir=out, prefix=STAGING_PREFIX))
        try:
            yield staging
            names = sorted(p.name for p in staging.iterdir() if p.is_file())
            for name in names:
                with open(staging / name, "rb") as fh:
                    os.fsync(fh.fileno())
            previous = (_manifest(out) or {}).get("files", [])
            remove = sorted(set(previous) - set(names))
            clash = [name for name in names if (out / name).is_dir()]
            if clash:  # found before anything moves: the folder keeps its earlier set whole
                raise OutputError(f"{out / clash[0]} is a folder, where this command writes a file of that name: "
                                  "move or rename it and run again (nothing in the folder was changed)")
            _write_json(out / JOURNAL, {"staging": staging.name, "files": names, "remove": remove, "kind": kind,
                                        "complete": complete, **({"meta": meta} if meta else {})})
            _move_into_place(out, staging, names, remove, kind, complete, meta)
            (out / JOURNAL).unlink(missing_ok=True)
            _fsync_dir(out)
        except BaseException as exc:
            if not (out / JOURNAL).exists():
                shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, OSError) and not isinstance(exc, OutputWriteError):
                raise OutputWriteError(out, exc) from exc
            raise


__all__ = ["OUTPUT_NAMES", "OutputError", "OutputWriteError", "another_run", "check_usable", "has_complete_outputs",
           "held_kind", "lock", "publish", "recover", "run_source", "unrecorded_outputs", "using"]
