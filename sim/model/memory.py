"""How much memory a run needs, estimated before anything is built, and what this machine has.

A run's peak memory is, to within a few per cent (measured by `benchmarks/memory.py`):

    peak = BASE_BYTES + persons * bytes_per_person(source) + ties * bytes_per_tie(source)
           + days * BYTES_PER_DAY

where `ties` counts undirected ties of the social graph. Each per-unit cost is the sum of a
part computed from the model's own dtypes (so it follows any change to them) and a measured
remainder (networkx's graph, which the API keeps, and the transient arrays of building the
Dunbar-limited tie matrices):

* per person: every per-person state array (`sim.model.state.declarations`, 133 bytes since
  model version 6, 125 before; within the estimate's margin, 8 more with
  `motivation.information_need` on, 4 more in a run with events (the last event attended) and
  8 more with points that wear out: arrays allocated only in those runs), four float64 traits
  (32: attention, propensity, topic fit and the personal visit
  rate, on since model version 3; 24 with it off), four CSR row pointers (16), plus the measured
  remainder: 60 bytes for a generated graph (tie endpoints, build transients), 833 for a
  file graph;
* per tie: four CSR matrices (maintained, close and their transposes) with two entries each
  of one int8 and one int32 (40 bytes), a close-tie flag on each of the two followers'
  entries (2 bytes, since 2026-12-04), plus 50 bytes (generated) or 552 (file).

So about 241 bytes per person and 92 per tie for generated graphs on top of ~120 MB for
Python and the libraries: 1M persons at mean degree 10 need about 0.8 GB (measured peak
0.55 GB), 10M about 7 GB (measured 4.3 GB at 365 days). The generated-graph remainders were
fitted on 2026-12-01 (x86_64, Python 3.11, numpy 2.4, scipy 1.17) from five cases of 200k-1M
persons, rounded up so the estimate is an upper bound (it overestimates by up to ~40%). The
file-graph remainders date from before the array-based graphs (2026-11-24, when networkx held
every file graph) and are a conservative upper bound. Re-run `python benchmarks/memory.py`
after changing the state's dtypes or the graph code and update the remainders.

`check` compares the estimate with what the machine can give (`available_bytes`: the
smallest of /proc/meminfo's MemAvailable, the cgroup's limit less its usage, the address
space limit, and `$CIRCLESIM_MEMORY_LIMIT`) and raises `MemoryEstimateError` when it does
not fit; `$CIRCLESIM_MEMORY_CHECK=off` (the CLI's `--force`) skips the check.

>>> estimate_bytes(1_000_000, 5_000_000, days=730) // 2**20
788
>>> parse_size("1.5G") == int(1.5 * 2**30)
True
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

import numpy as np

#: Python, numpy, scipy, networkx, pandas, matplotlib and Mesa imported (measured RSS 114-120 MiB in the
#: lean install; up to ~190 MiB where pandas also loads pyarrow, e.g. with the dev extras).
BASE_BYTES = 120 * 2**20
#: Daily read-outs kept by Mesa's DataCollector (measured: 0.45 MiB over 970 days).
BYTES_PER_DAY = 512
#: Person traits: attention, propensity, topic fit, personal visit rate (float64 each; the
#: visit rate is absent when `population.visit_rate_sigma` is 0: an upper bound then).
TRAIT_BYTES = 4 * np.dtype(np.float64).itemsize
#: Tie matrices of a population: maintained, close and their transposes (CSR).
TIE_MATRICES = 4
#: Close-tie flag of each entry of the followers matrix (`Population.close_flag`, one bool).
CLOSE_FLAG_BYTES = np.dtype(bool).itemsize
#: CSR dtypes the population uses (`scipy.sparse` picks int32 indices below 2**31 entries).
TIE_DATA_DTYPE, TIE_INDEX_DTYPE = np.int8, np.int32
#: Measured remainder per person and per tie, by graph source (networkx graph, build transients).
MEASURED_PER_PERSON = {"generated": 60, "file": 833}
MEASURED_PER_TIE = {"generated": 50, "file": 552}


class MemoryEstimateError(MemoryError):
    """A run would need more memory than the machine has; `.needed` and `.available` in bytes."""

    def __init__(self, message: str, needed: int = 0, available: int = 0):
        super().__init__(message)
        self.needed, self.available = needed, available

    def __reduce__(self):
        return (type(self), (str(self), self.needed, self.available))


def state_bytes_per_person() -> int:
    """Bytes of every declared per-person state array, from their dtypes."""
    from sim.model.state import Array, declarations

    return sum(np.dtype(spec.dtype).itemsize for spec in declarations().values() if isinstance(spec, Array))


def bytes_per_person(source: str = "generated") -> int:
    """Peak bytes per person: state arrays, traits, row pointers and the measured remainder."""
    row_pointers = TIE_MATRICES * np.dtype(TIE_INDEX_DTYPE).itemsize
    return state_bytes_per_person() + TRAIT_BYTES + row_pointers + MEASURED_PER_PERSON[source]


def bytes_per_tie(source: str = "generated") -> int:
    """Peak bytes per undirected tie: two entries in each tie matrix, two close flags and the measured remainder."""
    entry = np.dtype(TIE_DATA_DTYPE).itemsize + np.dtype(TIE_INDEX_DTYPE).itemsize
    return TIE_MATRICES * 2 * entry + 2 * CLOSE_FLAG_BYTES + MEASURED_PER_TIE[source]


def estimate_bytes(persons: int, ties: int, days: int = 0, source: str = "generated") -> int:
    """Estimated peak memory of one run (see the module docstring for the model)."""
    return int(BASE_BYTES + persons * bytes_per_person(source) + ties * bytes_per_tie(source)
               + days * BYTES_PER_DAY)


def graph_size(gspec, size: int) -> tuple[int, int, str]:
    """(persons, undirected ties, source) the `population.graph` spec will produce, without building it.

    Generators follow their construction; named graphs are counted; a file graph counts its
    lines as ties and, lacking labels until it is parsed, as many persons as ties (exact for
    a tree, an upper bound for any connected graph).
    """
    from sim.model.population import NAMED_GRAPH_SIZES

    kind, k = gspec.type, float(gspec.mean_degree)
    if kind == "clustered_scale_free":
        m = max(1, int(round(k / 2)))
        return size, min(m, size - 1) * size, "generated"
    if kind == "watts_strogatz":
        kk = min(max(2, int(round(k / 2)) * 2), size - 1)
        return size, size * kk // 2, "generated"
    if kind in ("interest_clusters", "erdos_renyi"):
        return size, int(min(k, size - 1) * size / 2), "generated"
    if kind == "complete":
        return size, size * (size - 1) // 2, "generated"
    if kind in NAMED_GRAPH_SIZES:
        return NAMED_GRAPH_SIZES[kind], 0, "generated"
    if kind == "file" and gspec.file:
        ties = count_lines(gspec.file)
        return ties, ties, "file"
    return size, 0, "generated"


_LINES: dict[tuple, int] = {}


def count_lines(path) -> int:
    """Newlines in a file (plus one for an unterminated last line), read in 1 MiB chunks; cached per file version."""
    from sim.scenario import files

    try:
        st = os.stat(path)
    except OSError:
        return 0
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in _LINES:
        _LINES[key] = _count_lines(path, files)
    return _LINES[key]


def _count_lines(path, files) -> int:
    n = 0
    last = b"\n"
    try:
        with files.open_regular(path, files.MAX_GRAPH_BYTES) as fh:
            while chunk := fh.read(1 << 20):
                n += chunk.count(b"\n")
                last = chunk[-1:]
    except (files.UnsafeFileError, OSError):
        return 0  # the loader reports the file; nothing to estimate
    return n + (last != b"\n")


def estimate_scenario(scenario, graph=None) -> int:
    """Estimated peak bytes of one run of `scenario` (or on the given networkx `graph`)."""
    days = scenario.horizon_days
    if graph is not None:
        return estimate_bytes(graph.number_of_nodes(), graph.number_of_edges(), days, "file")
    persons, ties, source = graph_size(scenario.population.graph, scenario.population.size)
    return estimate_bytes(persons, ties, days, source)


# ------------------------------------------------------------------------------ the machine
def parse_size(text: str) -> int:
    """'4G', '512M', '1.5g', '1000000' -> bytes (binary units). ValueError for anything else."""
    t = str(text).strip().upper().removesuffix("B").removesuffix("I")
    scale = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
    factor = 1
    if t and t[-1] in scale:
        factor, t = scale[t[-1]], t[:-1]
    value = float(t)
    if not value >= 0 or value == float("inf"):
        raise ValueError(f"not a memory size: {text!r}")
    return int(value * factor)


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _meminfo_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _cgroup_room() -> int | None:
    """Limit minus usage of this process's memory cgroup and its ancestors (v2, else v1), if any."""
    rooms = []
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":  # cgroup v2
            here = Path("/sys/fs/cgroup") / parts[2].lstrip("/")
            for d in (here, *here.parents):
                if not str(d).startswith("/sys/fs/cgroup"):
                    break
                limit, used = _read_int(d / "memory.max"), _read_int(d / "memory.current")
                if limit is not None:
                    rooms.append(limit - (used or 0))
        elif "memory" in parts[1].split(","):  # cgroup v1
            d = Path("/sys/fs/cgroup/memory") / parts[2].lstrip("/")
            for base in (d, Path("/sys/fs/cgroup/memory")):
                limit = _read_int(base / "memory.limit_in_bytes")
                used = _read_int(base / "memory.usage_in_bytes")
                if limit is not None and limit < 2**60:
                    rooms.append(limit - (used or 0))
    return min(rooms) if rooms else None


