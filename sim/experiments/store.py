"""The results store: one file per (run key, seed), written atomically by the worker.

Layout under the store's root::

    manifest.json                      versions, code version, scenarios (name, key, parameters)
    runs/<key>/<seed>.json             one finished run: read-outs and daily DAU / members
    failures/<key>/<seed>.txt          the traceback of a run that raised
    invalid/<key>/<seed>.json          stored runs found invalid (kept for inspection, recomputed)

The run key (`run_key`) hashes the resolved parameters, the graph file's contents and the
code version (`sim.version.code_version`: a model version constant and a hash of every
source file of `sim/` and `agents/`). So replacing a graph file or changing any code makes
old runs unreachable and they are recomputed, never mixed with new ones.

A run file appears only complete (temporary file + rename), so a killed experiment leaves
either a finished run or nothing; re-running reads finished runs instead of recomputing
them. Nothing on disk is trusted: each record carries its schema, key, seed and a SHA-256
checksum of its contents, and `read_valid` checks all of them and the shape of every value;
an invalid file is moved to `invalid/` and the run recomputed. Workers (process pool or
Dask) write the files themselves, so the driver only ever handles one run's series at a time.

>>> import tempfile
>>> store = ResultStore(tempfile.mkdtemp())
>>> store.has("abc", 7)
False
>>> store.write_run("abc", 7, {"population": 10, "readouts": {}, "dau": [1], "members": [2]})
>>> store.read_valid("abc", 7, horizon=1, measures=[])[0]["dau"]
[1]
>>> store.read_valid("abc", 7, horizon=2, measures=[])[1]
'dau has 1 days, expected 2'
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import numbers
import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, write) -> None:
    """Call `write(temp_path)`, then rename the temporary file onto `path` (same folder).

    So `path` is either its old self or complete, never half-written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (see `atomic_write`)."""

    def write(tmp):
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    atomic_write(path, write)


def write_or_print(text: str, path=None) -> None:
    """Write `text` to `path` atomically, or print it when there is no path (an experiment's table)."""
    if path:
        atomic_write_text(Path(path), text)
    else:
        print(text)


#: Version of the run-record format; records of another schema are recomputed.
RECORD_SCHEMA = 2


class StoreWarning(UserWarning):
    """Stored runs were found invalid and recomputed (`compare` and `sweep` warn; the CLI prints a line)."""


def _checksum(record: dict) -> str:
    body = {k: v for k, v in record.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


_GRAPH_HASHES: dict[tuple, str] = {}


def graph_file_hash(path: str | os.PathLike) -> str:
    """SHA-256 of a graph file's bytes (cached per path, size, mtime and inode within the process)."""
    from sim.scenario import files

    st = os.stat(path)
    cache_key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    if cache_key not in _GRAPH_HASHES:
        h = hashlib.sha256()
        with files.open_regular(path, files.MAX_GRAPH_BYTES) as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
        _GRAPH_HASHES[cache_key] = h.hexdigest()
    return _GRAPH_HASHES[cache_key]


def own_strategy_kinds(scenario) -> dict:
    """{kind: identity of its class} for the scenario's strategy kinds whose class is not circlesim's own.

    `sim.model.strategies.register` lets a researcher add a kind (or replace a built-in one);
    its code is not in `code_version`, and a class redefined in a notebook may differ only in a
    value it closes over, so its source cannot vouch for it either. Each such class object gets
    a random token when first keyed: its runs are reused while that very class is registered
    (the same process, the same definition), and recomputed after a redefinition or a restart.
    Deliberately conservative, like the rest of the key (a red team found a redefined kind's
    stale runs reused, 2026-12-07).
    """
    import uuid

    from sim.model.strategies import KINDS

    own = {}
    for _, kind, _ in scenario.strategies:
        cls = KINDS.get(kind)
        if cls is None or cls.__module__.startswith("sim.model.strategies."):
            continue
        token = cls.__dict__.get("_circlesim_key_token")
        if token is None:
            token = uuid.uuid4().hex
            cls._circlesim_key_token = token
        own[kind] = f"{cls.__module__}.{cls.__qualname__}:{token}"
    return own


def run_key(scenario) -> str:
    """The store key of a scenario's runs: resolved parameters, graph file contents and code version.

    >>> from sim.scenario import default_scenario
    >>> len(run_key(default_scenario()))
    16
    """
    from sim.version import code_version

    g = scenario.population.graph
    graph = graph_file_hash(g.file) if g.type == "file" and g.file else None
    ident = {"parameters": scenario.digest(), "graph_file": graph, "code": code_version()}
    own = own_strategy_kinds(scenario)
    if own:  # a researcher's own strategy class is not in `code_version`: key its runs to the class itself
        ident["own_strategies"] = own
    return hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:16]


class ResultStore:
    """Finished runs and failures on disk, keyed by run key (`run_key`) and seed."""

    def __init__(self, root: str | os.PathLike):
        if not isinstance(root, (str, os.PathLike)):  # `store=5` failed inside pathlib, naming nothing
            raise TypeError(f"store must be a folder path (or a ResultStore), got {root!r}")
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():  # a FileExistsError at the first run's write
            raise ValueError(f"store: {self.root} is a file, not a folder")

    def run_path(self, key: str, seed: int) -> Path:
        """Where the finished run of this run key and seed is stored."""
        return self.root / "runs" / key / f"{int(seed)}.json"

    def failure_path(self, key: str, seed: int) -> Path:
        """Where the traceback of a failed run of this run key and seed is stored."""
        return self.root / "failures" / key / f"{int(seed)}.txt"

    def has(self, key: str, seed: int) -> bool:
        """Whether a run file exists for this key and seed (`read_valid` says whether it can be reused)."""
        return self.run_path(key, seed).exists()

    def write_run(self, key: str, seed: int, record: dict) -> None:
        """Store a finished run's record atomically (with schema, key, seed and checksum); drop a stale failure."""
        record = {**record, "schema": RECORD_SCHEMA, "key": key, "seed": int(seed)}
        record["checksum"] = _checksum(record)
        atomic_write_text(self.run_path(key, seed), json.dumps(record, separators=(",", ":")))
        stale = self.failure_path(key, seed)
        if stale.exists():
            stale.unlink()

    def read_run(self, key: str, seed: int) -> dict:
        """The stored record of a finished run, unchecked (see `read_valid`)."""
        return json.loads(self.run_path(key, seed).read_text(encoding="utf-8"))

    def read_valid(self, key: str, seed: int, horizon: int | None = None,
                   measures: list[str] | None = None) -> tuple[dict | None, str | None]:
        """(record, None) if the stored run is whole and belongs here, else (None, why not).

        Checks: readable JSON object, schema, key, seed, checksum, population size, one
        non-negative integer per day for `dau` and `members` (`horizon` days), and a number
        or null for every read-out in `measures` (default: the registry's).
        """
        path = self.run_path(key, seed)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None, "missing"
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            return None, f"unreadable ({type(exc).__name__})"
        if not isinstance(record, dict):
            return None, "not a run record"
        if record.get("schema") != RECORD_SCHEMA:
            return None, f"record schema {record.get('schema')!r}, expected {RECORD_SCHEMA}"
        if record.get("key") != key or record.get("seed") != int(seed):
            return None, "belongs to another scenario or seed"
        if record.get("checksum") != _checksum(record):
            return None, "checksum mismatch (the file was altered)"
        why = _shape_problem(record, horizon, measures)
        return (None, why) if why else (record, None)

    def quarantine(self, key: str, seed: int) -> Path:
        """Move an invalid run file to `invalid/` (kept for inspection) and return its new path."""
        dest = self.root / "invalid" / key / f"{int(seed)}.json"
        dest.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            os.replace(self.run_path(key, seed), dest)
        return dest

    def write_failure(self, key: str, seed: int, text: str) -> None:
        """Store the traceback `text` of a run that raised."""
        atomic_write_text(self.failure_path(key, seed), text)

    def failures(self) -> list[tuple[str, int, str]]:
        """Every recorded failure as (key, seed, traceback), in file order (by key, then seed file)."""
        out = []
        base = self.root / "failures"
        if base.exists():
            for f in sorted(base.glob("*/*.txt")):
                with contextlib.suppress(ValueError, OSError):
                    out.append((f.parent.name, int(f.stem), f.read_text(encoding="utf-8", errors="replace")))
        return out

    def clean_temporaries(self) -> int:
        """Remove temporary files a killed worker left (call only while no worker writes here)."""
        n = 0
        for pattern in ("runs/*/.*.tmp", "failures/*/.*.tmp", ".*.tmp"):
            for f in self.root.glob(pattern):
                with contextlib.suppress(OSError):
                    f.unlink()
                    n += 1
        return n

    def write_manifest(self, manifest: dict) -> None:
        """Write manifest.json (versions, scenarios and their resolved parameters) atomically."""
        atomic_write_text(self.root / "manifest.json", json.dumps(manifest, indent=2, default=str))

    def read_manifest(self) -> dict | None:
        """The store's manifest, or None if none was written yet (or it is unreadable)."""
        p = self.root / "manifest.json"
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None


def _counts(values, days: int | None) -> bool:
    return (isinstance(values, list) and (days is None or len(values) == days)
            and all(type(v) is int and v >= 0 for v in values))


def _shape_problem(record: dict, horizon: int | None, measures: list[str] | None) -> str | None:
    pop = record.get("population")
    if type(pop) is not int or pop < 2:
        return "population is not a person count"
    for name in ("dau", "members"):
        if not _counts(record.get(name), horizon):
            values = record.get(name)
            if isinstance(values, list) and horizon is not None and len(values) != horizon:
                return f"{name} has {len(values)} days, expected {horizon}"
            return f"{name} is not a list of daily counts"
    readouts = record.get("readouts")
    if not isinstance(readouts, dict):
        return "readouts missing"
    if measures is None:
        from sim.readouts.registry import measures as registry_measures

        measures = registry_measures()
    for name in measures:
        if name not in readouts:
            return f"read-out {name!r} missing"
        v = readouts[name]
        if v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Real)):
            return f"read-out {name!r} is not a number"
    return None


