"""The loader: the real KG loads whole; broken input is refused at file:line, all or nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, nonempty, run_cli

import sezkg
from sezkg.errors import InputError

BROKEN = nonempty(sorted((FIXTURES / "broken").glob("*.trig")))
VALID_ZONE = FIXTURES / "shapes" / "zone-valid.trig"


def _expectations(path: Path) -> tuple[str, int | None]:
    text = path.read_bytes().decode("utf-8", errors="replace")
    message = re.search(r"^# expect: (.+)$", text, re.M).group(1)
    line = re.search(r"^# expect-line: (\d+)$", text, re.M)
    return message, int(line.group(1)) if line else None


def test_real_kg_loads_into_named_graphs(kg):
    graphs = kg.graph_names()
    assert "https://w3id.org/sezkg/ontology" in graphs
    assert "https://w3id.org/sezkg/scheme" in graphs
    sources = [g for g in graphs if g.startswith("https://w3id.org/sezkg/source/")]
    assert "https://w3id.org/sezkg/source/gout-2025" in sources
    assert len(sources) >= 6
    assert {f.kind for f in kg.files} == {"ontology", "data"}
    # The shapes are not part of the KG.
    assert "https://w3id.org/sezkg/shapes" not in graphs


def test_no_triple_in_the_default_graph(kg):
    import pyoxigraph as ox

    assert list(kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph())) == []


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.name)
def test_broken_file_is_refused_at_its_line(path):
    message, line = _expectations(path)
    with pytest.raises(InputError) as info:
        sezkg.load(data=[path])
    error = info.value
    assert error.path == path
    assert message in error.message
    if line is not None:
        assert error.line == line
        assert str(error).startswith(f"{path}:{line}")


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.name)
def test_cli_reports_broken_file_with_exit_2(path):
    message, line = _expectations(path)
    proc = run_cli("validate", "--data", str(path), check=2)
    stderr = proc.stderr.decode()
    expected_location = f"{path}:{line}" if line is not None else f"{path}:"
    assert stderr.startswith(f"sezkg: error: {expected_location}"), stderr
    assert message in stderr
    assert proc.stdout == b""


def test_syntax_error_names_the_column():
    path = FIXTURES / "broken" / "syntax-error.trig"
    with pytest.raises(InputError) as info:
        sezkg.load(data=[path])
    assert info.value.column is not None and info.value.column > 1
    assert re.match(rf"{re.escape(str(path))}:9:\d+: syntax error", str(info.value))


def test_a_bad_file_after_a_good_one_stops_the_load_at_the_bad_one():
    """All or nothing: the good file first does not make a partial KG; the error names the bad file."""
    bad = FIXTURES / "broken" / "syntax-error.trig"
    with pytest.raises(InputError) as info:
        sezkg.load(data=[VALID_ZONE, bad])
    assert info.value.path == bad


def test_missing_data_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as info:
        sezkg.load(data=[tmp_path / "nowhere.trig"])
    assert "no such file" in str(info.value)
