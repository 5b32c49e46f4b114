"""Work run beside the main job (sezkg.kg.beside): the report's exports in a forked child.

The child must write what the parent would have written, carry its errors back, die when the
parent's block fails or the parent is killed, and leave nothing behind."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from conftest import run_cli

from sezkg.errors import EXIT_ERROR, InputError
from sezkg.kg import beside
from sezkg.kg.beside import Beside, ChildError
from sezkg.views import report as report_module
from sezkg.views.report import build_report

linux_fork = pytest.mark.skipif(not beside.can_fork(), reason="work runs beside only on Linux with two cores")


def _gone(pid: int, seconds: float = 10.0) -> bool:
    """Whether the process has ended (gone, or a zombie no one has reaped yet) within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@linux_fork
def test_the_work_runs_in_another_process_and_writes_its_files(tmp_path):
    target = tmp_path / "pid.txt"
    with Beside(lambda: target.write_text(str(os.getpid())), fork=True) as job:
        assert job.forked and job.pid is not None
        job.join()
    assert target.read_text() != str(os.getpid())
    assert job.pid is None


def test_without_fork_the_work_runs_here_when_joined(tmp_path):
    ran: list[int] = []
    with Beside(lambda: ran.append(os.getpid()), fork=False) as job:
        assert ran == []  # not before the join
        job.join()
    assert ran == [os.getpid()]


def test_leaving_the_block_without_join_joins(tmp_path):
    target = tmp_path / "written"
    with Beside(lambda: target.write_text("x")):
        pass
    assert target.read_text() == "x"


@pytest.mark.parametrize("fork", [pytest.param(True, marks=linux_fork), False])
def test_a_sezkg_error_in_the_work_comes_back_with_its_message_and_code(fork, tmp_path):
    def fail() -> None:
        raise InputError(tmp_path / "bad.trig", "syntax error: here", 3, 7)

    expected = ChildError if fork else InputError
    with pytest.raises(expected) as caught, Beside(fail, fork=fork) as job:
        job.join()
    assert str(caught.value) == f"{tmp_path / 'bad.trig'}:3:7: syntax error: here"
    assert caught.value.exit_code == EXIT_ERROR


@linux_fork
def test_any_other_error_in_the_child_comes_back_with_its_traceback():
    def fail() -> None:
        raise ZeroDivisionError("the child divided by zero")

    with pytest.raises(ChildError) as caught, Beside(fail, fork=True) as job:
        job.join()
    assert "ZeroDivisionError: the child divided by zero" in str(caught.value)
    assert "in fail" in str(caught.value)  # the child's traceback, to debug it by


@linux_fork
def test_a_child_killed_by_a_signal_is_an_error():
    sleeper = Beside(lambda: time.sleep(60), fork=True)
    with pytest.raises(ChildError, match=r"stopped before it finished \(exit status -9\)"), sleeper as job:
        assert job.pid is not None
        os.kill(job.pid, signal.SIGKILL)
        job.join()


@linux_fork
def test_with_sigchld_ignored_the_pipe_still_tells_done_from_killed(tmp_path):
    """A program that ignores SIGCHLD has its children reaped for it: waitpid cannot give a status."""
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        target = tmp_path / "written"
        with Beside(lambda: target.write_text("x"), fork=True) as job:
            job.join()
        assert target.read_text() == "x"
        with pytest.raises(ChildError, match="stopped before it finished"), \
                Beside(lambda: time.sleep(60), fork=True) as job:
            assert job.pid is not None
            os.kill(job.pid, signal.SIGKILL)
            job.join()
    finally:
        signal.signal(signal.SIGCHLD, previous)


@linux_fork
def test_an_error_in_the_block_kills_the_child_at_once():
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="the parent failed"), Beside(lambda: time.sleep(60), fork=True) as job:
        pid = job.pid
        raise RuntimeError("the parent failed")
    assert pid is not None and _gone(pid, 1.0)
    assert time.monotonic() - started < 10


@linux_fork
def test_the_child_dies_with_its_parent(tmp_path):
    """kill -9 of the parent alone (not its process group): the child must not write on."""
    late = tmp_path / "written-after-the-parent-died"
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from sezkg.kg.beside import Beside
        def work():
            time.sleep(3)
            Path({str(late)!r}).write_text("late")
        with Beside(work, fork=True) as job:
            print(job.pid, flush=True)
            time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        parent.kill()
        parent.wait(10)
        assert _gone(child), f"child {child} still runs after its parent was killed"
        time.sleep(3.5)
        assert not late.exists()
    finally:
        parent.kill()
        parent.wait(10)