def _address_space_room() -> int | None:
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return soft - int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return soft


def peak_rss_bytes() -> int:
    """Peak resident memory of the current process: /proc/self/status VmHWM (else ru_maxrss).

    Not ru_maxrss where VmHWM exists: Linux carries the parent's peak into a child started with
    vfork and exec (as `subprocess` does), so ru_maxrss would report the parent's.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def available_bytes() -> int | None:
    """Memory a new run can use: the smallest of every limit that applies (None if none is known)."""
    known = [x for x in (_meminfo_available(), _cgroup_room(), _address_space_room()) if x is not None]
    env = os.environ.get("CIRCLESIM_MEMORY_LIMIT")
    if env:
        known.append(parse_size(env))
    return max(0, min(known)) if known else None


def check_enabled() -> bool:
    """False when `$CIRCLESIM_MEMORY_CHECK` is off/0/false/no (the CLI's `--force` sets it)."""
    return os.environ.get("CIRCLESIM_MEMORY_CHECK", "on").strip().lower() not in ("off", "0", "false", "no")


def _mib(n: int) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.0f} MiB"


def check(needed: int, what: str = "this run", concurrent: int = 1,
          smaller: str = "a smaller population.size or mean_degree") -> None:
    """Raise `MemoryEstimateError` if `concurrent` runs of `needed` bytes each do not fit in memory.

    `smaller`: what the user can make smaller, named in the error ("use {smaller}").
    """
    if not check_enabled():
        return
    room = available_bytes()
    total = needed * max(1, concurrent)
    if room is None or total <= room:
        return
    each = f" ({concurrent} at once, {_mib(needed)} each)" if concurrent > 1 else ""
    fits = room // needed if needed else 0
    hint = (f"; use at most {fits} workers" if concurrent > 1 and fits >= 1 else
            f"; use {smaller}")
    raise MemoryEstimateError(
        f"{what} would need about {_mib(total)}{each}, but only {_mib(room)} is available{hint} "
        f"(estimate: {bytes_per_person()} bytes per person and {bytes_per_tie()} per tie; "
        f"set CIRCLESIM_MEMORY_CHECK=off or pass --force to try anyway)", total, room)


def check_scenario(scenario, graph=None, concurrent: int = 1) -> int:
    """Estimate `scenario`'s peak memory and `check` it; returns the estimate in bytes."""
    needed = estimate_scenario(scenario, graph)
    name = scenario.get("name") or "this run"
    if graph is not None:  # population.size does not apply to a graph given in Python, nor to a graph file
        smaller = "a smaller graph (or fewer days)"
    elif scenario.population.graph.type == "file":
        smaller = "a smaller graph file (or fewer days)"
    else:
        smaller = "a smaller population.size or mean_degree"
    check(needed, f"{name!s} ({'given graph' if graph is not None else _describe(scenario)})", concurrent,
          smaller)
    return needed


def _describe(scenario) -> str:
    g = scenario.population.graph
    if g.type == "file":
        return f"graph file {Path(g.file).name}"
    persons, ties, _ = graph_size(g, scenario.population.size)
    return f"{persons:,} persons, ~{ties:,} ties"


__all__ = ["MemoryEstimateError", "available_bytes", "bytes_per_person", "bytes_per_tie", "check",
           "check_scenario", "estimate_bytes", "estimate_scenario", "graph_size", "parse_size"]
