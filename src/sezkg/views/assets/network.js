// sezkg overlap network on cytoscape.js (vendored): layout by fcose, pan and zoom, search by
// name in any language, filters that follow the function hierarchy, a details panel in plain
// words. Labels never overlap: a label that would cover another is hidden until the node is
// selected or the view is zoomed in far enough to give it room.
(function () {
  "use strict";
  const t0 = performance.now();
  const data = JSON.parse(document.getElementById("sezkg-data").textContent);
  // Links come as [kind, source, target, functions, zones], IRIs as numbers into linkIris.
  const iri = data.linkIris || [];
  data.links = data.links.map(([kind, s, t, fs, zs]) => ({ kind, source: iri[s], target: iri[t],
                                                           functions: fs.map((i) => iri[i]), zones: zs.map((i) => iri[i]) }));
  const words = data.words || {};
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const broader = data.broader || {};
  const status = document.getElementById("status");
  const container = document.getElementById("network");
  const state = { zone: "", fn: "", kinds: new Set(data.kinds), selected: null, lang: "en" };

  // -- names in any language -------------------------------------------------------------------
  function fold(text) {
    return (text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[«»"'’‘“”\-–—_.,()]/g, " ").replace(/\s+/g, " ").trim();
  }
  function shown(n) {
    const other = state.lang !== "en" && n.names && n.names[state.lang];
    return other || n.label;
  }
  const count = (n) => n.toLocaleString("en");
  function short(text) { return text.length <= 30 ? text : text.slice(0, 28) + "…"; }

  // -- the graph ---------------------------------------------------------------------------------
  const kindShape = { organisation: "ellipse", function: "round-rectangle", zone: "triangle", finding: "diamond" };
  // Over data.drawLimit nodes (a KG of thousands of zones) drawing them all takes the browser
  // minutes and shows nothing readable: the page then draws only what the filters keep, one zone
  // to start with, and says so when the filters keep more than it draws.
  const limit = data.drawLimit || Infinity;
  const huge = data.nodes.length > limit;
  const nodeJson = (n) => ({ group: "nodes", data: { id: n.id, kind: n.kind, label: short(n.short || n.label) },
                             position: { x: n.x * 1600, y: n.y * 1100 }, classes: "n-" + n.kind });
  const linkJson = (l, i) => ({ group: "edges", data: { id: "l" + i, source: l.source, target: l.target, kind: l.kind },
                                classes: "link" });
  const overlapJson = (o, i) => ({ group: "edges", data: { id: "o" + i, source: o.source, target: o.target, kind: o.kind },
                                   classes: "overlap ov-" + o.kind });
  const elements = huge ? [] : [...data.nodes.map(nodeJson), ...data.links.map(linkJson), ...data.overlaps.map(overlapJson)];

  const style = [
    { selector: "node", style: { "shape": (e) => kindShape[e.data("kind")] || "ellipse", "width": 18, "height": 18,
      "background-color": "#f2c14e", "border-width": 1.2, "border-color": "#1b1b1b", "label": "data(label)",
      "font-size": 12, "font-family": "system-ui, sans-serif", "color": "#1b1b1b", "text-valign": "bottom",
      "text-margin-y": 3, "text-background-color": "#ffffff", "text-background-opacity": 0.85,
      "text-background-padding": 1, "min-zoomed-font-size": 6 } },
    { selector: "node.n-function", style: { "background-color": "#7fb3d5", "font-style": "italic" } },
    { selector: "node.n-zone", style: { "background-color": "#8fce8f" } },
    { selector: "node.n-finding", style: { "background-color": "#f4a6a0" } },
    { selector: "node.nolabel", style: { "label": "" } },
    { selector: "node.match", style: { "border-width": 4, "border-color": "#a1221b" } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#1f5fa8", "label": "data(label)",
      "z-index": 10 } },
    { selector: "edge.link", style: { "width": 0.8, "line-color": "#9a9a9a", "opacity": 0.55, "curve-style": "haystack" } },
    { selector: "edge[kind = 'reaches']", style: { "line-style": "dotted" } },
    { selector: "edge[kind = 'names']", style: { "line-color": "#d98a84", "width": 2, "opacity": 0.8 } },
    { selector: "edge.overlap", style: { "width": 3, "opacity": 0.85, "curve-style": "bezier" } },
  ];
  for (const k of data.kindStyles || []) {
    style.push({ selector: "edge.ov-" + k.name, style: Object.assign({ "line-color": k.colour },
      k.dash ? { "line-style": "dashed", "line-dash-pattern": k.dash.split(" ").map(Number) } : {}) });
  }
  style.push({ selector: ".hidden", style: { "display": "none" } });

  const big = data.nodes.length > 400;
  const cy = cytoscape({ container, elements, style, minZoom: 0.05, maxZoom: 6,
    layout: { name: "preset" }, boxSelectionEnabled: false, textureOnViewport: big, hideEdgesOnViewport: big });

  function runLayout() {
    return new Promise((resolve) => {
      if (big || typeof cytoscape("layout", "fcose") !== "function") { cy.fit(undefined, 30); resolve(); return; }
      const layout = cy.layout({ name: "fcose", quality: "proof", randomize: false, animate: false,
        nodeDimensionsIncludeLabels: true, nodeRepulsion: 45000, idealEdgeLength: 110, nodeSeparation: 80, gravity: 0.25,
        packComponents: true, fit: true, padding: 30 });
      layout.one("layoutstop", () => resolve());
      layout.run();
    });
  }

  // -- labels that never overlap ---------------------------------------------------------------
  function declutter() {
    // Style changes inside cy.batch() wait for its end, so labels are all shown first, then
    // measured, then the ones that would clash are hidden in one go.
    const order = { organisation: 0, zone: 1, finding: 2, function: 3 };
    const nodes = cy.nodes(":visible").sort((a, b) =>
      (order[a.data("kind")] - order[b.data("kind")]) || (b.degree() - a.degree()));
    cy.nodes(".nolabel").removeClass("nolabel");
    const view = cy.extent();
    const bodies = nodes.map((n) => ({ id: n.id(), box: n.boundingBox({ includeLabels: false, includeNodes: true }) }));
    const hit = (a, b) => a.x1 < b.x2 && a.x2 > b.x1 && a.y1 < b.y2 && a.y2 > b.y1;
    const kept = [];
    const hide = [];
    nodes.forEach((n) => {
      // A label is kept when it lies inside the view and covers no kept label and no node.
      const box = n.boundingBox({ includeLabels: true, includeNodes: false, includeOverlays: false });
      const inside = box.x1 >= view.x1 && box.x2 <= view.x2 && box.y1 >= view.y1 && box.y2 <= view.y2;
      const clash = kept.some((k) => hit(box, k)) || bodies.some((b) => b.id !== n.id() && hit(box, b.box));
      if ((clash || !inside) && !n.selected()) hide.push(n); else kept.push(box);
    });
    cy.batch(() => hide.forEach((n) => n.addClass("nolabel")));
    container.dataset.visibleLabels = String(kept.length);
  }
  let pending = null;
  cy.on("viewport", () => { clearTimeout(pending); pending = setTimeout(declutter, 120); });

  // -- filters that follow the function hierarchy ------------------------------------------------
  function ancestors(f) { return broader[f] || [f]; }
  function fnMatches(functions) {
    if (!state.fn) return true;
    return functions.some((f) => f === state.fn || ancestors(f).includes(state.fn) || ancestors(state.fn).includes(f));
  }
  function zoneMatches(zones, everyZone) { return !state.zone || everyZone || zones.includes(state.zone); }

  // What the filters keep, read off the data (not the drawing): links, overlaps and nodes.
  function kept() {
    const filtering = state.zone || state.fn;
    const keep = new Set();
    const links = [];
    const overlaps = [];
    data.links.forEach((l, i) => {
      if (filtering && !(zoneMatches(l.zones, false) && fnMatches(l.functions))) return;
      links.push(i); keep.add(l.source);
      if (l.kind === "holds" && fnMatches([l.target])) keep.add(l.target);
      if (l.kind === "reaches" && (!state.zone || l.target === state.zone)) keep.add(l.target);
      if (l.kind === "names") keep.add(l.target);
    });
    data.overlaps.forEach((o, i) => {
      if (!(state.kinds.has(o.kind) && zoneMatches(o.zones, o.everyZone) && fnMatches(o.functions))) return;
      overlaps.push(i); keep.add(o.source); keep.add(o.target);
    });
    const nodes = filtering ? data.nodes.filter((n) => keep.has(n.id)) : data.nodes;
    return { links, overlaps, nodes };
  }

  // The huge graph: the kept part drawn afresh, laid out on its own when small enough.
  function redraw(started) {
    const part = kept();
    const shownIds = new Set(part.nodes.map((n) => n.id));
    cy.elements().remove();
    if (part.nodes.length > limit) {
      container.dataset.visibleNodes = "0";
      container.dataset.visibleOverlaps = "0";
      status.textContent = `${count(part.nodes.length)} of ${count(data.nodes.length)} nodes match: more than this page ` +
        `draws at once (${count(limit)}). Choose a zone or a function.`;
      container.dataset.filterMs = (performance.now() - started).toFixed(1);
      return Promise.resolve();
    }
    const links = part.links.filter((i) => shownIds.has(data.links[i].source) && shownIds.has(data.links[i].target));
    cy.add([...part.nodes.map((n) => { const j = nodeJson(n); j.data.label = short(shown(n)); return j; }),
            ...links.map((i) => linkJson(data.links[i], i)), ...part.overlaps.map((i) => overlapJson(data.overlaps[i], i))]);
    container.dataset.visibleNodes = String(part.nodes.length);
    container.dataset.visibleOverlaps = String(part.overlaps.length);
    status.textContent = `Showing ${count(part.nodes.length)} of ${count(data.nodes.length)} nodes and ` +
      `${count(part.overlaps.length)} of ${count(data.overlaps.length)} overlap edges (a zone or function at a time: ` +
      "the graph is too large to draw whole).";
    if (state.selected && shownIds.has(state.selected)) cy.getElementById(state.selected).select();
    const done = () => { container.dataset.filterMs = (performance.now() - started).toFixed(1); declutter(); };
    if (part.nodes.length > 400 || typeof cytoscape("layout", "fcose") !== "function") {
      cy.fit(undefined, 30); done(); return Promise.resolve();
    }
    return new Promise((resolve) => {
      const layout = cy.layout({ name: "fcose", quality: "default", randomize: true, animate: false,
        nodeDimensionsIncludeLabels: true, nodeRepulsion: 45000, idealEdgeLength: 110, nodeSeparation: 80,
        gravity: 0.25, packComponents: true, fit: true, padding: 30 });
      layout.one("layoutstop", () => { done(); resolve(); });
      layout.run();
    });
  }

  function apply() {
    const started = performance.now();
    if (huge) return redraw(started);
    const keep = new Set();
    let shownNodes = 0;
    const filtering = state.zone || state.fn;
    cy.batch(() => {
      data.links.forEach((l, i) => {
        const ok = !filtering || (zoneMatches(l.zones, false) && fnMatches(l.functions));
        const e = cy.getElementById("l" + i);
        if (ok) {
          e.removeClass("hidden"); keep.add(l.source);
          if (l.kind === "holds" && fnMatches([l.target])) keep.add(l.target);
          if (l.kind === "reaches" && (!state.zone || l.target === state.zone)) keep.add(l.target);
          if (l.kind === "names") keep.add(l.target);
        } else e.addClass("hidden");
      });
      let overlaps = 0;
      data.overlaps.forEach((o, i) => {
        const ok = state.kinds.has(o.kind) && zoneMatches(o.zones, o.everyZone) && fnMatches(o.functions);
        const e = cy.getElementById("o" + i);
        if (ok) { e.removeClass("hidden"); keep.add(o.source); keep.add(o.target); overlaps += 1; } else e.addClass("hidden");
      });
      cy.nodes().forEach((n) => {
        const ok = !filtering ? true : keep.has(n.id());
        if (ok) { n.removeClass("hidden"); shownNodes += 1; } else n.addClass("hidden");
      });
      container.dataset.visibleOverlaps = String(overlaps);
    });
    const nodes = shownNodes;
    container.dataset.visibleNodes = String(nodes);
    status.textContent = `Showing ${count(nodes)} of ${count(data.nodes.length)} nodes and ` +
      `${count(Number(container.dataset.visibleOverlaps))} of ${count(data.overlaps.length)} overlap edges.`;
    container.dataset.filterMs = (performance.now() - started).toFixed(1);
    declutter();
    return Promise.resolve();
  }

  // -- details in plain words --------------------------------------------------------------------
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }
  // Only http(s) addresses become links: a source's url may be any IRI, and a javascript: one
  // would run in the page when clicked.
  function web(url) { return /^https?:\/\//i.test(url || ""); }
  // A large KG's facts are in files beside the page (data.factsFolder), each node saying which
  // (factsIn): a file is read, as a script, the first time one of its nodes is opened.
  const factFiles = new Map();  // file index -> Promise, settled once the file has run
  window.sezkgFacts = (i, facts) => { Object.assign(data.facts, facts); };
  function readFacts(i) {
    if (!factFiles.has(i)) {
      factFiles.set(i, new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = `${data.factsFolder}/${i}.js`;
        script.onload = () => resolve();
        script.onerror = () => reject(new Error(script.src));
        document.head.appendChild(script);
      }));
    }
    return factFiles.get(i);
  }
  function details(id) {
    const n = byId.get(id);
    const panel = document.getElementById("details");
    if (n.factsIn !== undefined && !(id in data.facts)) {
      panel.innerHTML = `<h2>${escapeHtml(shown(n))}</h2><p class="muted">Reading what the sources say…</p>`;
      const file = `${data.factsFolder}/${n.factsIn}.js`;
      const unread = () => {
        panel.innerHTML = `<h2>${escapeHtml(shown(n))}</h2><p>What the sources say about it should be in ` +
          `<code>${escapeHtml(file)}</code> beside this page, which could not be read.</p>`;
      };
      readFacts(n.factsIn).then(
        () => { if (state.selected === id) (id in data.facts ? details(id) : unread()); },
        () => { if (state.selected === id) unread(); });
      return;
    }
    const facts = (data.facts[id] || []);
    const rows = facts.map((f) => `<tr><th scope="row">${escapeHtml(f.property)}</th><td>${escapeHtml(f.value)}</td>` +
      `<td>${web(f.url) ? `<a href="${escapeHtml(f.url)}">${escapeHtml(f.source)}</a>` : escapeHtml(f.source)}</td></tr>`).join("");
    const overlaps = data.overlaps.filter((o) => o.source === id || o.target === id)
      .map((o) => o.summary).filter((s, i, all) => all.indexOf(s) === i);
    panel.innerHTML = `<h2>${escapeHtml(shown(n))}</h2><p class="muted">${escapeHtml(words[n.kind] || n.kind)}</p>` +
      (overlaps.length ? `<h3>Overlaps</h3><ul>${overlaps.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul>` : "") +
      (rows ? `<h3>What the sources say</h3><div class="scroll"><table class="data"><thead><tr><th scope="col">Fact</th>` +
              `<th scope="col">Value</th><th scope="col">Source</th></tr></thead><tbody>${rows}</tbody></table></div>`
            : "<p>No facts recorded about it.</p>");
  }
  function select(id, zoom) {
    if (!byId.has(id)) return;
    const node = cy.getElementById(id);
    cy.$(":selected").unselect();
    state.selected = id;
    details(id);  // an undrawn node of the huge graph too: its facts come from the data
    if (!node || node.empty()) return;
    node.select();
    if (zoom) cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.2) }, { duration: 250 });
  }
  cy.on("tap", "node", (ev) => select(ev.target.id(), false));

  // -- search -------------------------------------------------------------------------------------
  const search = document.getElementById("search");
  const list = document.getElementById("names");
  const index = data.nodes.map((n) => ({ id: n.id, keys: [n.label, ...(n.alt || []), ...Object.values(n.names || {})].map(fold) }));
  for (const n of data.nodes) {
    for (const text of [n.label, ...Object.values(n.names || {})]) {
      const o = document.createElement("option"); o.value = text; list.appendChild(o);
    }
  }
  function find(text) {
    const q = fold(text);
    if (!q) return [];
    const exact = index.filter((e) => e.keys.includes(q));
    return exact.length ? exact : index.filter((e) => e.keys.some((k) => k.includes(q)));
  }
  search.addEventListener("input", () => {
    const hits = new Set(find(search.value).map((e) => e.id));
    cy.batch(() => cy.nodes().forEach((n) => (hits.has(n.id()) ? n.addClass("match") : n.removeClass("match"))));
    document.getElementById("search-status").textContent = search.value ? `${hits.size} found` : "";
    container.dataset.matches = String(hits.size);
  });
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { const hits = find(search.value); if (hits.length) select(hits[0].id, true); }
  });

  // -- controls -------------------------------------------------------------------------------------
  const zoneSelect = document.getElementById("zone-filter");
  const fnSelect = document.getElementById("function-filter");
  for (const z of data.zones) { const o = document.createElement("option"); o.value = z.id; o.textContent = z.label; zoneSelect.appendChild(o); }
  if (huge && data.zones.length) {
    // Start on the zone most overlaps reach (the first such in the list): something to read at once.
    const reach = new Map();
    for (const o of data.overlaps) for (const z of o.zones || []) reach.set(z, (reach.get(z) || 0) + 1);
    let best = data.zones[0].id;
    for (const z of data.zones) if ((reach.get(z.id) || 0) > (reach.get(best) || 0)) best = z.id;
    state.zone = best;
    zoneSelect.value = best;
  }
  for (const f of data.functions) { const o = document.createElement("option"); o.value = f.id; o.textContent = f.label; fnSelect.appendChild(o); }
  zoneSelect.addEventListener("change", () => { state.zone = zoneSelect.value; apply(); });
  fnSelect.addEventListener("change", () => { state.fn = fnSelect.value; apply(); });
  document.querySelectorAll("input[name=kind]").forEach((box) => box.addEventListener("change", () => {
    if (box.checked) state.kinds.add(box.value); else state.kinds.delete(box.value);
    apply();
  }));
  document.getElementById("zoom-in").addEventListener("click", () => cy.zoom({ level: cy.zoom() * 1.3, renderedPosition: { x: container.clientWidth / 2, y: container.clientHeight / 2 } }));
  document.getElementById("zoom-out").addEventListener("click", () => cy.zoom({ level: cy.zoom() / 1.3, renderedPosition: { x: container.clientWidth / 2, y: container.clientHeight / 2 } }));
  document.getElementById("fit").addEventListener("click", () => { cy.fit(cy.nodes(":visible"), 30); });

  document.addEventListener("sezkg:lang", (ev) => {
    state.lang = ev.detail.lang;
    cy.batch(() => cy.nodes().forEach((n) => n.data("label", short(shown(byId.get(n.id()))))));
    for (const o of zoneSelect.options) { const n = byId.get(o.value); if (n) o.textContent = shown(n); }
    for (const o of fnSelect.options) { const n = byId.get(o.value); if (n) o.textContent = shown(n); }
    if (state.selected) details(state.selected);
    declutter();
  });

  // Keyboard access to nodes: a list of every node as buttons, for those who cannot point.
  const keyList = document.getElementById("node-list");
  if (keyList && data.nodes.length <= 400) {
    for (const n of [...data.nodes].sort((a, b) => a.label.localeCompare(b.label))) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button"; b.textContent = `${n.label} (${words[n.kind] || n.kind})`; b.dataset.id = n.id;
      b.addEventListener("click", () => select(n.id, true));
      li.appendChild(b); keyList.appendChild(li);
    }
  }

  runLayout().then(() => apply()).then(() => {
    container.dataset.drawMs = (performance.now() - t0).toFixed(1);
    document.body.dataset.ready = "true";
    if (window.sezkgNames && window.sezkgNames.lang() !== "en") {
      document.dispatchEvent(new CustomEvent("sezkg:lang", { detail: { lang: window.sezkgNames.lang() } }));
    }
  });
  window.sezkgNetwork = { cy, select, apply, declutter, huge, limit };
})();
