"""Run a sweep's points: a local process pool by default, or an existing Dask cluster.

The points are independent runs (:func:`armsim.bench.runner.run_point`), so
they can run anywhere; the results come back in the points' order whatever
the order they finished in, and are identical point for point whichever way
they ran (the simulation is deterministic).

* Local (default): :class:`concurrent.futures.ProcessPoolExecutor` with
  ``workers`` processes (default: the CPUs this process may use).  A worker
  process that dies breaks the pool; the points it held run again, each in a
  pool of its own, and one whose worker dies again is retried at most
  ``retries`` times (:func:`run_local`).
* Dask (``scheduler="tcp://HOST:PORT"``): ``dask.distributed`` (the optional
  ``cluster`` extra) on an existing cluster.  Dask itself reschedules the
  tasks of a worker that dies; a point whose task still fails (Dask's
  ``KilledWorker``, or a lost connection) is submitted again up to ``retries``
  times.
* A point that raises an armsim error (the guest misbehaved) is not retried:
  its error is reported.
* Ctrl-C (KeyboardInterrupt) stops the sweep: pending points are cancelled and
  :class:`SweepResult` holds the finished ones with ``interrupted`` set.
"""

from __future__ import annotations

import os
import signal
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

from armsim.bench.points import Point
from armsim.bench.runner import PointResult, run_point
from armsim.errors import ArmsimError, ConfigError

DEFAULT_RETRIES = 2
Runner = Callable[[Point], PointResult]
OnResult = Callable[[int, PointResult], None]


class SweepError(ArmsimError):
    """The sweep cannot run (the Dask extra is missing, the scheduler cannot be reached)."""


@dataclass
class SweepResult:
    """Finished points (by index into the sweep's points), failures, and whether Ctrl-C stopped it."""

    points: Sequence[Point]
    results: Dict[int, PointResult] = field(default_factory=dict)
    errors: Dict[int, str] = field(default_factory=dict)
    retried: int = 0  # resubmissions after a dead worker
    interrupted: bool = False

    def ordered(self) -> List[PointResult]:
        """The finished results in the points' order."""
        return [self.results[i] for i in sorted(self.results)]


def default_workers() -> int:
    """The local pool's size: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _worker_init() -> None:
    """Workers leave Ctrl-C to the parent, which cancels the sweep and keeps what finished."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _is_point_error(exc: BaseException) -> bool:
    return isinstance(exc, ArmsimError)


def _collect(fut: Future[PointResult], i: int, out: SweepResult, on_result: Optional[OnResult]) -> bool:
    """Record a finished future; False if its worker died (the pool broke)."""
    exc = fut.exception()
    if exc is None:
        out.results[i] = fut.result()
        if on_result is not None:
            on_result(i, out.results[i])
        return True
    if isinstance(exc, BrokenProcessPool):
        return False
    out.errors[i] = str(exc) if _is_point_error(exc) else f"{type(exc).__name__}: {exc}"
    return True


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)


