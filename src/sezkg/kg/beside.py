"""Work run beside the main job: in a forked child process that shares the loaded store.

The report's RDF exports are Python code that holds the GIL, so a thread does not run them
beside the rest (six exports at ~1M triples on two threads: 49 s -> 63 s). A child forked
after loading does: it sees the store and everything else as they were at the fork, its pages
shared with this process until one side writes to them (reading pyoxigraph's store writes to
many of its pages, so a child that reads it all comes to copy about two thirds of it). On Linux
with two cores or more and the memory to spare the work runs in such a child; elsewhere (no
fork, or fork unsafe as on macOS, one core, memory short) it runs in this process when
joined. Either way it writes the same files.

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
import signal
import sys
import traceback
import warnings
from collections.abc import Callable
from types import TracebackType

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
    return (sys.platform == "linux" and hasattr(os, "fork") and len(os.sched_getaffinity(0)) > 1
            and memory_to_spare())


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
    """`with Beside(work) as job: ...; job.join()` runs `work` beside the block (see module)."""

    def __init__(self, work: Callable[[], None], fork: bool | None = None):
        self.work = work
        self.fork = can_fork() if fork is None else fork
        self.pid: int | None = None
        self.reader: int | None = None
        self.joined = False

    @property
    def forked(self) -> bool:
        """Whether the work ran (or runs) in a child."""
        return self.fork

    def __enter__(self) -> Beside:
        if self.fork:
            self._start()
        return self

    def _start(self) -> None:
        parent = os.getpid()
        reader, writer = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            if stream is not None:
                stream.flush()
        gc.freeze()  # the child's collector then leaves the parent's objects (and their pages) alone
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns on fork with threads alive (the benchmark's memory sampler);
                # the child only runs `work`, which takes no lock another thread may hold.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:
            gc.unfreeze()
            os.close(reader)
            os.close(writer)
            self.fork = False  # no process to spare: run it here when joined
            return
        if pid == 0:  # the child: never returns
            os.close(reader)
            _run_child(self.work, parent, writer)
        gc.unfreeze()
        os.close(writer)
        self.pid, self.reader = pid, reader

    def join(self) -> None:
        """Wait for the work to finish (or run it here); raise its error if it failed."""
        self.joined = True
        if self.pid is None:
            self.work()
            return
        assert self.reader is not None
        with os.fdopen(self.reader, "rb") as pipe:
            self.reader = None
            answer = pipe.read()
        try:
            _, status = os.waitpid(self.pid, 0)
            code = os.waitstatus_to_exitcode(status)
        except ChildProcessError:  # SIGCHLD ignored by the program: reaped already, the pipe tells
            code = None
        self.pid = None
        if answer == _FINISHED and code in (0, None):
            return
        if answer.startswith(b"{"):
            failure = json.loads(answer)
            raise ChildError(failure["message"], failure["exit_code"])
        raise ChildError(f"the work beside stopped before it finished (exit status {code})")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            self.pid = None
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None
        if kind is None and not self.joined:
            self.join()


def _die_with_parent(parent: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(EXIT_ERROR)


def _run_child(work: Callable[[], None], parent: int, writer: int) -> None:
    code, answer = 0, _FINISHED
    try:
        _die_with_parent(parent)
        with contextlib.suppress(ValueError):  # ValueError: forked from a thread that is not main
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent cleans up
        work()
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
