"""Work run beside the main job: in a forked child process that shares the loaded store.

The report's RDF exports are Python code that holds the GIL, so a thread does not run them
beside the rest (six exports at ~1M triples on two threads: 49 s -> 63 s). A child forked
after loading does: it sees the store and everything else as they were at the fork, its pages
shared with this process until one side writes to them (reading pyoxigraph's store writes to
many of its pages, so a child that reads it all comes to copy about two thirds of it). On Linux
with two cores or more and the memory to spare the work runs in such a child; elsewhere (no
fork, or fork unsafe as on macOS, one core, memory short) it runs in this process when
joined. Either way it writes the same files.

Work can also be shared: tasks that either process may run, each taken once, in order, from a
queue both read (a pipe holding one byte per task). The child takes them when its own work is
done, the parent when it joins, so two processes on two cores finish them about together
rather than one waiting on the other. What a task returns comes back to the parent (pickled).

Where no child is forked the work can instead run on a thread of this process (`thread=True`),
taking shared tasks from a queue in memory the same way. That pays for work that spends its
time in code that lets go of the GIL, as pyoxigraph does while it evaluates a query: the
report above 2M quads, whose shared work is the validation and queries, ran in 188-198 s on a
thread against 168-205 s with a child, holding one store rather than most of two (3.9-4.7
against 6.2 GiB at ~5M triples). An error on the thread is raised again, as it was, when joined.

While a thread runs beside, memory either thread frees is given back to the system every two
seconds (glibc's malloc_trim, where the C library has it): glibc keeps what a thread frees in
that thread's arena for it to use again, so two threads in turn holding large query answers
kept the peak of both (the report at ~5M: 3.9-4.7 GiB; trimmed, 3.32-3.37 GiB in 173-186 s).

The child dies with its parent (PR_SET_PDEATHSIG), so a killed job leaves no writer behind;
an error in the child is raised again in the parent when it joins, with the child's message
and exit code. Leaving the `with` block without joining (an error in the parent) kills the
child and waits for it.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import pickle
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

from ..errors import EXIT_ERROR, SezkgError

_PR_SET_PDEATHSIG = 1
_FINISHED = b"finished"  # what the child writes when the work is done; an error is JSON


class ChildError(SezkgError):
    """The work beside failed: the child's error, carried over with its exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR):
        self.exit_code = exit_code
        super().__init__(message)


def can_fork() -> bool:
    """Whether work beside runs in a child: Linux, fork, more than one core to run it on, and
    memory to spare for it (see memory_to_spare)."""
    return sys.platform == "linux" and hasattr(os, "fork") and _cores() > 1 and memory_to_spare()


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


TRIM_SECONDS = 2.0


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS, Windows)."""
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim  # ctypes lets go of the GIL for the call
    except (AttributeError, OSError, TypeError):
        return None
    return trim


def _trim_until(trim: Callable[[int], int], stop: threading.Event) -> None:
    while not stop.wait(TRIM_SECONDS):
        trim(0)


def memory_to_spare() -> bool:
    """Whether the machine has as much memory available as this process holds. The child
    shares this process's pages, but each page either side writes to is copied, and the child
    makes its own (the report at ~1M: 1.2 GiB in one process, 1.7 GiB with the child); where
    memory is short the work runs here instead, slower but no larger."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            available = next(int(line.split()[1]) * 1024 for line in f if line.startswith("MemAvailable:"))
        with open("/proc/self/statm", encoding="ascii") as f:
            resident = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, StopIteration, ValueError, IndexError):
        return False
    return available >= resident


