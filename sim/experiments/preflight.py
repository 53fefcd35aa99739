"""Checks an experiment makes before its first run, so bad input fails in seconds, not hours.

`compare` and `sweep` (and the CLI, which calls them) validate every argument, read each
graph file once (`sim.scenario.check_graph`), and compare the memory the concurrent runs
need with what the machine has (`sim.model.memory`), before writing anything.

>>> check_executor("serial")
>>> check_executor("bogus")
Traceback (most recent call last):
...
ValueError: executor must be None (a local process pool), "serial" or a concurrent.futures.Executor, got 'bogus'
"""

from __future__ import annotations

from concurrent.futures import Executor, ProcessPoolExecutor

_CHECKED_GRAPHS: dict[tuple, bool] = {}


def check_executor(executor) -> None:
    """ValueError/TypeError unless `executor` is None, "serial" or a concurrent.futures Executor."""
    if executor is None or isinstance(executor, Executor) or executor == "serial":
        return
    if isinstance(executor, str):
        raise ValueError(f'executor must be None (a local process pool), "serial" or a '
                         f"concurrent.futures.Executor, got {executor!r}")
    raise TypeError(f"executor must be None, \"serial\" or a concurrent.futures.Executor, got "
                    f"{type(executor).__name__}")


def check_workers(executor, workers: int | None) -> int | None:
    """`workers` as a whole number (or None), checked with the executor it would size; the executor checked first.

    `workers` sizes only the local process pool circlesim starts (executor=None); silently ignoring
    it would run a serial comparison for hours that the caller meant to spread over 8 cores, so it
    is a ValueError with "serial" (unless 1) or an Executor of one's own, which sizes itself.

    >>> check_workers(None, 4), check_workers("serial", 1), check_workers("serial", None)
    (4, 1, None)
    >>> check_workers("serial", 4)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: workers=4 sizes the local process pool (executor=None); executor="serial" runs ...: drop one of the two
    """
    from sim.model.community import whole_number  # at call time: the model is heavier than this module

    check_executor(executor)
    if workers is None:
        return None
    workers = whole_number(workers, "workers", low=1)
    if executor is None or (executor == "serial" and workers == 1):
        return workers
    what = ('executor="serial" runs everything in this process' if executor == "serial" else
            f"the given {type(executor).__name__} has its own workers (set their number when you make it)")
    raise ValueError(f"workers={workers} sizes the local process pool (executor=None); {what}: drop one of the two")


def check_graphs(scenarios) -> None:
    """Read every distinct graph file once (cached per file version); `ScenarioError` for a bad one."""
    import os

    from sim.scenario import check_graph

    for sc in scenarios:
        g = sc.population.graph
        if g.type != "file":
            continue
        st = os.stat(g.file)
        key = (g.file, st.st_size, st.st_mtime_ns, st.st_ino, sc.community.organizers, sc.community.core_seeds)
        if key not in _CHECKED_GRAPHS:
            check_graph(sc)
            _CHECKED_GRAPHS[key] = True


def concurrency(executor, workers: int | None, tasks: int) -> int | None:
    """How many runs may be in memory on this machine at once (None: they run elsewhere, e.g. Dask)."""
    from sim.experiments.executors import default_workers

    if executor == "serial":
        n = 1
    elif executor is None:
        n = workers or default_workers()
    elif isinstance(executor, ProcessPoolExecutor):
        n = executor._max_workers
    else:
        return None
    return max(1, min(n, tasks))


def check_memory(scenarios, parallel: int | None) -> None:
    """`MemoryEstimateError` if `parallel` runs of the largest scenario do not fit in memory."""
    from sim.model import memory

    if parallel is None or not scenarios:
        return
    biggest = max(scenarios, key=memory.estimate_scenario)
    memory.check_scenario(biggest, concurrent=parallel)


def check_all(scenarios, executor, workers: int | None, tasks: int) -> None:
    """Executor (and `workers` with it), graph files and memory, in that order (cheapest first)."""
    check_workers(executor, workers)
    check_graphs(scenarios)
    check_memory(scenarios, concurrency(executor, workers, tasks))
