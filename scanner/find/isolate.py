"""Supervised worker processes: a parser that crashes, hangs or eats memory on one file never
ends the scan.

Parsers are native code (libcst's parser is Rust): a segfault or an abort takes the whole process
with it, and no ``try`` can catch that. So files are extracted in worker processes, one file at
a time each; the supervisor knows which file every worker holds. A worker that dies (a signal, a
failed allocation) or overruns its budget is replaced, and its file comes back as ``Crash`` with
the reason; every other result is kept. Budgets per worker: CPU seconds per file
(``RLIMIT_CPU``, raised before each file: the kernel stops a runaway parse, however loaded the
machine; a wall-clock deadline of ``WALL_FACTOR`` times that, at least ``MIN_WALL_SECONDS``,
catches a blocked one) and address
space (``RLIMIT_AS``: an allocation over it fails, as ``MemoryError`` or a native abort).

Workers are forked where the platform can (cheap on Linux: they share the parent's imports),
spawned elsewhere. ``TEST_FAULT_ENV`` lets tests make a worker crash on a chosen file.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")

CPU_SECONDS = 10
"""CPU seconds one file may take in a worker (``MLG_WORKER_CPU_SECONDS`` overrides)."""
MEMORY_MB = 2048
"""Address space of a worker, in MB (``MLG_WORKER_MEMORY_MB`` overrides; 0: no cap)."""
WALL_FACTOR = 12  # wall-clock deadline per file, in CPU budgets (a loaded machine is slow)
MIN_WALL_SECONDS = 60
EXIT_GRACE_SECONDS = 2.0  # a worker whose pipe closed has this long to report how it ended
TICK_SECONDS = 0.25  # how often progress hears from the supervisor while files take long
TEST_FAULT_ENV = "MLG_TEST_WORKER_FAULT"
"""Tests only, honoured by workers alone: ``KIND:NAME`` makes a worker fail on a task whose
label ends with ``NAME``; KIND is ``segv``, ``abort``, ``exit``, ``spin`` or ``memory``."""


@dataclass(frozen=True, slots=True)
class Budget:
    """Per-file limits of a worker."""

    cpu_seconds: int = CPU_SECONDS
    memory_mb: int = MEMORY_MB

    @classmethod
    def from_env(cls, env: dict[str, str] | os._Environ[str]) -> Budget:
        """The defaults, overridden by ``MLG_WORKER_CPU_SECONDS`` / ``MLG_WORKER_MEMORY_MB``."""
        cpu = env.get("MLG_WORKER_CPU_SECONDS", "")
        memory = env.get("MLG_WORKER_MEMORY_MB", "")
        return cls(
            int(cpu) if cpu.isdigit() and int(cpu) > 0 else CPU_SECONDS,
            int(memory) if memory.isdigit() else MEMORY_MB,
        )


@dataclass(frozen=True, slots=True)
class Crash:
    """Why a task has no result: its worker died or was stopped while working on it."""

    reason: str


Progress = Callable[[int], None]  # called with the number of tasks done so far


def run(
    work: Callable[[Task], Result],
    tasks: Sequence[Task],
    workers: int,
    budget: Budget,
    label: Callable[[Task], str],
    progress: Progress | None = None,
) -> list[Result | Crash]:
    """``work`` applied to every task in up to ``workers`` supervised processes, in task order."""
    pool = _Pool(work, tasks, budget, label)
    try:
        return pool.run(max(1, min(workers, len(tasks))), progress)
    finally:
        pool.close()


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    conn: Channel
    share: int  # the dealer's share it takes its tasks from
    task: int | None = None
    started: float = 0.0


class Dealer:
    """The order tasks are handed out in: each worker takes the next task of its own contiguous
    share of the list, and a worker whose share is done takes the second half of the largest
    share left. Neighbouring files (one package, the same imports) stay with one worker, whose
    parsed modules serve them all, where dealing in turn parsed each shared module in every
    worker; the load still balances to the last task."""

    def __init__(self, tasks: int, shares: int) -> None:
        bounds = [tasks * k // shares for k in range(shares + 1)]
        self.shares = [[start, end] for start, end in pairwise(bounds)]  # [next, end)

    def take(self, share: int) -> tuple[int | None, int]:
        """The next task for a worker on ``share`` (None: none left), and its share from now
        on (another one when it had to take over half of it)."""
        if self.shares[share][0] >= self.shares[share][1]:
            share = self._split()
        start, end = self.shares[share]
        if start >= end:
            return None, share
        self.shares[share][0] += 1
        return start, share

    def left(self) -> int:
        """Tasks not handed out yet."""
        return sum(end - start for start, end in self.shares)

    def _split(self) -> int:
        """A new share: the second half of the largest share left (its owner is busy with a
        task already, so the new share takes the odd one: a last task is taken over)."""
        largest = max(self.shares, key=lambda s: s[1] - s[0])
        middle = largest[0] + (largest[1] - largest[0]) // 2
        self.shares.append([middle, largest[1]])
        largest[1] = middle
        return len(self.shares) - 1


class Channel:
    """A duplex connection made of two one-way pipes. A duplex ``Pipe()`` is a socketpair on
    Unix; pipes keep the promise that a scan without ``--hub`` opens no socket at all."""

    def __init__(self, reader: Connection, writer: Connection) -> None:
        self.reader, self.writer = reader, writer

    def send(self, item: object) -> None:
        """Send ``item`` to the other end."""
        self.writer.send(item)

    def recv(self) -> Any:
        """The next item from the other end (EOFError when it is gone)."""
        return self.reader.recv()

    def poll(self, timeout: float) -> bool:
        """True when an item (or the end) is waiting, within ``timeout`` seconds."""
        return self.reader.poll(timeout)

    def fileno(self) -> int:
        """The reading end, for ``multiprocessing.connection.wait``."""
        return self.reader.fileno()

    def close(self) -> None:
        """Close both pipes."""
        self.reader.close()
        self.writer.close()


def channels(context: Any) -> tuple[Channel, Channel]:
    """The supervisor's and the worker's ends of a new duplex channel."""
    down_read, down_write = context.Pipe(duplex=False)
    up_read, up_write = context.Pipe(duplex=False)
    return Channel(up_read, down_write), Channel(down_read, up_write)


class _Pool(Generic[Task, Result]):
    """The supervisor: hands out tasks, collects results, replaces workers that die."""

    def __init__(
        self,
        work: Callable[[Task], Result],
        tasks: Sequence[Task],
        budget: Budget,
        label: Callable[[Task], str],
    ) -> None:
        self.work, self.tasks, self.budget, self.label = work, tasks, budget, label
        fork = "fork" in multiprocessing.get_all_start_methods()
        self.context = (
            multiprocessing.get_context("fork") if fork else multiprocessing.get_context("spawn")
        )
        self.results: dict[int, Result | Crash] = {}
        self.workers: list[_Worker] = []
        self.dealer = Dealer(len(tasks), 1)

    def run(self, count: int, progress: Progress | None) -> list[Result | Crash]:
        self.dealer = Dealer(len(self.tasks), count)
        for share in range(count):
            self._assign(self._start(share))
        while len(self.results) < len(self.tasks):
            busy = [w for w in self.workers if w.task is not None]
            if not busy:  # cannot happen while every task is assigned: never spin
                raise RuntimeError("worker pool: tasks left but no worker holds one")
            timeout = self._until_deadline(busy)
            if progress is not None:  # wake up now and then: the meter may be due to appear
                timeout = min(timeout, TICK_SECONDS)
            ready = wait([w.conn.fileno() for w in busy], timeout=timeout)
            for worker in busy:
                if worker.conn.fileno() in ready:
                    self._collect(worker)
                elif time.monotonic() - worker.started > self._wall_limit():
                    self._fail(worker, f"abandoned after {self._wall_limit():g} s (wall clock)")
            if progress is not None:
                progress(len(self.results))
        return [self.results[index] for index in range(len(self.tasks))]

    def close(self) -> None:
        """Stop every worker (they also exit on their own when the pipe closes)."""
        for worker in self.workers:
            worker.conn.close()
            if worker.process.is_alive():
                worker.process.kill()
            worker.process.join()
        self.workers.clear()

    def _start(self, share: int) -> _Worker:
        parent, child = channels(self.context)
        limits = (self.budget.cpu_seconds, self.budget.memory_mb)
        process = self.context.Process(  # not a daemon: the guard may start a child of its own
            target=_serve, args=(child, self.work, self.label, limits)
        )
        process.start()
        child.close()
        worker = _Worker(process, parent, share)
        self.workers.append(worker)
        return worker

    def _assign(self, worker: _Worker) -> None:
        worker.task, worker.share = self.dealer.take(worker.share)
        if worker.task is None:
            return
        worker.started = time.monotonic()
        try:
            worker.conn.send((worker.task, self.tasks[worker.task]))
        except (OSError, ValueError):  # died before it could take the task
            self._fail(worker, None)

    def _collect(self, worker: _Worker) -> None:
        try:
            index, result = worker.conn.recv()
        except (EOFError, OSError):
            self._fail(worker, None)
            return
        self.results[index] = result
        self._assign(worker)

    def _fail(self, worker: _Worker, reason: str | None) -> None:
        """Record the worker's task as crashed, stop the worker and start another."""
        if reason is None:  # it ended on its own: let it finish dying, for its exit status
            worker.process.join(EXIT_GRACE_SECONDS)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()
        self.workers.remove(worker)
        if worker.task is not None:
            code = worker.process.exitcode
            self.results[worker.task] = Crash(reason or _death(code, self.budget))
        if self.dealer.left():
            self._assign(self._start(worker.share))  # the replacement goes on with its share

    def _wall_limit(self) -> float:
        return float(max(MIN_WALL_SECONDS, self.budget.cpu_seconds * WALL_FACTOR))

    def _until_deadline(self, busy: list[_Worker]) -> float:
        if not busy:
            return 0.0
        oldest = min(w.started for w in busy)
        return max(0.0, oldest + self._wall_limit() - time.monotonic()) + 0.05