class Beside:
    """`with Beside(work, shared=tasks) as job: ...; results = job.join()` runs `work` beside the
    block, then shares `tasks` between the child and the joining parent (see module)."""

    def __init__(self, work: Callable[[], None] | None = None, fork: bool | None = None,
                 shared: Sequence[Callable[[], Any]] = (), thread: bool = False):
        if len(shared) > 256:
            raise ValueError("at most 256 shared tasks (one byte each in the queue)")
        self.work = work
        self.shared = list(shared)
        self.fork = can_fork() if fork is None else fork
        # A thread only where no child is forked and a second core can run it.
        self.thread = thread and not self.fork and _cores() > 1
        self._thread: threading.Thread | None = None
        self._taken = 0  # the next shared task not yet taken (a thread beside)
        self._lock = threading.Lock()
        self._stop = False  # the block failed: the thread takes no more tasks
        self._beside: dict[int, Any] = {}  # what the thread's tasks returned
        self._error: BaseException | None = None  # what stopped the thread
        self._trimmed = threading.Event()  # set: the trimmer stops
        self.pid: int | None = None
        self.reader: int | None = None
        self.queue: int | None = None  # the read end of the queue of shared tasks
        self.joined = False
        self.ran_beside = 0  # how many shared tasks the child ran
        self.waited = 0.0  # seconds the join waited for the child, with no task left to run here

    @property
    def forked(self) -> bool:
        """Whether the work ran (or runs) in a child."""
        return self.fork

    @property
    def beside(self) -> str:
        """Where the work runs: "child", "thread" or "here" (when joined)."""
        return "child" if self.fork else "thread" if self.thread else "here"

    def __enter__(self) -> Beside:
        if self.fork:
            self._start()
        if not self.fork and self.thread:
            self._thread = threading.Thread(target=self._run_thread, name="sezkg-beside", daemon=True)
            self._thread.start()
            trim = _malloc_trim()
            if trim is not None:
                threading.Thread(target=_trim_until, args=(trim, self._trimmed), name="sezkg-trim",
                                 daemon=True).start()
        return self

    def _take(self) -> int | None:
        """The next shared task for this thread or the other, or None when none is left."""
        with self._lock:
            if self._stop or self._taken >= len(self.shared):
                return None
            self._taken += 1
            return self._taken - 1

    def _run_thread(self) -> None:
        try:
            if self.work is not None:
                self.work()
            while (i := self._take()) is not None:
                self._beside[i] = self.shared[i]()
        except BaseException as exc:  # noqa: B036 - raised again in the joining thread
            self._error = exc

    def _join_thread(self, thread: threading.Thread) -> list[Any]:
        results: dict[int, Any] = {}
        while (i := self._take()) is not None:
            results[i] = self.shared[i]()
        waiting = time.perf_counter()
        thread.join()
        self.waited = time.perf_counter() - waiting
        self._thread = None
        self._trimmed.set()
        if self._error is not None:
            raise self._error
        self.ran_beside = len(self._beside)
        results.update(self._beside)
        return [results[i] for i in range(len(self.shared))]

    def _start(self) -> None:
        parent = os.getpid()
        reader, writer = os.pipe()
        queue, fill = os.pipe()
        _write_all(fill, bytes(range(len(self.shared))))  # far below a pipe's buffer: never blocks
        os.close(fill)  # the queue's end: a read past the last task returns nothing
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            if stream is not None:
                stream.flush()
        gc.freeze()  # the child's collector then leaves the parent's objects (and their pages) alone
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns on fork with threads alive (the benchmark's memory sampler);
                # the child only runs the work, which takes no lock another thread may hold.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:
            gc.unfreeze()
            for fd in (reader, writer, queue):
                os.close(fd)
            self.fork = False  # no process to spare: run it here when joined
            return
        if pid == 0:  # the child: never returns
            os.close(reader)
            _run_child(self.work, self.shared, queue, parent, writer)
        gc.unfreeze()
        os.close(writer)
        self.pid, self.reader, self.queue = pid, reader, queue

    def join(self) -> list[Any]:
        """Run the shared tasks the child has not taken, wait for the child (or run everything
        here), raise its error if it failed; what each shared task returned, in their order."""
        self.joined = True
        if self._thread is not None:
            return self._join_thread(self._thread)
        if self.pid is None:
            if self.work is not None:
                self.work()
            return [task() for task in self.shared]
        results: dict[int, Any] = {}
        assert self.queue is not None and self.reader is not None
        while taken := os.read(self.queue, 1):
            results[taken[0]] = self.shared[taken[0]]()
        waiting = time.perf_counter()
        with os.fdopen(self.reader, "rb") as pipe:
            self.reader = None
            answer = pipe.read()
        self.waited = time.perf_counter() - waiting
        try:
            _, status = os.waitpid(self.pid, 0)
            code = os.waitstatus_to_exitcode(status)
        except ChildProcessError:  # SIGCHLD ignored by the program: reaped already, the pipe tells
            code = None
        self.pid = None
        self._close_queue()
        if answer.startswith(_FINISHED) and code in (0, None):
            beside: dict[int, Any] = pickle.loads(answer[len(_FINISHED):])  # noqa: S301 - our own child
            self.ran_beside = len(beside)
            results.update(beside)
            return [results[i] for i in range(len(self.shared))]
        if answer.startswith(b"{"):
            failure = json.loads(answer)
            raise ChildError(failure["message"], failure["exit_code"])
        raise ChildError(f"the work beside stopped before it finished (exit status {code})")

    def _close_queue(self) -> None:
        if self.queue is not None:
            os.close(self.queue)
            self.queue = None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._thread is not None:
            if kind is None:
                self.join()
                return
            # The block failed: the thread takes no other task. It is not waited for (a task
            # may run a minute more); as a daemon it ends with the process at the latest.
            with self._lock:
                self._stop = True
            self._thread = None
            self._trimmed.set()
            return
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            self.pid = None
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None
        self._close_queue()
        if kind is None and not self.joined:
            self.join()


def _die_with_parent(parent: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(EXIT_ERROR)


def _run_child(work: Callable[[], None] | None, shared: list[Callable[[], Any]], queue: int, parent: int,
               writer: int) -> None:
    code, answer = 0, _FINISHED
    try:
        _die_with_parent(parent)
        with contextlib.suppress(ValueError):  # ValueError: forked from a thread that is not main
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent cleans up
        if work is not None:
            work()
        results = {}
        while taken := os.read(queue, 1):
            results[taken[0]] = shared[taken[0]]()
        answer = _FINISHED + pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:  # noqa: B036 - everything goes back to the parent
        code = getattr(exc, "exit_code", EXIT_ERROR) if isinstance(exc, SezkgError) else EXIT_ERROR
        message = str(exc) if isinstance(exc, SezkgError) else "".join(traceback.format_exception(exc)).rstrip()
        answer = json.dumps({"message": message, "exit_code": code}).encode("utf-8")
    try:
        _write_all(writer, answer)
        os.close(writer)
    finally:
        os._exit(1 if code else 0)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
