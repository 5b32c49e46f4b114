"""What every page shares: the HTML frame, the style sheet, the footer with the licence and a
"cite this" line, and the language switch for the names of things.

Names of things (zones, bodies, functions...) are written in English with their IRI in a
`data-iri` attribute; the page carries the Russian and Kazakh names it has in a JSON block,
and a small script swaps them in when the reader picks a language (kept in localStorage, and
announced as a `sezkg:lang` event for pages that draw with JavaScript). Words of the pages
themselves are English and live in `ui.py`.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

from .. import __version__
from . import ui


# JSON inside a <script> element: "<", ">" and "&" (which JSON has only inside strings) written as
# \u escapes, so no text in the data ("</script>", "<!--<script") can end the element or switch
# the HTML parser into one of its escaped script states, which swallows the rest of the page.
# (str.replace, not str.translate: at ~5M triples the network's data is ~190 MB of JSON.)
def script_json(value: object) -> str:
    """`value` as JSON (sorted keys, non-ASCII kept) that is safe inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


TYPE_CHECKING = False  # not `from typing`: see sezkg.cli (start-up time)
if TYPE_CHECKING:
    from ..questions.catalogue import Query
    from ..questions.endpoint import Runner

LANGUAGES = (("en", "English"), ("ru", "Русский"), ("kk", "Қазақша"))

CSS = """
:root { --ink: #1b1b1b; --muted: #4d4d4d; --line: #c8c8c8; --accent: #1f5fa8; --soft: #f3f6fa; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0;
       overflow-wrap: anywhere; }
header, main, footer { padding: 0 1rem; max-width: 84rem; margin: 0 auto; }
header { border-bottom: 1px solid var(--line); }
header .bar { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 0.5rem; }
nav { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; padding: 0.25rem 0 0.6rem; }
a { color: var(--accent); }
h1 { font-size: 1.5rem; margin: 0.8rem 0 0.3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; }
footer { border-top: 1px solid var(--line); margin-top: 2.5rem; padding-top: 0.6rem; padding-bottom: 1.5rem;
         color: var(--muted); font-size: 0.9rem; }
.lang-switch { font-size: 0.95rem; }
select, input, button { font: inherit; max-width: 100%; }
.scroll { overflow-x: auto; max-width: 100%; }
table.data { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 0.3rem 0.45rem; text-align: left;
                               vertical-align: top; overflow-wrap: break-word; }
table.data th { white-space: nowrap; }
table.data caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 0.8rem 1rem; background: var(--soft); }
.card h3 { margin: 0 0 0.4rem; font-size: 1.08rem; }
.card .big { font-size: 1.6rem; font-weight: 700; }
.card ul, .card ol { padding-left: 1.2rem; margin: 0.3rem 0; }
.muted, .kind { color: var(--muted); font-size: 0.88rem; }
figure { margin: 1rem 0; max-width: 100%; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 0.9rem; }
img { max-width: 100%; height: auto; }
.gap { color: #a1221b; font-weight: bold; }
.known { color: var(--ink); }
details > summary { cursor: pointer; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
"""

_SWITCH_SCRIPT = """
(function () {
  var block = document.getElementById('sezkg-names');
  var names = block ? JSON.parse(block.textContent) : {};
  var english = new Map();
  function apply(lang) {
    document.querySelectorAll('[data-iri]').forEach(function (el) {
      if (!english.has(el)) english.set(el, el.textContent);
      var iri = el.getAttribute('data-iri');
      var other = names[lang] && names[lang][iri];
      el.textContent = (lang !== 'en' && other) ? other : english.get(el);
      if (lang !== 'en' && other) el.setAttribute('lang', lang); else el.removeAttribute('lang');
    });
    document.dispatchEvent(new CustomEvent('sezkg:lang', { detail: { lang: lang, names: names } }));
  }
  var select = document.getElementById('lang-switch');
  var chosen = 'en';
  try { chosen = localStorage.getItem('sezkg-lang') || 'en'; } catch (e) { chosen = 'en'; }
  if (select) {
    if (![].some.call(select.options, function (o) { return o.value === chosen; })) chosen = 'en';
    select.value = chosen;
    select.addEventListener('change', function () {
      try { localStorage.setItem('sezkg-lang', select.value); } catch (e) { /* private mode */ }
      apply(select.value);
    });
  }
  window.sezkgNames = { names: names, lang: function () { return select ? select.value : 'en'; }, apply: apply };
  if (chosen !== 'en') apply(chosen);
})();
"""


@dataclass
class Names:
    """The names a page may show in other languages: {lang: {iri: name}}, only real ones."""

    other: dict[str, dict[str, str]] = field(default_factory=dict)

    def for_iris(self, iris: set[str]) -> dict[str, dict[str, str]]:
        # From the page's IRIs, not from every name: a page holds a few dozen IRIs, the KG can
        # name hundreds of thousands of things (looking through them all made a site quadratic).
        return {lang: {i: names[i] for i in sorted(iris) if i in names}
                for lang, names in sorted(self.other.items())}


def names_in_other_languages(runner: Runner, queries: dict[str, Query],
                             english: dict[str, str] | None = None) -> Names:
    """Russian and Kazakh names where a thing has one (not the English fallback). `english`,
    the English labels when the caller has them already (an overlap report's), is not asked again."""
    return names_and_english(runner, queries, english)[1]


