"""A reproducible pyabc sampler on any `concurrent.futures.Executor` (process pool, Dask, or none).

pyabc's own samplers reseed every worker from the operating system (`np.random.seed()`),
so two runs of the same fit never agree. This sampler gives evaluation ``i`` of generation
``t`` its own seed, ``SeedSequence([seed, t + 1, i])``, for both the parameter proposal
(pyabc draws it from numpy's global generator) and, through the parameters, the
simulation. It submits evaluations in index order to the executor and builds the
generation from the evaluations ``0 .. k`` where ``k`` is the index of the n-th accepted
one, exactly like pyabc's look-ahead-free "static" scheduling: evaluations that finished
early but have a higher index are discarded. Which worker ran what, and when, therefore
never changes the result: serial, a process pool of any size and a Dask cluster give the
same posterior (a test checks it). Choosing by index, not by finishing time, also avoids
the bias towards fast simulations of "first n to finish" schedulers.

pyabc's `max_eval` (population size / minimum acceptance rate) is enforced in the same index
order, so where a generation gives up is reproducible too.

What is not reproducible: wall-clock times, and the count of simulations *run* (a few
evaluations past the n-th accepted one are computed and discarded; pyabc is told, and the
database records, the deterministic count ``k + 1``).
"""

from __future__ import annotations

import functools
import hashlib
import random
import time
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from typing import Callable

import numpy as np

try:  # pyabc is an optional dependency (pip install 'circlesim[fit]')
    from pyabc.sampler import Sampler as _PyabcSampler
except ImportError:  # pragma: no cover - the module is only imported by the fit engine
    _PyabcSampler = object

_CACHE: dict = {}


def evaluation_seed(seed: int, t: int, index: int) -> np.ndarray:
    """The seed words of evaluation `index` in generation `t` (t = -1 is the calibration sample)."""
    return np.random.SeedSequence([int(seed) % 2**63, int(t) + 1, int(index)]).generate_state(4)


def evaluate_batch(blob: bytes, key: str, seed: int, t: int, start: int, stop: int) -> list:
    """Worker: run evaluations start .. stop-1 of generation t, each from its own seed.

    `blob` is pyabc's `simulate_one` (sample a parameter, simulate, compute the distance,
    accept or reject), cloudpickled once per generation; it is unpickled once per worker.
    """
    import cloudpickle

    fn = _CACHE.get(key)
    if fn is None:
        _CACHE.clear()
        fn = _CACHE[key] = cloudpickle.loads(blob)
    out = []
    for i in range(start, stop):
        words = evaluation_seed(seed, t, i)
        np.random.seed(words)
        random.seed(int(words[0]))
        out.append(fn())
    return out


def executor_slots(executor: Executor | None) -> int:
    """How many evaluations can usefully run at once on `executor` (1 when serial)."""
    if executor is None:
        return 1
    if isinstance(executor, ProcessPoolExecutor):
        return max(1, executor._max_workers)
    client = getattr(executor, "_client", None)  # distributed's ClientExecutor
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:  # noqa: BLE001 - a cluster still starting: guess
            return 4
    return 4


