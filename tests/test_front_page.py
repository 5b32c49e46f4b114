"""The report's front page and matrix at world scale: a list or table shows its first rows, says
how many more there are and where every one is; the bundled data is never cut. (The network
page's own limit is checked in a browser: tests/test_browser.py.)"""

from __future__ import annotations

import re

import pytest

from sezkg.kg.resources import default_files
from sezkg.publish.tables import TABLE_ORDER
from sezkg.questions.catalogue import catalogue, run_select
from sezkg.questions.overlaps import find_overlaps
from sezkg.questions.validate import validate
from sezkg.views import pages

NOTE = re.compile(r'<p class="muted more">… and ([\d,]+) (?:charts )?more[^<]*(?:<a href="([^"]+)">|<code>([^<]+)</code>)')


@pytest.fixture(scope="module")
def parts(kg):
    files = default_files()
    queries = catalogue(files.queries)
    return kg, queries, find_overlaps(kg, queries=queries), validate(kg, files)


def _page(parts, today="2025-06-30"):
    kg, queries, overlaps, validation = parts
    return pages.front_page(kg, queries, overlaps, validation, ["export/sezkg.trig"], ["completeness.csv"],
                            "summary", today=today)


def _sections(page: str) -> dict[str, str]:
    marks = [(m.start(), m.group(1)) for m in re.finditer(r'<h2 id="([a-z]+)"', page)] + [(len(page), "")]
    return {name: page[a:b] for (a, name), (b, _) in zip(marks, marks[1:], strict=False)}


def test_the_bundled_data_is_listed_whole(parts):
    assert 'class="muted more"' not in _page(parts)


def test_long_lists_are_cut_with_a_count_and_the_file_that_holds_them(parts, monkeypatch):
    kg, queries, overlaps, _ = parts
    full = _sections(_page(parts))
    monkeypatch.setattr(pages, "FRONT_ROWS", 3)
    monkeypatch.setattr(pages, "CARD_ROWS", 2)
    monkeypatch.setattr(pages, "CHARTS", 0)
    page = _page(parts)
    cut = _sections(page)
    assert set(cut) == set(full)
    report_files = {f"tables/{name}.csv" for name in TABLE_ORDER} | {"completeness.csv"}
    notes = NOTE.findall(page)
    assert notes and all(link in report_files or command.startswith("sezkg query ") for _, link, command in notes)

    def rows(section: str) -> int:
        return section.count("<tr>") - section.count("<thead><tr>")

    zones = len({r["zone"].value for r in run_select(kg, queries["zones"])})
    assert zones > 3 and rows(cut["zones"]) == 3
    assert NOTE.findall(cut["zones"]) == [(f"{zones - 3:,}", "tables/zones.csv", "")]
    assert cut["overlaps"].count("<li><strong>[") == 3 and len(overlaps.overlaps) > 3
    assert NOTE.findall(cut["overlaps"]) == [(f"{len(overlaps.overlaps) - 3:,}", "tables/overlaps.csv", "")]
    completeness = len(run_select(kg, queries["completeness"]))
    assert rows(cut["completeness"]) == 3
    assert NOTE.findall(cut["completeness"]) == [(f"{completeness - 3:,}", "completeness.csv", "")]
    # figures: no chart (CHARTS is 0), a note saying how many were left out, three rows of the table
    figures = len(run_select(kg, queries["indicators"]))
    charts = full["indicators"].count("<figure")
    assert charts > 1 and cut["indicators"].count("<figure") == 1  # the zone counts' chart is drawn apart

    def figure_table(section: str) -> str:
        return section.split("<summary>Every figure in the graph</summary>")[1]

    assert rows(figure_table(full["indicators"])) == figures and rows(figure_table(cut["indicators"])) == 3
    notes = NOTE.findall(cut["indicators"])
    assert notes[-1] == (f"{figures - 3:,}", "tables/figures.csv", "")
    assert sum(int(n) for n, _, _ in notes[:-1]) == charts - 1
    # findings: three rows in each view (by zone, by organisation), then one note for the rest
    for view, query, key in (("By zone", "findings-by-zone", "zone"), ("By organisation", "findings-by-organisation",
                                                                       "organisation")):
        pairs = {(r[key].value, r["finding"].value) for r in run_select(kg, queries[query])}
        part = cut["findings"].split(f">{view}</h3>")[1].split("</details>")[0]
        assert rows(part) == 3 and pairs
        assert NOTE.findall(part) == [(f"{len(pairs) - 3:,}", "tables/findings.csv", "")]
    # the first-screen cards: two items of a list at most, the rest counted
    cards = cut["glance"].split('<section class="card">')[1:]
    in_force = int(re.search(r'<p class="big">(\d+)</p>', cards[0]).group(1))
    assert cards[0].count("<li>") == min(2, in_force)
    assert [n for n, _, _ in NOTE.findall(cards[0])] == ([f"{in_force - 2:,}"] if in_force > 2 else [])
    audit_findings = sum(int(n) for n in re.findall(r"\((\d+) findings\)", cards[3]))
    assert audit_findings > 2 and cards[3].count("<li>") == 2
    assert NOTE.findall(cards[3]) == [(f"{audit_findings - 2:,}", "tables/findings.csv", "")]
    for measure in cards[5].split("<ul>")[1:]:
        assert measure.split("</ul>")[0].count("<li>") <= 2