def run_local(points: Sequence[Point], workers: Optional[int] = None, retries: int = DEFAULT_RETRIES,
              on_result: Optional[OnResult] = None, runner: Runner = run_point) -> SweepResult:
    """Run ``points`` on a local process pool (module docstring).

    A dead worker breaks the whole pool, so the points it held cannot tell which
    one killed it: those points become suspects and run again, each in a pool of
    its own (up to ``workers`` such pools at a time).  A suspect whose own worker
    dies is retried at most ``retries`` times, then reported as an error.
    """
    n = workers if workers is not None else default_workers()
    if n < 1:
        raise ConfigError(f"workers must be at least 1, not {n}")
    out = SweepResult(points)
    deaths = dict.fromkeys(range(len(points)), 0)
    pending = list(range(len(points)))
    suspects: List[int] = []
    pools: List[ProcessPoolExecutor] = []
    try:
        while pending or suspects:
            if pending:
                pool = _pool(min(n, len(pending)))
                pools.append(pool)
                shared = {pool.submit(runner, points[i]): i for i in pending}
                pending = []
                todo = set(shared)
                while todo:
                    done, todo = wait(todo, return_when=FIRST_COMPLETED)
                    for fut in done:
                        if not _collect(fut, shared[fut], out, on_result):
                            suspects.append(shared[fut])
                            out.retried += 1
                pool.shutdown(wait=True)
                pools.remove(pool)
            batch, suspects = sorted(suspects)[:n], sorted(suspects)[n:]
            solo: Dict[Future[PointResult], int] = {}
            for i in batch:
                pool = _pool(1)
                pools.append(pool)
                solo[pool.submit(runner, points[i])] = i
            todo = set(solo)
            while todo:
                done, todo = wait(todo, return_when=FIRST_COMPLETED)
                for fut in done:
                    i = solo[fut]
                    if _collect(fut, i, out, on_result):
                        continue
                    deaths[i] += 1
                    if deaths[i] > retries:
                        out.errors[i] = f"the worker running it died {deaths[i]} times"
                    else:
                        suspects.append(i)
                        out.retried += 1
            for pool in pools:
                pool.shutdown(wait=True)
            pools = []
    except KeyboardInterrupt:
        out.interrupted = True
    finally:
        for pool in pools:
            pool.shutdown(wait=False, cancel_futures=True)
    return out


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise SweepError("--scheduler needs dask.distributed, which is not installed: "
                         "pip install 'armsim[cluster]' (or: pip install 'dask[distributed]')") from None
    return distributed


def run_dask(points: Sequence[Point], scheduler: Any, retries: int = DEFAULT_RETRIES,
             on_result: Optional[OnResult] = None, runner: Runner = run_point) -> SweepResult:
    """Run ``points`` on a Dask cluster: ``scheduler`` is its address (``tcp://HOST:PORT``) or a
    ``distributed.Client`` / ``LocalCluster``."""
    distributed = _import_distributed()
    own_client = False
    client: Any
    if isinstance(scheduler, distributed.Client):
        client = scheduler
    else:
        try:
            client = distributed.Client(scheduler, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as e:
            raise SweepError(f"cannot reach the Dask scheduler {scheduler}: {e}") from None
        own_client = True
    out = SweepResult(points)
    attempts = dict.fromkeys(range(len(points)), 0)
    futures: Dict[Any, int] = {}

    def submit(i: int) -> Any:
        attempts[i] += 1
        # pure=False: every attempt is a new task (a retried point must not reuse the failed key).
        fut = client.submit(runner, points[i], pure=False, key=f"armsim-point-{i}-{attempts[i]}")
        futures[fut] = i
        return fut

    try:
        first = [submit(i) for i in range(len(points))]
        done_iter = distributed.as_completed(first, loop=client.loop)
        for fut in done_iter:
            i = futures.pop(fut)
            if fut.status == "finished":
                out.results[i] = fut.result()
                if on_result is not None:
                    on_result(i, out.results[i])
                continue
            exc = fut.exception()
            if _is_point_error(exc):
                out.errors[i] = str(exc)
            elif attempts[i] <= retries:
                out.retried += 1
                done_iter.add(submit(i))
            else:
                out.errors[i] = f"{type(exc).__name__}: {exc} (after {attempts[i]} attempts)"
    except KeyboardInterrupt:
        out.interrupted = True
        client.cancel(list(futures))
    finally:
        if own_client:
            client.close()
    return out


def run_sweep(points: Sequence[Point], scheduler: Optional[Any] = None, workers: Optional[int] = None,
              retries: int = DEFAULT_RETRIES, on_result: Optional[OnResult] = None,
              runner: Runner = run_point) -> SweepResult:
    """The sweep on Dask when ``scheduler`` is given, else on the local pool."""
    if retries < 0:
        raise ConfigError(f"retries must be >= 0, not {retries}")
    if scheduler is not None:
        return run_dask(points, scheduler, retries, on_result, runner)
    return run_local(points, workers, retries, on_result, runner)
