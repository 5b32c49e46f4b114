"""`labels` on the embedded store reads the label statements instead of running the catalogue's
`labels` query: both must give the same answer, on the bundled KG and on labels chosen to
catch a difference (tags in any case and under a range, several labels in one language, text
that sorts by code point, labels that do not count, statements in the default graph)."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from sezkg.kg.load import KnowledgeGraph
from sezkg.questions import overlaps
from sezkg.questions.catalogue import catalogue, run_select, unordered

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")


def by_query(kg: KnowledgeGraph, lang: str, name: str = "labels") -> dict[str, str]:
    """The catalogue query's own answer (`labels`, or `labels-in-language`: labels in `lang`
    only, no English), as `labels` gave it before reading the statements."""
    rows = run_select(kg, unordered(catalogue()[name]), {"lang": lang})
    return dict(sorted((r["thing"].value, r["label"].value) for r in rows))


def both_agree(kg: KnowledgeGraph, lang: str) -> dict[str, str]:
    read = overlaps._labels_from_store(kg, lang)
    assert read == by_query(kg, lang), lang
    only = overlaps._labels_from_store(kg, lang, english=False)
    assert only == by_query(kg, lang, "labels-in-language"), lang
    assert overlaps.labels_in_language(kg, lang=lang) == only
    return read


def at_once_agree(kg: KnowledgeGraph, lang: str | None, others: list[str]) -> None:
    """The labels in `lang` and the names in each of `others`, read in one pass over the label
    statements, are the queries' answers."""
    first, names = overlaps.labels_and_names(kg, lang=lang, others=others)
    assert first == (by_query(kg, lang) if lang is not None else None)
    assert names == {other: by_query(kg, other, "labels-in-language") for other in others}


@pytest.mark.parametrize("lang", ["en", "ru", "kk", "EN", "en-GB", "zz"])
def test_the_bundled_kg_gets_the_query_answer(kg, lang):
    read = both_agree(kg, lang)
    assert overlaps.labels(kg, lang=lang) == read
    assert len(read) > 300
    if lang in ("ru", "kk"):
        assert 20 < len(overlaps.labels_in_language(kg, lang=lang)) < len(read)


def test_the_bundled_kg_gets_the_query_answers_at_once(kg):
    from sezkg.views.chrome import names_and_english, names_in_other_languages

    at_once_agree(kg, "en", ["ru", "kk"])
    at_once_agree(kg, None, ["kk", "ru", "en"])
    english, names = names_and_english(kg, catalogue())
    assert english == by_query(kg, "en")
    assert names == names_in_other_languages(kg, catalogue(), english=english)
    assert 20 < len(names.other["ru"]) and 20 < len(names.other["kk"])


def test_the_labels_that_could_differ(monkeypatch):
    store = ox.Store()
    g = ox.NamedNode("https://example.org/graph")
    data = """
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix x: <https://example.org/> .
    x:cases rdfs:label "b"@en, "a"@en-GB, "Z"@EN .
    x:ties rdfs:label "b"@en-gb, "b"@en .
    x:accents rdfs:label "\u00e9"@en, "e\u0301"@en, "\u00e4"@en .
    x:russian rdfs:label "Б"@ru, "А"@ru-KZ, "A"@en .
    x:kazakh rdfs:label "Қ"@kk, "K"@en ; skos:prefLabel "P"@en .
    x:preferred skos:prefLabel "Pref"@en, "Alt"@en-US, "Рус"@ru .
    x:plain rdfs:label "no tag", "typed"^^<http://www.w3.org/2001/XMLSchema#string> .
    x:iri rdfs:label x:other .
    x:english-prefix rdfs:label "wrong range"@eng, "right"@en-x-private .
    _:blank rdfs:label "a blank node"@en .
    """
    store.load(data.encode(), ox.RdfFormat.TURTLE, to_graph=g)
    store.add(ox.Quad(ox.NamedNode("https://example.org/default"), RDFS_LABEL, ox.Literal("in the default graph",
                                                                                        language="en")))
    store.add(ox.Quad(ox.NamedNode("https://example.org/ties"), RDFS_LABEL, ox.Literal("a", language="en"),
                      ox.NamedNode("https://example.org/second")))
    kg = KnowledgeGraph(store)
    for lang in ("en", "ru", "kk", "RU", "ru-KZ", "en-US", "fr"):
        both_agree(kg, lang)
    at_once_agree(kg, "en", ["ru", "kk", "RU", "ru-KZ", "en-US", "fr", "en"])
    at_once_agree(kg, "ru-KZ", ["kk"])
    # rdfs:label only: the Russian skos:prefLabel is no Russian name.
    assert overlaps.labels_in_language(kg, lang="ru") == {"https://example.org/russian": "А"}
    english = overlaps._labels_from_store(kg, "en")
    assert english["https://example.org/cases"] == "Z" and english["https://example.org/ties"] == "a"
    assert english["https://example.org/accents"] == "e\u0301"
    assert english["https://example.org/english-prefix"] == "right"
    assert "https://example.org/plain" not in english and "https://example.org/iri" not in english
    assert overlaps._labels_from_store(kg, "ru")["https://example.org/russian"] == "А"
    assert overlaps._labels_from_store(kg, "kk")["https://example.org/preferred"] == "Alt"

    # A language the fast path does not read, or another labels query: the query answers.
    asked: list[str] = []
    original = KnowledgeGraph.select

    def select(self: KnowledgeGraph, sparql: str):  # type: ignore[no-untyped-def]
        asked.append(sparql)
        return original(self, sparql)

    monkeypatch.setattr(KnowledgeGraph, "select", select)
    assert overlaps.labels(kg, lang="en") == english and not asked
    assert overlaps.labels(kg, lang="*") == by_query(kg, "*") and asked
    asked.clear()
    queries = dict(catalogue())
    changed = queries["labels"]
    queries["labels"] = type(changed)(changed.name, changed.title, changed.question,
                                      changed.text.replace("MIN(?chosen)", "MAX(?chosen)"), changed.path, changed.params)
    assert overlaps.labels(kg, queries, "en")["https://example.org/cases"] == "b" and asked