def _death(code: int | None, budget: Budget) -> str:
    """Why a worker ended, from its exit code, in words."""
    if code is not None and code < 0:
        number = -code
        if number == signal.SIGXCPU:
            return f"abandoned: over the {budget.cpu_seconds} s CPU budget per file"
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return f"the parser crashed ({name})"
    return f"the parser's process ended unexpectedly (exit status {code})"


def _serve(
    conn: Channel,
    work: Callable[[Task], Result],
    label: Callable[[Task], str],
    limits: tuple[int, int],
) -> None:
    """A worker: take a task, do it, send its result back; until the pipe closes."""
    cpu_seconds, memory_mb = limits
    _cap_memory(memory_mb)
    fault = os.environ.get(TEST_FAULT_ENV, "")
    parent = os.getppid()
    while True:
        try:
            while not conn.poll(1.0):
                if os.getppid() != parent:
                    return  # the supervisor is gone
            index, task = conn.recv()
        except (EOFError, OSError):
            return
        _cap_cpu(cpu_seconds)
        result: Result | Crash
        try:
            if fault:
                _inject(fault, label(task))
            result = work(task)
        except MemoryError:
            result = Crash(f"ran out of memory (over the {memory_mb} MB a worker may use)")
        except RecursionError:
            result = Crash("nested too deeply to parse (recursion limit)")
        conn.send((index, result))


def _cap_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: no cap
        return
    if memory_mb > 0:
        cap = memory_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or cap < hard:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _cap_cpu(seconds: int) -> None:
    """Let the process use ``seconds`` more CPU seconds from now, then SIGXCPU stops it."""
    try:
        import resource
    except ImportError:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime) + seconds
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _inject(fault: str, name: str) -> None:
    """The test-only failure ``KIND:NAME`` when the task's label ends with NAME."""
    kind, _, target = fault.partition(":")
    if not target or not name.endswith(target):
        return
    if kind == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif kind == "abort":
        os.abort()
    elif kind == "exit":
        os._exit(3)
    elif kind == "spin":
        while True:
            pass
    elif kind == "memory":
        _ = bytearray(1 << 40)