def numpy_kernels() -> str:
    """The SIMD kernels numpy runs on this machine, e.g. ``'X86_V3'`` (AVX2) or ``'X86_V3 X86_V4 AVX512_ICL'``.

    numpy picks its exp, log and power kernels by the CPU, and its AVX-512 ones round some
    results differently in the last bit from its AVX2 ones; one ulp now and then flips a random
    draw. Runs of one scenario and seed can be bit-identical between machines only where this
    matches (README, "Same numbers on another machine"). ``NPY_DISABLE_CPU_FEATURES`` is honoured.

    >>> isinstance(numpy_kernels(), str)
    True
    """
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # numpy moved its private names: say so rather than guess
        return "unknown"
    return " ".join(f for f in __cpu_dispatch__ if __cpu_features__.get(f)) or "baseline only"


def cpu_model() -> str:
    """The CPU's model name as the operating system gives it (e.g. ``'AMD EPYC'``), else ``platform.processor()``.

    >>> isinstance(cpu_model(), str)
    True
    """
    import platform

    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:  # not Linux
        pass
    return platform.processor() or "unknown"


def versions() -> dict:
    """Versions of circlesim and the libraries that shape results; the machine, its C library and numpy's kernels.

    The last three are where the process that calls this runs: numpy's `numpy_kernels` and, for
    the functions those kernels leave to it, the C library's maths decide a result's last bit.
    A worker elsewhere (Dask) or a run reused from a store may have run on another machine.
    """
    import platform

    import mesa
    import networkx
    import numpy
    import pandas
    import scipy

    from sim import __version__

    return {"circlesim": __version__, "mesa": mesa.__version__, "networkx": networkx.__version__,
            "numpy": numpy.__version__, "scipy": scipy.__version__, "pandas": pandas.__version__,
            "python": platform.python_version(), "machine": platform.machine(), "cpu": cpu_model(),
            "libc": " ".join(platform.libc_ver()).strip() or "unknown", "numpy_kernels": numpy_kernels()}