def test_a_matrix_of_more_organisations_than_a_page_shows_puts_the_overlapping_first(parts, monkeypatch):
    import html

    from sezkg.views import viz

    kg, queries, overlaps, _ = parts
    data = viz.network_data(kg, overlaps, queries)
    orgs, _, _, marked = viz.matrix_data(data, overlaps)
    whole = "".join(viz.matrix_page_parts(data, overlaps))
    assert "more, not listed here" not in whole
    overlapping = [o["label"] for o in orgs if o["id"] in {m for m, _ in marked}]
    assert 0 < len(overlapping) < len(orgs) - 2
    shown = len(overlapping) + 2
    monkeypatch.setattr(viz, "MATRIX_ROWS", shown)
    page = "".join(viz.matrix_page_parts(data, overlaps))
    rows = [html.unescape(r) for r in re.findall(r'<th class="org" scope="row">([^<]*)</th>', page)]
    assert rows[:len(overlapping)] == overlapping and len(rows) == shown
    assert set(rows[len(overlapping):]) <= {o["label"] for o in orgs} - set(overlapping)
    assert f"… and {len(orgs) - shown:,} organisations more, not listed here" in page


@pytest.mark.parametrize("items", [1, 2, 3, 2_000])
def test_the_network_data_in_parts_is_the_json_of_the_whole(parts, items):
    import json

    from sezkg.views import viz

    kg, queries, overlaps, _ = parts
    odd = {"b": [], "a": {}, "c": {"z": "</script>", "y": ["<", "/", "</"]}, "d": ["x</y", {"k": 1.5}, None, True],
           "e": "é</", "f": 3, "g": {"</": [{"q": "<!--<script>"}]}, "h": "a & b > c"}
    for data in (viz.network_data(kg, overlaps, queries), odd):
        whole = "".join(viz.script_json_parts(data, items))
        assert json.loads(whole) == data
        assert not {"<", ">", "&"} & set(whole)  # nothing the HTML parser reads inside a <script>
        assert len(viz.script_json_parts(data, items)) > len(data)  # never one string
    assert "é" in "".join(viz.script_json_parts(odd, items))  # non-ASCII kept as it is


def test_the_network_page_carries_each_link_iri_once(parts):
    """The page's links are [kind, source, target, functions, zones] with numbers into linkIris,
    each IRI once; read back, they are the links network_data made, in order. The nodes leave
    out what network.js reads as empty or as the label."""
    import json

    from sezkg.views import viz

    kg, queries, overlaps, _ = parts
    data = viz.network_data(kg, overlaps, queries)
    assert len(data["links"]) > 20 and {link["kind"] for link in data["links"]} >= {"holds", "reaches"}
    page = "".join(viz.network_page_parts(data))
    text = re.search(r'<script type="application/json" id="sezkg-data">(.*?)</script>', page, re.S).group(1)
    carried = json.loads(text)
    iris = carried["linkIris"]
    assert len(iris) == len(set(iris)) and iris == sorted(iris)
    assert all(isinstance(link, list) and len(link) == 5 for link in carried["links"])
    assert viz.expand_links(carried) == data["links"]
    assert '"source"' not in json.dumps(carried["links"])
    assert data["links"][0]["source"] in iris  # the data itself is left as it was
    # Nodes leave out an empty alt or names, and a short name that is the label.
    assert [{"alt": [], "names": {}, "short": n["label"], **n} for n in carried["nodes"]] == data["nodes"]
    assert any("alt" in n for n in carried["nodes"]) and any("alt" not in n for n in carried["nodes"])
    assert any("short" not in n for n in carried["nodes"]) and any("short" in n for n in carried["nodes"])


