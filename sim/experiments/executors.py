"""Where runs execute: serial, a local process pool, or a Dask cluster. One code path.

Every experiment submits `(scenario, seed)` tasks to a `concurrent.futures.Executor`; results
depend only on the task, so every executor gives the same numbers.

The process pool uses the 'spawn' start method explicitly. Mesa's batchrunner forces
'spawn' globally on import anyway, and a forked worker inheriting a Jupyter kernel's threads
is how multiprocessing hangs in notebooks (mesa issues #952, #2135); spawned workers import
`sim` fresh, which also works from a notebook because the task function lives in a module.

Workers never outlive the command: each pool worker asks the kernel to kill it when its
parent dies (Linux `PR_SET_PDEATHSIG`), so `kill -9` of a `compare` takes its workers (and,
once they are gone, multiprocessing's resource tracker) with it; Dask's worker processes
already exit when their parent does. The local Dask cluster serves no HTTP routes at all (no
dashboard, no metrics) and listens on 127.0.0.1 only.

>>> with make_executor(serial=True) as ex:
...     ex is None
True
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from concurrent.futures import Executor, ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


class SchedulerUnreachable(ConnectionError):
    """The Dask scheduler given by address could not be reached."""


class WorkerStartError(RuntimeError):
    """The machine would not start the worker processes (too many open files or processes, no memory).

    Raised with the operating system's reason instead of a traceback from deep inside
    `multiprocessing`, when the pool is made or when a run needs a worker it cannot start
    (the runs finished before then are kept in the results store).
    """

    def __init__(self, workers: int, reason: OSError):
        self.workers, self.reason = workers, reason
        super().__init__(f"could not start a pool of {workers} worker process{'es' if workers != 1 else ''}: "
                         f"{reason.strerror or reason}; try fewer --workers, --serial to run in this process "
                         "(executor='serial' from Python), or raise the limit (ulimit -n for open files, "
                         "ulimit -u for processes)")


def die_with_parent(parent_pid: int) -> None:
    """Pool worker initializer: be killed when the parent process dies (Linux), or exit now if it already has.

    Elsewhere only the already-dead check applies (macOS and Windows pools notice a dead
    parent when their pipes close).
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
    # Ctrl-C reaches the whole process group: the parent handles it (and stops the pool);
    # workers that took it too would each print a KeyboardInterrupt traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Pool(ProcessPoolExecutor):
    """A spawn process pool whose failure to start a worker is a `WorkerStartError`, not an OSError.

    A spawn pool starts its workers as tasks arrive (one per task submitted while none is
    idle, up to `max_workers`), so a machine out of file handles or processes fails inside
    a `submit`; `map` submits too. Workers start only as runs need them: a resumed experiment
    whose runs are all stored starts none.
    """

    def submit(self, fn, /, *args, **kwargs):
        # A worker is spawned inside submit. Ctrl-C reaches the whole process group, and a worker
        # still loading Python (before `die_with_parent` ignores SIGINT) printed a traceback or
        # "Fatal Python error" (3 interrupts in 20, 2026-12-07). So SIGINT is blocked in this
        # thread while it spawns: the worker inherits the block, its SIGINT stays pending until
        # the initializer ignores (and so discards) it; here, a Ctrl-C is delivered once unblocked.
        old = _block_sigint()
        try:
            return super().submit(fn, *args, **kwargs)
        except OSError as exc:
            raise WorkerStartError(self._max_workers, exc) from None
        finally:
            if old is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _block_sigint():
    """Block SIGINT in the calling thread; the previous mask, or None where signal masks do not exist."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def default_workers() -> int:
    """All cores (os.sched_getaffinity where available)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def make_executor(workers: int | None = None, serial: bool = False, dask_local: int | None = None,
                  scheduler: str | None = None):
    """Yield an Executor (None means: run in this process), shut down afterwards.

    * `serial=True` runs every task in the calling process (debugging, in-process plugins);
    * `dask_local=N` starts a local Dask cluster of N single-threaded worker processes;
    * `scheduler="tcp://host:8786"` connects to a running Dask scheduler;
    * otherwise a process pool of `workers` processes (default: all cores).
    """
    if serial:
        yield None
        return
    if dask_local or scheduler:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - dask is a declared dependency
            raise RuntimeError("the Dask engine needs 'distributed': pip install 'dask[distributed]'") from exc
        import dask

        # no HTTP routes on the scheduler or the workers: `dashboard_address=None` alone still
        # serves the info pages on :8787 (dask/distributed#8136, #7207)
        quiet = {"distributed.scheduler.http.routes": [], "distributed.worker.http.routes": []}
        with dask.config.set(quiet):
            if scheduler:
                try:
                    client = Client(scheduler, timeout=10)
                except (OSError, TimeoutError, ValueError, TypeError) as exc:
                    raise SchedulerUnreachable(f"cannot reach the Dask scheduler at {scheduler}: "
                                               f"{type(exc).__name__}: {exc}") from None
                cluster = None
            else:
                cluster = LocalCluster(n_workers=int(dask_local), threads_per_worker=1, processes=True,
                                       dashboard_address=None, host="127.0.0.1",
                                       scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})
                client = Client(cluster)
            try:
                yield client.get_executor(pure=False)
            finally:
                client.close()
                if cluster is not None:
                    cluster.close()
        return
    n = workers or default_workers()
    try:  # the pool opens pipes and a lock at once: with no file handles left, that fails too
        pool = _Pool(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                     initializer=die_with_parent, initargs=(os.getpid(),))
    except OSError as exc:
        raise WorkerStartError(n, exc) from None
    try:
        yield pool
    except BaseException:
        # interrupted (Ctrl-C) or failed: stop the runs in flight rather than wait for them,
        # since the workers ignore SIGINT; finished runs are already in the results store
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            with contextlib.suppress(Exception):
                proc.terminate()
        # with the workers gone nobody reads the task pipe: a feeder thread blocked writing to a
        # full one would make the shutdown wait for it forever (seen with 64 workers starting up)
        with contextlib.suppress(Exception):
            pool._call_queue.cancel_join_thread()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True, cancel_futures=True)


def describe(executor: Executor | None) -> str:
    """A short name for reports: 'serial', 'process pool (2)', 'dask'."""
    if executor is None:
        return "serial"
    if isinstance(executor, ProcessPoolExecutor):
        return f"process pool ({executor._max_workers})"
    return type(executor).__name__


def map_in_order(fn, jobs: list, workers: int = 1, progress=None) -> list:
    """`[fn(job) for job in jobs]`, on a pool of `workers` processes when above 1 (same list either way).

    The pool is `make_executor`'s (spawned workers that die with their parent; Ctrl-C stops
    the runs in flight). `fn` must be a module-level function; `progress(done, total)` is
    called after each job, in order.

    >>> map_in_order(abs, [-2, 3])
    [2, 3]
    """
    jobs = list(jobs)
    out: list = []
    with make_executor(workers, serial=workers <= 1) as ex:
        results = map(fn, jobs) if ex is None else ex.map(fn, jobs, chunksize=1)
        for k, row in enumerate(results):
            out.append(row)
            if progress:
                progress(k + 1, len(jobs))
    return out
