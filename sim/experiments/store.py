"""The results store: one file per (scenario digest, seed), written atomically by the worker.

Layout under the store's root::

    manifest.json                      versions, scenarios (name, digest, resolved parameters)
    runs/<digest>/<seed>.json          one finished run: read-outs and daily DAU / members
    failures/<digest>/<seed>.txt       the traceback of a run that raised

A run file appears only complete (temporary file + rename), so a killed experiment leaves
either a finished run or nothing; re-running reads finished runs instead of recomputing
them. Workers (process pool or Dask) write the files themselves, so the driver only ever
handles one run's series at a time.

>>> import tempfile
>>> store = ResultStore(tempfile.mkdtemp())
>>> store.has("abc", 7)
False
>>> store.write_run("abc", 7, {"readouts": {"lifespan": 600}})
>>> store.has("abc", 7), store.read_run("abc", 7)["readouts"]["lifespan"]
(True, 600)
"""

from __future__ import annotations

import json
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


class ResultStore:
    """Finished runs and failures on disk, keyed by scenario digest and seed."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def run_path(self, digest: str, seed: int) -> Path:
        """Where the finished run of this scenario digest and seed is stored."""
        return self.root / "runs" / digest / f"{int(seed)}.json"

    def failure_path(self, digest: str, seed: int) -> Path:
        """Where the traceback of a failed run of this scenario digest and seed is stored."""
        return self.root / "failures" / digest / f"{int(seed)}.txt"

    def has(self, digest: str, seed: int) -> bool:
        """Whether this run already finished, so it can be reused instead of recomputed."""
        return self.run_path(digest, seed).exists()

    def write_run(self, digest: str, seed: int, record: dict) -> None:
        """Store a finished run's record atomically and drop any failure left by an earlier attempt."""
        atomic_write_text(self.run_path(digest, seed), json.dumps(record, separators=(",", ":")))
        stale = self.failure_path(digest, seed)
        if stale.exists():
            stale.unlink()

    def read_run(self, digest: str, seed: int) -> dict:
        """The stored record of a finished run (read-outs and daily DAU / members)."""
        return json.loads(self.run_path(digest, seed).read_text(encoding="utf-8"))

    def write_failure(self, digest: str, seed: int, text: str) -> None:
        """Store the traceback `text` of a run that raised."""
        atomic_write_text(self.failure_path(digest, seed), text)

    def failures(self) -> list[tuple[str, int, str]]:
        """Every recorded failure as (digest, seed, traceback), in file order (by digest, then seed file)."""
        out = []
        base = self.root / "failures"
        if base.exists():
            for f in sorted(base.glob("*/*.txt")):
                out.append((f.parent.name, int(f.stem), f.read_text(encoding="utf-8")))
        return out

    def write_manifest(self, manifest: dict) -> None:
        """Write manifest.json (versions, scenarios and their resolved parameters) atomically."""
        atomic_write_text(self.root / "manifest.json", json.dumps(manifest, indent=2, default=str))

    def read_manifest(self) -> dict | None:
        """The store's manifest, or None if none was written yet."""
        p = self.root / "manifest.json"
        return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None


def versions() -> dict:
    """Versions of circlesim and the libraries that shape results."""
    import platform

    import mesa
    import networkx
    import numpy
    import scipy

    from sim import __version__

    return {"circlesim": __version__, "mesa": mesa.__version__, "networkx": networkx.__version__,
            "numpy": numpy.__version__, "scipy": scipy.__version__, "python": platform.python_version()}
