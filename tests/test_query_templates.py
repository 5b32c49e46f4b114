"""The catalogue's date arithmetic is written once (queries/templates/*.rq.in) and the .rq
files that use it are generated: a hand edit of a generated file, or new spelled-out date
arithmetic outside a template, fails here."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pyoxigraph as ox
import pytest
from conftest import TESTS

from sezkg.questions.templates import contract, expand, first_day, generated, last_day

ROOT = TESTS.parent
QUERIES = ROOT / "queries"


def test_every_generated_query_is_its_template_expanded():
    made = generated(QUERIES)
    assert len(made) >= 7
    for path, text in made.items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} was edited by hand: edit its template"


def test_no_date_arithmetic_outside_a_template():
    templated = set(generated(QUERIES))
    for path in sorted(QUERIES.glob("*.rq")):
        if path not in templated:
            text = path.read_text(encoding="utf-8")
            assert contract(text) == text, f"{path.name} spells out date bounds: write it as a template"


@pytest.mark.parametrize(("value", "datatype", "first", "last"), [
    ("2015", "gYear", 20150101, 20151231),
    ("2015-06", "gYearMonth", 20150601, 20150631),
    ("2015-06-30", "date", 20150630, 20150630),
])
def test_the_bounds_mean_what_they_say(value, datatype, first, last):
    store = ox.Store()
    literal = f'"{value}"^^<http://www.w3.org/2001/XMLSchema#{datatype}>'
    query = (f"PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT ?first ?last WHERE {{ "
             f"BIND({literal} AS ?d) BIND({first_day('?d')} AS ?first) BIND({last_day('?d')} AS ?last) }}")
    row = next(iter(store.query(query)))
    assert (int(row["first"].value), int(row["last"].value)) == (first, last)
    assert expand("{{first ?d}} {{last ?d}}") == f"{first_day('?d')} {last_day('?d')}"


def test_check_finds_a_stale_file_and_the_generator_repairs_it(tmp_path):
    root = tmp_path / "repo"
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copytree(ROOT / "src", root / "src")
    target = root / "queries" / "zone-governors.rq"
    target.write_text(target.read_text(encoding="utf-8").replace("SELECT", "SELECT DISTINCT", 1), encoding="utf-8")
    env_cmd = [sys.executable, "-m", "sezkg.questions.templates"]
    env = {"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"}
    check = subprocess.run([*env_cmd, "--check"], capture_output=True, text=True, env=env, timeout=120)
    assert check.returncode == 1 and "zone-governors.rq: differs from its template" in check.stderr
    subprocess.run(env_cmd, check=True, capture_output=True, env=env, timeout=120)
    assert target.read_text(encoding="utf-8") == (ROOT / "queries" / "zone-governors.rq").read_text(encoding="utf-8")
