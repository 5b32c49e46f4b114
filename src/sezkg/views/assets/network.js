// sezkg overlap network: draws the embedded data as SVG, filters it, shows a node's facts.
// No external code: this file is inlined into the page so that it works offline.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("sezkg-data").textContent);
  const SVG = "http://www.w3.org/2000/svg";
  const svg = document.getElementById("network");
  const W = 1000, H = 700, PAD = 40;
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const state = { zone: "", fn: "", kinds: new Set(data.kinds), selected: null };
  const showLabels = data.nodes.length <= 200;

  function px(n) { return PAD + n.x * (W - 2 * PAD); }
  function py(n) { return PAD + n.y * (H - 2 * PAD); }
  function el(name, attrs, parent) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (parent) parent.appendChild(e);
    return e;
  }

  // Layers: links under overlap edges under nodes under labels.
  const gLinks = el("g", { class: "links" }, svg);
  const gOverlaps = el("g", { class: "overlaps" }, svg);
  const gNodes = el("g", { class: "nodes" }, svg);
  const gLabels = el("g", { class: "labels" }, svg);

  const linkEls = data.links.map((l) => {
    const a = byId.get(l.source), b = byId.get(l.target);
    const line = el("line", { x1: px(a), y1: py(a), x2: px(b), y2: py(b), class: "link link-" + l.kind }, gLinks);
    return { data: l, el: line };
  });
  const overlapEls = data.overlaps.map((o) => {
    const a = byId.get(o.source), b = byId.get(o.target);
    const line = el("line", {
      x1: px(a), y1: py(a), x2: px(b), y2: py(b),
      class: "overlap overlap-" + o.kind,
      "stroke-width": Math.min(2 + o.weight, 9),
    }, gOverlaps);
    el("title", {}, line).textContent = o.summary;
    return { data: o, el: line };
  });
  const nodeEls = data.nodes.map((n) => {
    const x = px(n), y = py(n);
    let shape;
    if (n.kind === "function") {
      shape = el("rect", { x: x - 6, y: y - 6, width: 12, height: 12 }, gNodes);
    } else if (n.kind === "zone") {
      shape = el("path", { d: `M ${x} ${y - 8} L ${x + 8} ${y + 6} L ${x - 8} ${y + 6} Z` }, gNodes);
    } else if (n.kind === "finding") {
      shape = el("path", { d: `M ${x} ${y - 8} L ${x + 8} ${y} L ${x} ${y + 8} L ${x - 8} ${y} Z` }, gNodes);
    } else {
      shape = el("circle", { cx: x, cy: y, r: 7 }, gNodes);
    }
    shape.setAttribute("class", "node node-" + n.kind);
    shape.setAttribute("data-id", n.id);
    shape.setAttribute("tabindex", "0");
    shape.setAttribute("role", "button");
    shape.setAttribute("aria-label", n.kind + ": " + n.label);
    el("title", {}, shape).textContent = n.kind + ": " + n.label;
    shape.addEventListener("click", () => select(n.id));
    shape.addEventListener("keydown", (ev) => { if (ev.key === "Enter") select(n.id); });
    let label = null;
    if (showLabels) {
      label = el("text", { x: x + 10, y: y + 4, class: "label label-" + n.kind }, gLabels);
      label.textContent = n.short || n.label;
    }
    return { data: n, el: shape, label };
  });

  function visibleNodes() {
    if (!state.zone && !state.fn) return null; // everything
    const keep = new Set();
    for (const l of data.links) {
      const zoneOk = !state.zone || l.zones.includes(state.zone);
      const fnOk = !state.fn || l.functions.includes(state.fn);
      if (zoneOk && fnOk) {
        keep.add(l.source);
        if (l.kind === "holds" && (!state.fn || l.target === state.fn)) keep.add(l.target);
        if (l.kind === "reaches" && (!state.zone || l.target === state.zone)) keep.add(l.target);
      }
    }
    if (state.zone) keep.add(state.zone);
    if (state.fn) keep.add(state.fn);
    return keep;
  }

  function apply() {
    const keep = visibleNodes();
    const visible = (id) => keep === null || keep.has(id);
    let shown = 0;
    for (const n of nodeEls) {
      const on = visible(n.data.id);
      n.el.style.display = on ? "" : "none";
      if (n.label) n.label.style.display = on ? "" : "none";
      if (on) shown += 1;
    }
    for (const l of linkEls) {
      l.el.style.display = visible(l.data.source) && visible(l.data.target) ? "" : "none";
    }
    let overlaps = 0;
    for (const o of overlapEls) {
      const d = o.data;
      const on = state.kinds.has(d.kind) && visible(d.source) && visible(d.target)
        && (!state.zone || d.zones.length === 0 || d.zones.includes(state.zone))
        && (!state.fn || d.functions.length === 0 || d.functions.includes(state.fn));
      o.el.style.display = on ? "" : "none";
      if (on) overlaps += 1;
    }
    document.getElementById("status").textContent =
      `Showing ${shown} of ${nodeEls.length} nodes and ${overlaps} of ${overlapEls.length} overlap edges.`;
    svg.setAttribute("data-visible-nodes", String(shown));
    svg.setAttribute("data-visible-overlaps", String(overlaps));
  }

  function select(id) {
    state.selected = id;
    const n = byId.get(id);
    for (const x of nodeEls) x.el.classList.toggle("selected", x.data.id === id);
    const panel = document.getElementById("details");
    panel.replaceChildren();
    const h = document.createElement("h2");
    h.textContent = n.label;
    const kind = document.createElement("p");
    kind.className = "kind";
    kind.textContent = n.kind + " — " + n.id;
    panel.append(h, kind);
    const facts = data.facts[id] || [];
    if (facts.length === 0) {
      const p = document.createElement("p");
      p.textContent = "No facts recorded about this node.";
      panel.append(p);
      return;
    }
    const table = document.createElement("table");
    table.className = "facts";
    const head = table.insertRow();
    for (const t of ["Property", "Value", "Source"]) {
      const th = document.createElement("th");
      th.textContent = t;
      head.append(th);
    }
    for (const f of facts) {
      const row = table.insertRow();
      row.insertCell().textContent = f.property;
      row.insertCell().textContent = f.value;
      const cell = row.insertCell();
      const a = document.createElement("a");
      a.href = f.url || f.sourceIri;
      a.textContent = f.source;
      a.rel = "noopener";
      cell.append(a);
    }
    panel.append(table);
  }

  function fillSelect(id, items) {
    const sel = document.getElementById(id);
    for (const item of items) {
      const opt = document.createElement("option");
      opt.value = item.id;
      opt.textContent = item.label;
      sel.append(opt);
    }
    return sel;
  }
  fillSelect("zone-filter", data.zones).addEventListener("change", (ev) => { state.zone = ev.target.value; apply(); });
  fillSelect("function-filter", data.functions).addEventListener("change", (ev) => { state.fn = ev.target.value; apply(); });
  for (const box of document.querySelectorAll("input[name=kind]")) {
    box.addEventListener("change", () => {
      if (box.checked) state.kinds.add(box.value); else state.kinds.delete(box.value);
      apply();
    });
  }
  apply();
  document.body.setAttribute("data-ready", "true");
})();