@linux_fork
def test_shared_tasks_run_once_each_in_either_process_and_come_back_in_order(tmp_path):
    """Both processes take tasks from one queue: each runs once, in one of them, and what it
    returns comes back to the parent in the tasks' order, pickled across from the child."""
    def task(i: int):
        def run() -> tuple[int, int]:
            time.sleep(0.2)
            with (tmp_path / f"ran-{i}").open("a") as f:
                f.write(f"{os.getpid()}\n")
            return i, os.getpid()
        return run

    with Beside(fork=True, shared=[task(i) for i in range(12)]) as job:
        child = job.pid
        results = job.join()
    assert [i for i, _ in results] == list(range(12))
    assert all((tmp_path / f"ran-{i}").read_text() == f"{pid}\n" for i, pid in results)  # once each
    assert {pid for _, pid in results} == {os.getpid(), child}  # both took some
    assert job.ran_beside == sum(pid == child for _, pid in results)


def test_without_fork_the_work_then_the_shared_tasks_run_here_in_order():
    ran: list[str] = []
    with Beside(lambda: ran.append("work"), fork=False,
                shared=[lambda: ran.append("a") or "A", lambda: ran.append("b") or "B"]) as job:
        assert ran == []
        assert job.join() == ["A", "B"]
    assert ran == ["work", "a", "b"] and job.ran_beside == 0


@linux_fork
def test_a_shared_task_that_fails_in_the_child_fails_the_join(tmp_path):
    parent = os.getpid()

    def only_here() -> int:
        if os.getpid() != parent:
            raise InputError(tmp_path / "x.trig", "refused beside")
        time.sleep(0.5)  # while here, the child takes the next one
        return 1

    with pytest.raises(ChildError, match="refused beside"), Beside(fork=True, shared=[only_here] * 4) as job:
        job.join()


@linux_fork
def test_a_shared_task_that_fails_here_kills_the_child():
    parent = os.getpid()

    def fail_here() -> None:
        if os.getpid() == parent:
            raise RuntimeError("failed here")
        time.sleep(60)

    started = time.monotonic()
    with pytest.raises(RuntimeError, match="failed here"), Beside(fork=True, shared=[fail_here] * 2) as job:
        child = job.pid
        time.sleep(0.3)  # the child takes the first task
        job.join()
    assert child is not None and _gone(child, 1.0)
    assert time.monotonic() - started < 10


def test_one_core_means_no_fork(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert not beside.can_fork()
    assert not Beside(lambda: None).forked
    assert Beside(lambda: None, fork=False, thread=True).beside == "here"  # nor a thread


two_cores = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="a thread beside needs a second core")


@two_cores
def test_on_a_thread_shared_tasks_run_once_each_and_come_back_in_order():
    main = threading.get_ident()
    ran: list[tuple[int, int]] = []

    def task(i: int):
        def run() -> tuple[int, int]:
            time.sleep(0.1)
            ran.append((i, threading.get_ident()))
            return i, threading.get_ident()
        return run

    with Beside(fork=False, thread=True, shared=[task(i) for i in range(12)]) as job:
        assert job.beside == "thread" and not job.forked
        time.sleep(0.25)  # the thread starts at once, before the join
        assert ran
        results = job.join()
    assert [i for i, _ in results] == list(range(12))
    assert sorted(ran) == sorted(results)  # each ran once, where it says
    assert len({ident for _, ident in results}) == 2 and main in {ident for _, ident in results}
    assert job.ran_beside == sum(ident != main for _, ident in results) > 0
    time.sleep(0.1)
    assert not [t for t in threading.enumerate() if t.name in ("sezkg-beside", "sezkg-trim")]  # none left behind


@two_cores
def test_memory_is_given_back_while_a_thread_runs_beside(monkeypatch):
    if beside._malloc_trim() is None:
        pytest.skip("no malloc_trim in this C library")
    calls: list[int] = []
    monkeypatch.setattr(beside, "TRIM_SECONDS", 0.05)
    monkeypatch.setattr(beside, "_malloc_trim", lambda: calls.append)
    with Beside(fork=False, thread=True, shared=[lambda: time.sleep(0.4)]) as job:
        assert job.beside == "thread"
        job.join()
    assert len(calls) >= 3
    count = len(calls)
    time.sleep(0.2)
    assert len(calls) == count  # stopped at the join


