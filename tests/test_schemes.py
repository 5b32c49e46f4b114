"""The concept schemes are tables (ontology/schemes/*.csv) that sezkg.kg.schemes writes out as
ontology/schemes.ttl: the committed Turtle is what the tables give, and a bad row stops the
build naming its file and line."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import TESTS

from sezkg.errors import InputError
from sezkg.kg.schemes import read_tables, to_turtle

ONTOLOGY = TESTS.parent / "ontology"


def test_the_committed_turtle_is_what_the_tables_give():
    assert (ONTOLOGY / "schemes.ttl").read_text(encoding="utf-8") == to_turtle(ONTOLOGY / "schemes")
    check = subprocess.run([sys.executable, "-m", "sezkg.kg.schemes", "--check"], capture_output=True, timeout=120)
    assert check.returncode == 0, check.stderr


def test_the_tables_hold_every_scheme_and_concept():
    schemes, collections = read_tables(ONTOLOGY / "schemes")
    assert [s.slug for s in schemes][:3] == ["zone-type", "sector", "governance-function"]
    assert sum(len(s.concepts) for s in schemes) == 146
    functions = next(s for s in schemes if s.slug == "governance-function")
    engagement = next(c for c in functions.concepts if c.slug == "investor-engagement")
    assert engagement.broader == ["investment-promotion"] and engagement.types == ["sez:GovernanceFunction"]
    assert {c[0] for c in collections} == {"ownership-functions", "oversight-functions"}
    measures = next(s for s in schemes if s.slug == "measure")
    assert all(c.other_labels.get("ru") for c in measures.concepts)  # figures-by-topic reads them
    assert next(c for c in measures.concepts if c.slug == "employment").other_labels == {"ru": "занятость"}


@pytest.mark.parametrize(("table", "old", "new", "message"), [
    ("concepts.csv", "zone-type,city,", "zone-kind,city,", "unknown scheme 'zone-kind'"),
    ("concepts.csv", "zone-type,industry,", "zone-type,city,", "concept zone-type/city appears twice"),
    ("concepts.csv", ",investment-promotion\n", ",investment-promotions\n", "broader concept 'investment-promotions'"),
    ("concepts.csv", "sez:GovernanceFunction", "foo:GovernanceFunction", "give a class as sez:Name or org:Name"),
    ("collections.csv", "governance-function/state-share-management", "governance-function/nope", "member 'governance-function/nope'"),
    ("schemes.csv", "scheme,section,label,comment", "scheme,label,comment", "the header must be"),
    ("labels.csv", "measure,employment,ru,", "measure,employed,ru,", "measure/employed is not a concept"),
    ("labels.csv", "measure,employment,ru,", "measure,employment,de,", "lang 'de': give one of ru, kk"),
    ("labels.csv", "measure,zone-count,ru,число специальных экономических зон", "measure,zone-count,ru,Занятость",
     "the ru label 'Занятость' names another concept of measure too"),
    ("labels.csv", "measure,zone-count,ru,", "measure,employment,ru,", "measure/employment has a ru label already"),
])
def test_a_bad_row_names_its_file_and_line(tmp_path, table, old, new, message):
    folder = tmp_path / "schemes"
    shutil.copytree(ONTOLOGY / "schemes", folder)
    text = (folder / table).read_text(encoding="utf-8")
    assert old in text
    (folder / table).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        to_turtle(folder)
    assert table in str(caught.value)
    line = text[: text.index(old)].count("\n") + 1
    assert f":{line}" in str(caught.value)
