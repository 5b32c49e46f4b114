"""The query page that `sezkg serve` gives browsers at / and /sparql: the catalogue as
examples with their questions, parameter pickers filled from the data by name, the YASGUI
editor (vendored @zazuko/yasgui) for any read-only query, results with names beside
identifiers that link to the entity pages, CSV and JSON downloads, and a bar chart when a
result is a name and a number.

The page is part of the static site (`query/index.html`); its data -- the catalogue with
typed parameters, and for each IRI parameter the things of the right kind by name -- is
embedded, so it makes no request but the SPARQL queries to its own server.
"""

from __future__ import annotations

import html
from collections import defaultdict

from ..kg.namespaces import BASE, PREFIXES
from ..questions.catalogue import Query, catalogue
from ..questions.endpoint import Runner
from ..questions.names import WANTED, resolver
from . import ui
from .chrome import Names, page, script_json

QUERY_SCRIPTS = (("yasgui", "yasgui.min.js"),)

QUERY_CSS = """
.q-layout { display: grid; grid-template-columns: minmax(14rem, 1fr) minmax(0, 3fr); gap: 1rem; }
@media (max-width: 900px) { .q-layout { grid-template-columns: minmax(0, 1fr); } }
#catalogue { max-height: 80vh; overflow-y: auto; border: 1px solid var(--line); padding: 0.4rem; }
#catalogue button { display: block; width: 100%; text-align: left; background: none; border: 0;
                    border-bottom: 1px solid var(--line); padding: 0.4rem 0.2rem; cursor: pointer; font-size: 0.95rem; }
#catalogue button[aria-pressed=true] { background: var(--soft); font-weight: 600; }
#catalogue .q { display: block; color: var(--muted); font-size: 0.85rem; font-weight: normal; }
#params { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: end; margin: 0.5rem 0; }
#params label { display: flex; flex-direction: column; font-size: 0.9rem; }
#params select, #params input { max-width: 18rem; }
#params input[type="text"] { width: 17rem; }  /* "2024 or 2024-06 or 2024-06-30" in full */
#yasgui { min-height: 300px; }
#answer table.data td a { word-break: break-word; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0.5rem 0; }
/* Editor colours with at least 4.5:1 contrast on white (the editor's own are lighter). */
.CodeMirror .cm-comment { color: #7a4800; }
.CodeMirror .cm-string, .CodeMirror .cm-string-2 { color: #a11a1a; }
.CodeMirror .cm-keyword { color: #5a2a8c; }
.CodeMirror .cm-variable, .CodeMirror .cm-variable-2, .CodeMirror .cm-variable-3 { color: #1b3f8c; }
.CodeMirror .cm-atom, .CodeMirror .cm-number, .CodeMirror .cm-builtin { color: #0f5c3a; }
.CodeMirror .cm-tag, .CodeMirror .cm-def, .CodeMirror .cm-meta, .CodeMirror .cm-qualifier { color: #7a2e6e; }
.CodeMirror .cm-punc, .CodeMirror .cm-bracket, .CodeMirror-linenumber { color: #4d4d4d; }
"""


def query_page_data(runner: Runner, queries: dict[str, Query] | None = None) -> dict[str, object]:
    """The catalogue with typed parameters, and for IRI parameters the named things of the
    kind each wants (zones, organisations, functions, regions, sources), sorted by name."""
    queries = queries or catalogue()
    names = resolver(runner, queries)  # the same names and kinds `--param` resolves against
    labels = names.labels
    by_kind: dict[str, list[dict[str, str]]] = defaultdict(list)
    for iri, found in names.kinds.items():
        for kind in found:
            by_kind[kind].append({"iri": iri, "label": labels[iri]})
    options = {k: sorted(v, key=lambda x: (x["label"].casefold(), x["iri"])) for k, v in by_kind.items()}
    catalogue_data = []
    for q in sorted(queries.values(), key=lambda q: (q.is_violation, q.title)):
        params = []
        for p in q.params:
            wanted = WANTED.get(p.name) if p.type == "iri" else None
            params.append({"name": p.name, "type": p.type, "reads": p.reads, "default": p.default, "doc": p.doc,
                           "options": options.get(wanted, []) if wanted else [], "values": list(p.values)})
        catalogue_data.append({"name": q.name, "title": q.title, "question": q.question, "text": q.text,
                               "params": params})
    return {"queries": catalogue_data, "labels": labels, "base": BASE, "prefixes": PREFIXES}


def query_page_html(runner: Runner, names: Names | None = None, data_date: str = "", prefix: str = "../",
                    home: str = "../index.html") -> str:
    data = query_page_data(runner)
    payload = script_json(data)
    e = html.escape
    body = f"""
<p>{e(ui.QUERY_INTRO)}</p>
<div class="q-layout">
  <section aria-label="Query catalogue"><h2>Questions</h2><div id="catalogue" tabindex="0" role="region" aria-label="Questions to pick from"></div></section>
  <section aria-labelledby="chosen-title">
    <h2 id="chosen-title">Your own query</h2>
    <p id="chosen-question" class="muted">Write SPARQL below, or pick a question.</p>
    <form id="params" aria-label="Parameters"></form>
    <div class="actions"><button type="button" id="run">Run</button>
      <button type="button" id="download-csv">Download CSV</button>
      <button type="button" id="download-json">Download JSON</button></div>
    <div id="yasgui"></div>
    <h2>Answer</h2>
    <p id="answer-status" role="status"></p>
    <div id="chart"></div>
    <div id="answer"></div>
  </section>
</div>
<script type="application/json" id="sezkg-queries">{payload}</script>
"""
    scripts = "".join(f'<script src="{prefix}assets/vendor/{p}/{f}"></script>\n' for p, f in QUERY_SCRIPTS)
    scripts += f'<script src="{prefix}assets/query.js"></script>\n'
    head = (f'<link rel="stylesheet" href="{prefix}assets/vendor/yasgui/yasgui.min.css">'
            f"<style>{QUERY_CSS}</style>")
    nav = f'<nav aria-label="Site"><a href="{e(home)}">sezkg home</a></nav>'
    return page(ui.QUERY_TITLE, body, nav, names=names, data_date=data_date, head=head, scripts=scripts,
                every_name=True)