@two_cores
def test_an_error_on_the_thread_is_raised_again_as_it_was(tmp_path):
    def fail() -> None:
        raise InputError(tmp_path / "bad.trig", "syntax error: here", 3, 7)

    with pytest.raises(InputError) as caught, Beside(fork=False, thread=True, shared=[fail]) as job:
        time.sleep(0.2)  # the thread takes it
        job.join()
    assert str(caught.value) == f"{tmp_path / 'bad.trig'}:3:7: syntax error: here"


@two_cores
def test_a_failed_block_leaves_the_thread_no_other_task():
    ran: list[int] = []

    def task(i: int):
        return lambda: ran.append(i) or time.sleep(0.2)

    with pytest.raises(RuntimeError, match="the block failed"), \
            Beside(fork=False, thread=True, shared=[task(i) for i in range(20)]):
        time.sleep(0.1)
        raise RuntimeError("the block failed")
    time.sleep(0.6)
    assert ran == [0]  # the one it had taken, no other


@linux_fork
def test_the_report_is_the_same_with_its_exports_written_beside_or_here(tmp_path):
    said: list[str] = []
    build_report(tmp_path / "beside", fork=True, progress=said.append)
    assert any(line.startswith("[4/5] validate: conforms") and line.endswith(", beside, in a child)") for line in said)
    proc = run_cli("report", "--one-process", "--out", str(tmp_path / "here"), check=0)
    assert b"all run here" in proc.stderr and b"violation queries; " in proc.stderr and b" s, here)" in proc.stderr
    beside_files, here_files = _files(tmp_path / "beside"), _files(tmp_path / "here")
    assert sorted(beside_files) == sorted(here_files)
    assert {name for name in beside_files if name.startswith("export/")} == {
        "export/sezkg.trig", "export/sezkg.nq", "export/sezkg.jsonld", "export/sezkg.ttl", "export/sezkg.nt",
        "export/sezkg.rdf", "export/sezkg.entities.ndjson"}
    assert beside_files == here_files


@two_cores
def test_above_a_size_the_report_shares_its_work_with_a_thread(tmp_path, monkeypatch):
    monkeypatch.setattr(report_module, "REPORT_THREAD_QUADS", 1_000)  # the bundled data is far below it
    said: list[str] = []
    build_report(tmp_path / "thread", every_export=False, progress=said.append)
    assert any(line.startswith("[4/5] validate: conforms") and line.endswith(", beside, on a thread)")
               for line in said)
    assert any("run beside (on a thread)" in line for line in said)
    build_report(tmp_path / "here", every_export=False, fork=False)
    assert _files(tmp_path / "thread") == _files(tmp_path / "here")


@linux_fork
def test_a_task_that_fails_in_the_child_fails_the_report_and_keeps_the_old_one(tmp_path, monkeypatch):
    out = tmp_path / "report"
    build_report(out, fork=True)
    before = _files(out)

    # The child takes the validation first and then exports, in whatever share the parent
    # leaves it: both refuse there (only there), so whichever it runs fails in the child.
    here = os.getpid()
    write, check = report_module.serialize_many, report_module.validate

    def refuse(kg, handles, **kwargs):
        if os.getpid() != here:
            raise InputError(Path("export/sezkg.jsonld"), "refused by the test")
        return write(kg, handles, **kwargs)

    def refuse_to_validate(kg, files=None):
        if os.getpid() != here:
            raise InputError(Path("shapes.ttl"), "refused by the test")
        return check(kg, files)

    monkeypatch.setattr(report_module, "serialize_many", refuse)
    monkeypatch.setattr(report_module, "validate", refuse_to_validate)
    with pytest.raises(ChildError, match="refused by the test"):
        build_report(out, fork=True, force=True)
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no half-built folder beside it


def test_no_fork_without_memory_for_a_copy(monkeypatch):
    """The child may come to copy what this process holds: with less memory available, no fork."""
    real_open = open

    def short_of_memory(path, *args, **kwargs):
        if str(path) == "/proc/meminfo":
            return io.StringIO("MemTotal:       1000 kB\nMemAvailable:      1 kB\n")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", short_of_memory)
    assert not beside.memory_to_spare()
    assert not beside.can_fork()
    monkeypatch.setattr("builtins.open", real_open)
    if sys.platform == "linux":
        assert beside.memory_to_spare()  # this machine holds a second copy of the test process