class SeededSampler(_PyabcSampler):
    """pyabc Sampler: evaluations in index order on an executor, each from its own seed.

    Parameters
    ----------
    executor : concurrent.futures.Executor or None
        Where evaluations run; None runs them in this process.
    seed : int
        The fit's seed; evaluation i of generation t uses ``SeedSequence([seed, t + 1, i])``.
    progress : callable or None
        Called as ``progress(event)`` with a dict (generation, accepted, evaluated, n, ...).
    batch_size : int
        Evaluations per submitted task.
    on_sample : callable or None
        Called as ``on_sample(t, sample)`` with every finished generation's full sample (rejected
        evaluations included) before pyabc sees it; the fit uses it to save the next
        generation's distance weights before the generation is committed to the database.
    """

    def __init__(self, executor: Executor | None = None, seed: int = 0,
                 progress: Callable[[dict], None] | None = None, batch_size: int = 1,
                 on_sample: Callable | None = None):
        super().__init__()
        self.executor, self.seed, self.on_sample = executor, int(seed), on_sample
        self.used = 0  # evaluations counted so far over the fit (for progress; set when a fit resumes)
        self.progress, self.batch_size = progress, max(1, int(batch_size))
        self.window = 2 * executor_slots(executor)
        self.simulations_run = 0  # includes evaluations computed and discarded

    def __getstate__(self):  # the executor never travels to workers
        d = dict(self.__dict__)
        d["executor"] = d["progress"] = d["on_sample"] = None
        return d

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None):
        """Evaluate in index order until n are accepted; the sample is evaluations 0 .. (n-th accepted)."""
        import cloudpickle

        limit = int(max_eval) if np.isfinite(max_eval) else None
        eps = None
        if ana_vars is not None and t >= 0:
            try:
                eps = float(ana_vars.eps(t))
            except Exception:  # noqa: BLE001 - epsilon not yet defined (calibration)
                eps = None
        results: dict[int, object] = {}
        accepted: list[int] = []
        t0 = time.perf_counter()

        def nth() -> int | None:
            if len(accepted) < n:
                return None
            return sorted(accepted)[n - 1]

        def record(start, particles):
            for j, p in enumerate(particles):
                results[start + j] = p
                if p.accepted:
                    accepted.append(start + j)
            self.simulations_run += len(particles)
            if self.progress is not None:
                done = nth()
                k = (done + 1) if done is not None else len(results)
                self.progress({"generation": t, "n": n, "accepted": min(len(accepted), n), "evaluated": k,
                               "epsilon": eps, "seconds": time.perf_counter() - t0, "used": self.used})

        if self.executor is None:
            i = 0
            fn = simulate_one
            while nth() is None and (limit is None or i < limit):
                words = evaluation_seed(self.seed, t, i)
                np.random.seed(words)
                random.seed(int(words[0]))
                record(i, [fn()])
                i += 1
        else:
            blob = cloudpickle.dumps(simulate_one)
            key = hashlib.sha1(blob).hexdigest()
            in_flight: dict = {}
            nxt = 0
            while True:
                stop_at = nth()
                while len(in_flight) < self.window and (limit is None or nxt < limit) and \
                        (stop_at is None or nxt <= stop_at):
                    end = nxt + self.batch_size
                    if limit is not None:
                        end = min(end, limit)
                    fut = self.executor.submit(evaluate_batch, blob, key, self.seed, t, nxt, end)
                    in_flight[fut] = nxt
                    nxt = end
                if not in_flight:
                    break
                done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
                for fut in done:
                    start = in_flight.pop(fut)
                    record(start, fut.result())
                stop_at = nth()
                if stop_at is not None:
                    for fut in [f for f, s in in_flight.items() if s > stop_at]:
                        fut.cancel()
                        in_flight.pop(fut)
                    if all(i in results for i in range(stop_at + 1)):
                        for fut in list(in_flight):
                            fut.cancel()
                        in_flight.clear()
                        break
        sample = self._create_empty_sample()
        last = nth()
        count = (last + 1) if last is not None else len(results)
        for i in range(count):
            sample.append(results[i])
        if last is None:
            sample.ok = False
        elif self.on_sample is not None and t >= 0:
            self.on_sample(t, sample)
        self.nr_evaluations_ = count
        self.used += count
        return sample

    _sample_as_written = sample_until_n_accepted  # before pyabc's metaclass wraps it (see below)


# pyabc's SamplerMeta wraps `sample_until_n_accepted` in a function of its own, without
# functools.wraps: the method would lose its name, docstring and signature (help(), the API
# reference) whenever pyabc is installed. Give the wrapper the method's identity back.
_as_run = SeededSampler.__dict__["sample_until_n_accepted"]
if _as_run is not SeededSampler._sample_as_written:
    functools.update_wrapper(_as_run, SeededSampler._sample_as_written)
del _as_run


__all__ = ["SeededSampler", "evaluate_batch", "evaluation_seed", "executor_slots"]
