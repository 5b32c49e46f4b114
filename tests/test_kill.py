"""kill -9 at random moments: what sezkg writes is the old output or the new one, never a part,
and the next run clears what the killed one left behind.

For each of `sezkg export --output F`, `sezkg report --out D` and `sezkg site D`, two reference
outputs are built once, from two different datasets (a copy of the bundled data and a one-zone file).
The output then alternates between the two while runs are killed (SIGKILL to the process
group) at seeded random moments: half anywhere in a run, half once the run has begun to
write (its temporary file or folder exists): after each kill the output must be
exactly the previous reference or exactly the new one. A final run must complete and leave
no temporary file or folder of any killed run beside the output.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sezkg.kg.resources import default_files

SEED = 20261129
RUNS = {"export": 14, "report": 8, "site": 10}  # 32 kills in all
TEMP = re.compile(r"^\..+\.sezkg-(?P<pid>\d+)-[A-Za-z0-9_]+\.(tmp|new|old)$")

SMALL_DATA = """\
@prefix sez: <https://w3id.org/sezkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix src: <https://w3id.org/sezkg/source/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

GRAPH src:kill-test {
    src:kill-test a sez:Source ; rdfs:label "Kill test source"@en .
    <https://w3id.org/sezkg/id/zone/kill-test> a sez:SpecialEconomicZone ;
        rdfs:label "Kill test zone"@en ; sez:establishedYear "2011"^^xsd:gYear .
}
"""


def _command(verb: str, out: Path, data: list[str]) -> list[str]:
    if verb == "export":
        return ["export", "--format", "trig", "--output", str(out), *data]
    if verb == "report":
        return ["report", "--out", str(out), *data]
    return ["site", str(out), *data]


def _start(args: list[str]) -> subprocess.Popen:
    # A session of its own, so that the kill reaches every process the command starts.
    return subprocess.Popen([sys.executable, "-m", "sezkg", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def _run(args: list[str]) -> float:
    started = time.monotonic()
    proc = _start(args)
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode in (0, 1), (args, proc.returncode, stderr.decode(errors="replace")[-2000:])
    return time.monotonic() - started


def snapshot(path: Path) -> dict[str, bytes] | bytes | None:
    """The whole output: a file's bytes, or every file of a folder by relative path."""
    if not path.exists():
        return None
    if path.is_file():
        return path.read_bytes()
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def temp_entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if TEMP.match(p.name))


def _wait_for_temp(folder: Path, proc: subprocess.Popen) -> None:
    """Until the process has a temporary file or folder beside the output (or has ended)."""
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if any(int(TEMP.match(p.name)["pid"]) == proc.pid for p in temp_entries(folder)):
            return
        time.sleep(0.001)


@dataclass
class Tally:
    killed: int = 0        # runs the kill stopped before they ended
    finished: int = 0      # runs that ended before their kill came
    old: int = 0           # killed runs that left the previous output
    new: int = 0           # killed runs that had already put the new output in place
    leftovers: int = 0     # temporary files or folders left by killed runs
    killed_pids: set[int] = field(default_factory=set)


@pytest.mark.parametrize("verb", sorted(RUNS))
def test_kill_9_leaves_old_or_new_output_and_no_temp_files(verb, tmp_path, capsys):
    small = tmp_path / "small.trig"
    small.write_text(SMALL_DATA, encoding="utf-8")
    bundled = tmp_path / "data"  # a copy, so that the references hold whatever happens to data/
    shutil.copytree(default_files().data, bundled)
    datasets = [["--data", str(bundled)], ["--data", str(small)]]
    name = "kg.trig" if verb == "export" else "out"

    # The two references, built once each, in a folder of their own.
    refs, durations = [], []
    for i, data in enumerate(datasets):
        out = tmp_path / f"ref{i}" / name
        out.parent.mkdir()
        durations.append(_run(_command(verb, out, data)))
        refs.append(snapshot(out))
    assert refs[0] != refs[1] and None not in refs

    work = tmp_path / "work"
    work.mkdir()
    target = work / name
    _run(_command(verb, target, datasets[0]))
    assert snapshot(target) == refs[0]

    rng = random.Random(f"{SEED}-{verb}")
    tally, current = Tally(), 0
    longest = max(durations)
    for run in range(RUNS[verb]):
        wanted = 1 - current
        proc = _start(_command(verb, target, datasets[wanted]))
        if run % 2:
            time.sleep(rng.uniform(0.0, longest * 1.15))  # anywhere in the run
        else:
            # Once the run has started writing: the moments that could leave a part behind.
            _wait_for_temp(work, proc)
            time.sleep(rng.uniform(0.0, 0.02 if verb == "export" else longest * 0.5))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        got = snapshot(target)
        if proc.returncode == -signal.SIGKILL:
            tally.killed += 1
            tally.killed_pids.add(proc.pid)
            assert got in (refs[current], refs[wanted]), f"run {run}: killed {verb} left a mixed or broken output"
            if got == refs[wanted]:
                tally.new += 1
                current = wanted
            else:
                tally.old += 1
        else:
            assert proc.returncode in (0, 1), proc.stderr.read().decode(errors="replace")
            tally.finished += 1
            assert got == refs[wanted], f"run {run}: a finished {verb} did not leave the new output"
            current = wanted
        proc.stderr.close()
        tally.leftovers += sum(1 for p in temp_entries(work) if int(TEMP.match(p.name)["pid"]) == proc.pid)
        if verb == "export":
            # The export is quick: check after every kill that the next run clears its temp file.
            wanted = 1 - current
            _run(_command(verb, target, datasets[wanted]))
            current = wanted
            assert temp_entries(work) == [], f"run {run}: the next export left {temp_entries(work)}"
            assert snapshot(target) == refs[current]

    # The next complete run: the new output, and nothing left of any killed run.
    wanted = 1 - current
    _run(_command(verb, target, datasets[wanted]))
    assert snapshot(target) == refs[wanted]
    assert temp_entries(work) == []
    assert sorted(p.name for p in work.iterdir()) == [name]

    with capsys.disabled():
        print(f"\nkill -9 {verb}: {RUNS[verb]} runs, {tally.killed} killed mid-run ({tally.old} left the old "
              f"output, {tally.new} the new), {tally.finished} finished first; {tally.leftovers} temp "
              f"files/folders left by killed runs, all removed by the next run")
    assert tally.killed >= RUNS[verb] // 3, "most kills should land during a run"