def test_random_labels():
    rng = random.Random(2026)
    texts = ["a", "A", "b", "Z", "é", "e\u0301", "ä", "Қ", "zone", "Zone", "zone ", "1", "10", "9", ""]
    tags = ["en", "EN", "en-GB", "en-gb", "ru", "ru-KZ", "kk", "kk-Cyrl", "eng", "de", None]
    store = ox.Store()
    for i in range(400):
        thing = ox.NamedNode(f"https://example.org/thing/{i}")
        for _ in range(rng.randint(1, 5)):
            tag = rng.choice(tags)
            literal = ox.Literal(rng.choice(texts), language=tag) if tag else ox.Literal(rng.choice(texts))
            graph = ox.NamedNode(f"https://example.org/graph/{rng.randint(0, 3)}")
            store.add(ox.Quad(thing, rng.choice([RDFS_LABEL, RDFS_LABEL, PREF_LABEL]), literal, graph))
    kg = KnowledgeGraph(store)
    for lang in ("en", "ru", "kk", "en-gb", "KK-cyrl", "de"):
        assert len(both_agree(kg, lang)) > 200
    at_once_agree(kg, "en", ["ru", "kk", "en-gb", "KK-cyrl", "de"])
    at_once_agree(kg, "kk", ["en", "ru"])


def _names_by_query(kg: KnowledgeGraph, nodes: set[str]) -> dict[str, list[str]]:
    from sezkg.views import viz

    queries = dict(catalogue())
    query = queries["names"]  # another text, the same query: the catalogue's path runs it
    queries["names"] = type(query)(query.name, query.title, query.question, "# as asked\n" + query.text, query.path,
                                   query.params)
    return viz._names_of(kg, queries, nodes)


def test_the_network_reads_every_name_of_its_nodes_as_the_names_query_gives_them(kg):
    """The network page's other names of a node (`viz._names_of`, read off the statements) are
    the `names` query's, for every named thing of the bundled KG and for the labels above."""
    from sezkg.views import viz

    everything = {t.value for t in kg.subjects() if isinstance(t, ox.NamedNode)}
    read = viz._names_of(kg, catalogue(), everything)
    asked = _names_by_query(kg, everything)
    assert {t: sorted(set(n)) for t, n in read.items()} == {t: sorted(set(n)) for t, n in asked.items()}
    assert len(read) > 300 and any(len(set(n)) > 2 for n in read.values())
    some = set(sorted(everything)[::7])
    assert set(viz._names_of(kg, catalogue(), some)) == set(read) & some


def test_the_network_asks_names_a_batch_of_nodes_at_a_time(kg, monkeypatch):
    """Read in batches, the names are the same, and a node that is no IRI (a network node made
    of an unbound cell is "") has none rather than breaking the query."""
    from sezkg.views import viz

    everything = {t.value for t in kg.subjects() if isinstance(t, ox.NamedNode)}
    whole = viz._names_of(kg, catalogue(), everything)
    monkeypatch.setattr(viz, "NAMES_BATCH", 7)
    batched = viz._names_of(kg, catalogue(), everything | {"", "not an IRI"})
    assert {t: set(n) for t, n in batched.items()} == {t: set(n) for t, n in whole.items()}
    assert "" not in batched and len(everything) > 7 * 50