def names_and_english(runner: Runner, queries: dict[str, Query],
                      english: dict[str, str] | None = None) -> tuple[dict[str, str], Names]:
    """The English labels (`english` if given) and the names in the other languages, the label
    statements read once for all of them on the embedded store."""
    from ..questions.overlaps import labels_and_names

    others = [lang for lang, _ in LANGUAGES[1:]]
    asked, found = labels_and_names(runner, queries, "en" if english is None else None, others)
    english = english if english is not None else asked
    assert english is not None
    # `labels` in a language is these where a thing has one and its English otherwise; only the
    # things whose name differs from the English are kept, so these suffice.
    return english, Names({lang: {i: n for i, n in names.items() if english.get(i) != n}
                           for lang, names in found.items()})


_WEB = re.compile(r"https?://", re.IGNORECASE)


def web_address(iri: str) -> bool:
    """Whether an IRI from the data may be a link's target: only http and https. An IRI may have
    any scheme, and a `javascript:` one, clicked, would run in the page (in the site, on its
    host); anything else is shown as text."""
    return _WEB.match(iri) is not None


def link_to(iri: str, inner: str, title: str = "") -> str:
    """`inner` (HTML) as a link to an IRI from the data where `web_address` allows it, else as is."""
    if not web_address(iri):
        return inner
    titled = f' title="{html.escape(title, quote=True)}"' if title else ""
    return f'<a href="{html.escape(iri, quote=True)}"{titled}>{inner}</a>'


def name(iri: str, label: str) -> str:
    """A thing's name, switchable to another language on the page."""
    return f'<span data-iri="{html.escape(iri, quote=True)}">{html.escape(label)}</span>'


def cite_line(data_date: str = "") -> str:
    dated = f", data as of {data_date}" if data_date else ""
    return (f"sezkg {__version__}: a knowledge graph of the governance of Kazakhstan's special economic zones"
            f"{dated}. https://w3id.org/sezkg")


def footer(data_date: str = "") -> str:
    return (f'<footer><p>{ui.LICENCE_HTML}</p><p>{html.escape(ui.CITE_AS)} '
            f'<cite>{html.escape(cite_line(data_date))}</cite></p></footer>')


def page(title: str, body: str, nav: str = "", *, data_date: str = "", names: Names | None = None,
         head: str = "", scripts: str = "", main_class: str = "", every_name: bool = False) -> str:
    """A whole page. With `names`, the page gets the language switch and the names of the
    `data-iri` elements it holds in the other languages (with `every_name`, all of them: for
    pages whose scripts show things the HTML does not hold yet, such as query results)."""
    return "".join(page_parts(title, [body], nav, data_date=data_date, names=names, head=head, scripts=scripts,
                              main_class=main_class, every_name=every_name))


def page_parts(title: str, body: list[str], nav: str = "", *, data_date: str = "", names: Names | None = None,
               head: str = "", scripts: str = "", main_class: str = "", every_name: bool = False) -> list[str]:
    """`page`, as the texts whose concatenation it is, the body's parts among them: a page
    holding a large KG's data (~190 MB at ~5M triples) is written part by part, never joined."""
    switch = ""
    names_block = ""
    if names is not None:
        import re

        if every_name:
            present = {lang: dict(sorted(found.items())) for lang, found in sorted(names.other.items()) if found}
        else:
            iris = {html.unescape(i) for part in body for i in re.findall(r'data-iri="([^"]+)"', part)}
            present = {lang: found for lang, found in names.for_iris(iris).items() if found}
        langs = [(code, label) for code, label in LANGUAGES if code == "en" or code in present]
        if len(langs) > 1 or "sezkg:lang" in scripts:
            options = "".join(f'<option value="{c}">{html.escape(label)}</option>' for c, label in langs)
            switch = (f'<label class="lang-switch">{html.escape(ui.NAMES_IN)} '
                      f'<select id="lang-switch">{options}</select></label>')
            payload = script_json(present)
            names_block = f'<script type="application/json" id="sezkg-names">{payload}</script>'
    main_attr = f' class="{main_class}"' if main_class else ""
    opening = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<link rel=\"icon\" href=\"data:,\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n{head}</head>\n<body>\n"
        f"<header><div class=\"bar\"><h1>{html.escape(title)}</h1>{switch}</div>{nav}</header>\n"
        f"<main{main_attr}>\n")
    closing = (f"\n</main>\n{footer(data_date)}\n{names_block}\n"
               + (f"<script>{_SWITCH_SCRIPT}</script>\n" if switch else "")
               + f"{scripts}</body>\n</html>\n")
    return [opening, *body, closing]


def newest_source_date(kg: Runner) -> str:
    """The issue date of the newest source described in the graph: the date the data is as of."""
    rows = kg.select("PREFIX sez: <https://w3id.org/sezkg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
                     "SELECT (MAX(STR(?d)) AS ?newest) WHERE { ?s a sez:Source ; dcterms:issued ?d }")
    newest = rows[0].get("newest") if rows else None
    return newest.value if newest is not None else ""