def test_a_large_networks_facts_are_files_beside_the_page_with_every_fact_once(parts, monkeypatch, tmp_path):
    """Over FACTS_INLINE facts, the network page's facts move to scripts beside it, FACTS_PER_FILE
    nodes a file; each node with facts names its file; read back, the files are the facts."""
    import json

    from sezkg.errors import OutputError
    from sezkg.kg.files import MARKER
    from sezkg.views import viz

    kg, queries, overlaps, _ = parts
    data = viz.network_data(kg, overlaps, queries)
    total = sum(len(rows) for rows in data["facts"].values())
    assert total > 100 and len(data["facts"]) > 12
    assert viz.split_facts(data) == (data, [])  # the bundled KG's are in the page
    monkeypatch.setattr(viz, "FACTS_INLINE", total - 1)
    monkeypatch.setattr(viz, "FACTS_PER_FILE", 5)
    page, files = viz.split_facts(data)
    assert page["facts"] == {} and page["factsFolder"] == "network-facts"
    assert len(files) == -(-len(data["facts"]) // 5) and all(len(f) == 5 for f in files[:-1])
    assert [n for f in files for n in f] == sorted(data["facts"])
    for node, original in zip(page["nodes"], data["nodes"], strict=True):
        if node["id"] in data["facts"]:
            assert files[node["factsIn"]][node["id"]] == data["facts"][node["id"]]
            assert {k: v for k, v in node.items() if k != "factsIn"} == original
        else:
            assert node == original
    assert data["facts"] and "factsIn" not in data["nodes"][0]  # the data itself is left as it was

    odd = {"x": [{"value": "</script><script>alert(1)</script>", "url": "é\u2028"}]}
    text = viz.facts_script(7, odd)
    assert text.startswith("sezkgFacts(7, ") and text.endswith(");\n")
    assert json.loads(text[len("sezkgFacts(7, "):-len(");\n")]) == odd
    assert "\u2028" not in text and "\\u2028" in text and "é" in text

    out = tmp_path / "viz"
    viz.write_facts_files(out, files)
    written = sorted((out / "network-facts").glob("*.js"), key=lambda p: int(p.stem))
    assert [p.name for p in written] == [f"{i}.js" for i in range(len(files))]
    assert written[1].read_text(encoding="utf-8") == viz.facts_script(1, files[1])
    viz.write_facts_files(out, files[:2])  # an earlier run's folder is replaced whole
    assert sorted(p.name for p in (out / "network-facts").glob("*.js")) == ["0.js", "1.js"]
    viz.write_facts_files(out, [])  # and removed when the facts are in the page
    assert not (out / "network-facts").exists()
    (out / "network-facts").mkdir()
    (out / "network-facts" / "mine.txt").write_text("not sezkg's", encoding="utf-8")
    with pytest.raises(OutputError):
        viz.write_facts_files(out, files)
    viz.write_facts_files(out, [])
    assert (out / "network-facts" / "mine.txt").is_file() and not (out / "network-facts" / MARKER).exists()


def test_the_sections_made_beside_the_overlaps_are_the_ones_made_with_them(parts):
    """The report makes the sections that need no overlap in another process, from the labels
    alone (pages.front_page_sections); put back in place they give the page made in one go."""
    kg, queries, overlaps, validation = parts
    made = pages.front_page_sections(kg, queries, overlaps.labels, "2025-06-30")
    assert set(made) == set(pages.WITHOUT_OVERLAPS) and all(made.values())
    whole = pages.front_page_body(kg, queries, overlaps, validation, "summary", "2025-06-30")
    assert pages.front_page_body(kg, queries, overlaps, validation, "summary", "2025-06-30", made) == whole
    assert made["zones_card"] in whole[1] and made["zones"] in whole
    marked = {name: f"<p>{name} made beside</p>" for name in pages.WITHOUT_OVERLAPS}
    page = "".join(pages.front_page_body(kg, queries, overlaps, validation, "summary", "2025-06-30", marked))
    assert all(text in page for text in marked.values())  # what was made is used, not made again
    assert 'id="overlaps"' in page and "Validation" in page


def test_each_query_of_the_front_page_is_asked_once(parts, monkeypatch):
    """The findings' queries serve a card and a section, the conflicts a card and a section: a
    page asks each once (at ~5M triples they are too large for the store to remember)."""
    kg, queries, overlaps, validation = parts
    asked: list[tuple[str, str]] = []
    original = pages.run_select

    def counting(runner, query, params=None):  # type: ignore[no-untyped-def]
        asked.append((query.name, repr(sorted((params or {}).items()))))
        return original(runner, query, params)

    monkeypatch.setattr(pages, "run_select", counting)
    page = _page(parts)
    assert len(asked) == len(set(asked))
    assert {"findings-by-zone", "findings-by-organisation", "conflicting-claims"} <= {name for name, _ in asked}
    monkeypatch.setattr(pages, "run_select", original)
    assert page == _page(parts)


FIGURES_TO_SORT = """
@prefix sez: <https://w3id.org/sezkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
@prefix src: <https://w3id.org/sezkg/source/> .
src:test-b { %s }
src:test-a { ex:o9 a sez:Observation ; rdfs:label "nine" ; sez:observedSubject ex:zone ;
               sez:measure sez:test-measure ; sez:value "9"^^xsd:decimal ; sez:unit ex:unit . }
"""


def test_the_figures_come_in_the_order_of_the_indicators_query(parts, tmp_path):
    """The front page sorts every figure itself rather than have Oxigraph sort them on its
    total-order keys (sezkg.kg.order): the order must be the query's, numbers by value (10
    after 9), a value written two ways by its text, an unbound date before a date."""
    from sezkg.kg.load import load
    from sezkg.questions.catalogue import stream_select

    observations = [("o10", "10", "2020-01-01"), ("o10b", "10.0", None), ("o1", "1", "2019"), ("oA", "10", None)]
    body = " ".join(
        f'ex:{name} a sez:Observation ; rdfs:label "{name}" ; sez:observedSubject ex:zone ; '
        f'sez:measure sez:test-measure ; sez:value "{value}"^^xsd:decimal ; sez:unit ex:unit '
        + (f'; sez:referenceDate "{date}" ' if date else "") + ". " for name, value, date in observations)
    extra = tmp_path / "figures.trig"
    extra.write_text(FIGURES_TO_SORT % body, encoding="utf-8")
    _, queries, overlaps, _ = parts
    for kg in (parts[0], load(data=[extra])):
        variables, rows = stream_select(kg, queries["indicators"])
        at = [variables.index(v) for v in ("label", "measure", "value", "source")]
        expected = [tuple(r[i].value for i in at) for r in rows]
        page = pages.FrontPage(kg, queries, overlaps, "2025-06-30")
        figures, left_out = page.first_figures(len(expected) + 1)
        got = [(f.label, f.measure, f.value, f.source) for f in figures]
        assert [(label, m, float(v), s) for label, m, v, s in expected] == got and len(got) > 4 and left_out == 0
        # A measure's figures are its run of that order; a cut list says how many it left out.
        for measure in {f.measure for f in figures}:
            assert page.figures(measure) == [f for f in figures if f.measure == measure]
        assert page.figures("http://example.org/no-such-measure") == []
        assert page.first_figures(2) == (figures[:2], len(figures) - 2)
    sorted_labels = [f.label for f in figures if f.measure.endswith("test-measure")]
    assert sorted_labels[:2] == ["o1", "nine"] and sorted(sorted_labels[2:]) == ["o10", "o10b", "oA"]
