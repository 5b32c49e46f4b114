"""The Python API for notebooks: names in, plain values with labels out; the example notebook runs."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

import sezkg

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def api():
    return sezkg.open()


def test_all_is_the_notebook_api():
    assert sezkg.__all__ == ["KG", "Result", "SezkgError", "UsageError", "__version__", "open"]
    for name in sezkg.__all__:
        assert getattr(sezkg, name) is not None


def test_query_by_name_gives_plain_values_with_labels(api):
    rows = api.query("zone-governors", zone="Saryarka", date="2026")
    assert rows and all(isinstance(r["holder"], str) and r["holder"].startswith("https://") for r in rows)
    assert {"Kazakh Invest", "SEZ management companies"} <= {r["holder_label"] for r in rows}
    figures = api.query("indicators", subject="Pavlodar SEZ")
    assert Decimal("42.2") in figures.column("value")


def test_names_in_any_form_give_the_same_answer(api):
    by = [api.query("zone-governors", zone=z).column("mandate")
          for z in ("saryarka", "zone:saryarka", "Saryarka SEZ", "https://w3id.org/sezkg/id/zone/saryarka")]
    assert by[0] and all(sorted(b) == sorted(by[0]) for b in by)


def test_unknown_and_ambiguous_names_fail_with_suggestions(api):
    with pytest.raises(sezkg.UsageError, match="closest: Saryarka SEZ"):
        api.query("zone-governors", zone="Sarirka")
    with pytest.raises(sezkg.UsageError, match="names no zone, only Almaty city"):
        api.query("zone-governors", zone="Almaty")
    with pytest.raises(sezkg.UsageError, match="names nothing in the knowledge graph"):
        api.query("zone-governors", zone="https://w3id.org/sezkg/id/zone/nope")


def test_a_list_of_names_answers_for_each_a_date_takes_one_and_nothing_is_empty(api):
    both = api.query("zone-governors", zone=["Saryarka", "pavlodar"], date="2026")
    one = [api.query("zone-governors", zone=z, date="2026") for z in ("saryarka", "pavlodar")]
    assert len(both) == len(one[0]) + len(one[1]) and len(one[0]) and len(one[1])
    assert set(both.column("mandate")) == set(one[0].column("mandate")) | set(one[1].column("mandate"))
    with pytest.raises(sezkg.UsageError, match=r"parameter 'date' takes one value \(a year, a month or a day\), not several \(2019, 2024\)"):
        api.query("zone-governors", date=["2019", "2024"])
    with pytest.raises(sezkg.UsageError, match="parameter 'date' takes a year, a month or a day; '' is not one"):
        api.zones(as_of="")  # an empty date is refused, not taken for today
    with pytest.raises(sezkg.UsageError, match="an empty name names nothing"):
        api.overlaps(zone="")  # not every zone's overlaps
    with pytest.raises(sezkg.SezkgError, match="SPARQL endpoint : not an http:// or https:// URL"):
        sezkg.open(endpoint="")  # not the embedded store


def test_overlaps_network_and_zones(api):
    report = api.overlaps(zone="Astana New City")
    assert report.zone == "https://w3id.org/sezkg/id/zone/astana-new-city"
    assert api.network().number_of_nodes() > 5
    zones = api.zones(as_of="2026-02-10")
    assert len(zones) >= 15 and all(z["status"] in ("active", "renamed", "re-established", "no end on record") for z in zones)


def test_dates_are_dates(api):
    rows = api.query("who-says-so", subject="Kazinform (2022-04-15)", property="dcterms:issued")
    assert rows.column("value") == [datetime.date(2022, 4, 15)]


def test_the_example_notebook_runs():
    """Every code cell of examples/explore.ipynb, in order, in one namespace (as a kernel would)."""
    notebook = json.loads((EXAMPLES / "explore.ipynb").read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    assert len(code) >= 6
    namespace: dict = {}
    for cell in code:
        exec(compile(cell, "explore.ipynb", "exec"), namespace)  # noqa: S102 - our own example
    assert namespace["report"].overlaps and namespace["zones"]


def test_to_pandas_keeps_columns_labels_and_types(api):
    pd = pytest.importorskip("pandas")  # a test extra; the check is real wherever the extras are installed
    rows = api.query("indicators", subject="Pavlodar SEZ")
    frame = rows.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == rows.columns and len(frame) == len(rows)
    assert "subject_label" in frame.columns and set(frame["subject_label"]) == {"Pavlodar SEZ"}
    assert Decimal("42.2") in set(frame["value"])
