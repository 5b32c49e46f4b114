// sezkg query page: the catalogue as examples, parameter pickers filled from the data, the
// YASGUI editor (Yasqe) for any read-only query, results with names that link to entity
// pages, CSV/JSON downloads and a bar chart for name-and-number answers. Queries go to the
// page's own server (/sparql); nothing else is fetched.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("sezkg-queries").textContent);
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const ENDPOINT = "/sparql";
  const byName = new Map(data.queries.map((q) => [q.name, q]));
  const $ = (id) => document.getElementById(id);
  let chosen = null;
  let last = null; // the last answer, for the chart and the downloads

  const yasqe = new Yasgui.Yasqe($("yasgui"), {
    value: "PREFIX sez: <https://w3id.org/sezkg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n\n" +
           "SELECT ?zone ?label WHERE {\n  ?zone a sez:SpecialEconomicZone ; rdfs:label ?label .\n  FILTER(LANGMATCHES(LANG(?label), \"en\"))\n}\nORDER BY ?label",
    autocompleters: [], persistenceId: null, showQueryButton: false, resizeable: true,
    requestConfig: { endpoint: ENDPOINT, method: "POST" },
  });

  // The editor's hidden input and its scroll box, named and reachable by keyboard.
  yasqe.getInputField().setAttribute("aria-label", "SPARQL query");
  document.querySelectorAll("#yasgui .CodeMirror-scroll").forEach((el) => el.setAttribute("tabindex", "0"));

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }
  function nameOf(iri) {
    const n = window.sezkgNames;
    const lang = n ? n.lang() : "en";
    return (lang !== "en" && n.names[lang] && n.names[lang][iri]) || data.labels[iri] || "";
  }
  function short(iri) {
    let best = "";
    let out = iri;
    for (const [prefix, ns] of Object.entries(data.prefixes)) {
      if (iri.startsWith(ns) && ns.length > best.length && /^[A-Za-z0-9_.-]+$/.test(iri.slice(ns.length))) {
        best = ns; out = prefix + ":" + iri.slice(ns.length);
      }
    }
    return out;
  }
  // Where a name in the results links to: a thing's page on this server, another web address,
  // or nowhere (null) for any other scheme: a javascript: IRI in the data would run when clicked.
  function page(iri) {
    if (!iri.startsWith(data.base) || iri.includes("#")) return /^https?:\/\//i.test(iri) ? iri : null;
    return "/" + iri.slice(data.base.length).replace(/^\/+|\/+$/g, "") + "/";
  }

  // -- parameters: typed, bound as RDF terms like `sezkg query --param` ---------------------------
  const forms = {
    date: [/^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "date"],
    gyear: [/^-?\d{4,}$/, "gYear"],
    integer: [/^[+-]?\d+$/, "integer"],
    decimal: [/^[+-]?(\d+(\.\d*)?|\.\d+)$/, "decimal"],
    boolean: [/^(true|false)$/, "boolean"],
  };
  // A day the calendar has (the forms above allow day 31 in any month), as `sezkg query` checks it.
  function onCalendar(value) {
    const m = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) return true;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return day <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  }
  function term(p, value) {
    if (p.values && p.values.length && !p.values.includes(value)) {
      throw new Error(`${p.name}: one of ${p.values.join(", ")}`);
    }
    if ((p.type === "when" || p.type === "date") && !onCalendar(value)) {
      throw new Error(`${p.name}: ${value} is not a day on the calendar`);
    }
    if (p.type === "iri") {
      if (/[\s<>"{}|\\^`]/.test(value) || !value.includes(":")) throw new Error(`${p.name}: not an IRI`);
      return `<${value}>`;
    }
    if (p.type === "string") return JSON.stringify(value);
    if (p.type === "when") {
      if (/^[1-9]\d{3}$/.test(value)) return `"${value}"^^<${XSD}gYear>`;
      if (/^[1-9]\d{3}-(0[1-9]|1[0-2])$/.test(value)) return `"${value}"^^<${XSD}gYearMonth>`;
      if (/^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(value)) return `"${value}"^^<${XSD}date>`;
      throw new Error(`${p.name}: give a year, a month or a day, e.g. 2015, 2015-06 or 2015-06-30`);
    }
    const [form, datatype] = forms[p.type];
    if (!form.test(value)) throw new Error(`${p.name}: not ${p.reads}`);
    return `"${value}"^^<${XSD}${datatype}>`;
  }
  function bound(q) {
    let text = q.text;
    for (const p of q.params) {
      const field = document.querySelector(`[name="param-${p.name}"]`);
      const value = field ? field.value.trim() : "";
      if (!value) continue;
      const slot = new RegExp(`VALUES\\s+\\?${p.name}\\s*\\{\\s*UNDEF\\s*\\}`);
      text = text.replace(slot, () => `VALUES ?${p.name} { ${term(p, value)} }`);
    }
    return text;
  }
  function showParams(q) {
    const form = $("params");
    form.innerHTML = "";
    for (const p of q.params) {
      const label = document.createElement("label");
      label.textContent = `${p.name} (${p.reads})`;
      let field;
      if (p.options && p.options.length) {
        field = document.createElement("select");
        field.add(new Option("any", ""));
        for (const o of p.options) field.add(new Option(nameOf(o.iri) || o.label, o.iri));
      } else if (p.values && p.values.length) {
        field = document.createElement("select");
        field.add(new Option("any", ""));
        for (const v of p.values) field.add(new Option(v, v));
      } else if (p.type === "boolean") {
        field = document.createElement("select");
        for (const v of ["", "true", "false"]) field.add(new Option(v || "any", v));
      } else {
        field = document.createElement("input");
        field.type = "text";
        field.placeholder = p.type === "when" ? "2024 or 2024-06 or 2024-06-30" : p.reads;
      }
      field.name = `param-${p.name}`;
      if (p.default) field.value = p.default;
      field.title = p.doc || "";
      field.addEventListener("change", () => { try { yasqe.setValue(bound(q)); status(""); } catch (e) { status(e.message); } });
      label.appendChild(field);
      form.appendChild(label);
    }
  }
  function choose(name) {
    const q = byName.get(name);
    chosen = q;
    document.querySelectorAll("#catalogue button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.name === name)));
    $("chosen-title").textContent = q.title;
    $("chosen-question").textContent = q.question;
    showParams(q);
    yasqe.setValue(q.text);
  }
  for (const q of data.queries) {
    const b = document.createElement("button");
    b.type = "button"; b.dataset.name = q.name; b.setAttribute("aria-pressed", "false");
    b.innerHTML = `${escapeHtml(q.title)}<span class="q">${escapeHtml(q.question)}</span>`;
    b.addEventListener("click", () => choose(q.name));
    $("catalogue").appendChild(b);
  }

  // -- running, showing, downloading ------------------------------------------------------------------
  function status(text) { $("answer-status").textContent = text; }
  async function ask(query, accept) {
    const response = await fetch(ENDPOINT, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
      body: new URLSearchParams({ query }).toString(),
    });
    if (!response.ok) throw new Error(`${response.status}: ${(await response.text()).slice(0, 400)}`);
    return response;
  }
  function cell(t) {
    if (!t) return "";
    if (t.type === "uri") {
      const name = nameOf(t.value);
      const target = page(t.value);
      const text = escapeHtml(name || short(t.value));
      const link = target === null ? text : `<a href="${escapeHtml(target)}">${text}</a>`;
      return name ? `${link} <span class="muted">${escapeHtml(short(t.value))}</span>` : link;
    }
    const number = t.datatype && /#(decimal|integer|double|float|long|int|nonNegativeInteger)$/.test(t.datatype);
    if (number && isFinite(Number(t.value))) return escapeHtml(Number(t.value).toLocaleString("en-GB", { maximumFractionDigits: 6 }));
    return escapeHtml(t.value) + (t["xml:lang"] ? ` <span class="muted">@${escapeHtml(t["xml:lang"])}</span>` : "");
  }
  function table(result) {
    const vars = result.head.vars;
    const rows = result.results.bindings;
    const head = vars.map((v) => `<th scope="col">${escapeHtml(v)}</th>`).join("");
    const body = rows.map((r) => "<tr>" + vars.map((v) => `<td>${cell(r[v])}</td>`).join("") + "</tr>").join("");
    $("answer").innerHTML = `<div class="scroll" tabindex="0" role="region" aria-label="Answer table"><table class="data">` +
      `<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
  }
  function chart(result) {
    const vars = result.head.vars;
    const rows = result.results.bindings;
    const numeric = vars.filter((v) => rows.length && rows.every((r) => r[v] && r[v].datatype && isFinite(Number(r[v].value))));
    const named = vars.filter((v) => rows.length && rows.every((r) => r[v] && r[v].type === "uri"));
    $("chart").innerHTML = "";
    if (!numeric.length || !named.length || rows.length > 60) return;
    const [n, v] = [named[0], numeric[0]];
    const values = rows.map((r) => Number(r[v].value));
    const top = Math.max(...values.map(Math.abs)) || 1;
    const rowH = 24, labelW = 260, barW = 340;
    const bars = rows.map((r, i) => {
      const w = Math.max(1, barW * Math.abs(values[i]) / top);
      const label = (nameOf(r[n].value) || short(r[n].value)).slice(0, 40);
      return `<text x="${labelW - 6}" y="${i * rowH + 16}" text-anchor="end">${escapeHtml(label)}</text>` +
        `<rect x="${labelW}" y="${i * rowH + 4}" width="${w}" height="${rowH - 8}" fill="#2f6db3"/>` +
        `<text x="${labelW + w + 4}" y="${i * rowH + 16}">${escapeHtml(values[i].toLocaleString("en-GB"))}</text>`;
    }).join("");
    $("chart").innerHTML = `<figure><svg viewBox="0 0 ${labelW + barW + 120} ${rows.length * rowH + 6}" role="img" ` +
      `aria-label="${escapeHtml(v)} by ${escapeHtml(n)}" style="font:13px system-ui,sans-serif;max-width:100%">${bars}</svg>` +
      `<figcaption>${escapeHtml(v)} by ${escapeHtml(n)}</figcaption></figure>`;
  }
  async function run() {
    const query = yasqe.getValue();
    status("Asking…");
    try {
      const started = performance.now();
      const response = await ask(query, "application/sparql-results+json");
      const result = await response.json();
      last = { query, result };
      if (result.boolean !== undefined) { $("answer").textContent = result.boolean ? "yes" : "no"; $("chart").innerHTML = ""; }
      else { table(result); chart(result); }
      const count = result.results ? result.results.bindings.length : 1;
      status(`${count} row${count === 1 ? "" : "s"} in ${((performance.now() - started) / 1000).toFixed(2)} s.`);
      document.body.dataset.answered = String(count);
    } catch (e) {
      status(`The server refused or failed: ${e.message}`);
      document.body.dataset.answered = "error";
    }
  }
  async function download(accept, extension) {
    try {
      const response = await ask(yasqe.getValue(), accept);
      const blob = await response.blob();
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = `${chosen ? chosen.name : "answer"}.${extension}`;
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    } catch (e) { status(`Download failed: ${e.message}`); }
  }
  $("run").addEventListener("click", run);
  $("download-csv").addEventListener("click", () => download("text/csv", "csv"));
  $("download-json").addEventListener("click", () => download("application/sparql-results+json", "json"));
  document.addEventListener("sezkg:lang", () => { if (chosen) showParams(chosen); if (last && last.result.results) { table(last.result); chart(last.result); } });
  const wanted = new URLSearchParams(location.search).get("q");
  if (wanted && byName.has(wanted)) choose(wanted);
  document.body.dataset.ready = "true";
})();
