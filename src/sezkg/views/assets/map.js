// sezkg zone map: select a region for its zones; filter zones by type and status.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("sezkg-map").textContent);
  const byId = new Map(data.zones.map((z) => [z.id, z]));
  const typeSelect = document.getElementById("type-filter");
  const statusSelect = document.getElementById("status-filter");
  const panel = document.getElementById("map-details");
  const status = document.getElementById("map-status");
  const regions = Array.from(document.querySelectorAll("#map .region"));
  let chosen = null;

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }
  function names() { return window.sezkgNames || { names: {}, lang: () => "en" }; }
  function nameOf(iri, english) {
    const n = names(); const lang = n.lang();
    return (lang !== "en" && n.names[lang] && n.names[lang][iri]) || english;
  }
  function matches(zone) {
    const t = typeSelect.value, s = statusSelect.value;
    return (!t || zone.types.some((x) => x.id === t)) && (!s || zone.status === s);
  }
  function show(region) {
    regions.forEach((r) => r.classList.toggle("chosen", r === region));
    chosen = region;
    const feature = region.dataset.feature;
    const zones = (data.byFeature[feature] || []).map((id) => byId.get(id)).filter(matches);
    const title = region.getAttribute("aria-label").split(":")[0];
    const items = zones.map((z) => {
      const where = z.regions.filter((g) => g.feature === feature)
        .map((g) => nameOf(g.id, g.label) + (g.inside ? " (inside this older boundary)" : "")).join(", ");
      return `<li><strong>${escapeHtml(nameOf(z.id, z.label))}</strong> — ${escapeHtml(z.types.map((t) => nameOf(t.id, t.label)).join(", ") || "type not stated")}; ` +
        `${escapeHtml(z.status || "status unknown")}; ${escapeHtml(where)}${z.areas.length ? "; " + escapeHtml(z.areas.join(" or ")) + " hectares" : ""}</li>`;
    }).join("");
    panel.innerHTML = `<h2>${escapeHtml(title)}</h2>` + (items ? `<ul>${items}</ul>` : "<p>No zone placed here by the sources (with these filters).</p>");
  }
  function apply() {
    let shownZones = 0;
    document.querySelectorAll("#zone-list li").forEach((li) => {
      const ok = matches(byId.get(li.dataset.zone));
      li.hidden = !ok;
      if (ok) shownZones += 1;
    });
    regions.forEach((r) => {
      const any = (data.byFeature[r.dataset.feature] || []).some((id) => matches(byId.get(id)));
      r.classList.toggle("dim", !any);
    });
    status.textContent = `${shownZones} of ${data.zones.length} zones match.`;
    document.getElementById("map").dataset.matching = String(shownZones);
    if (chosen) show(chosen);
  }
  regions.forEach((r) => {
    r.addEventListener("click", () => show(r));
    r.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); show(r); } });
  });
  typeSelect.addEventListener("change", apply);
  statusSelect.addEventListener("change", apply);
  document.addEventListener("sezkg:lang", () => { if (chosen) show(chosen); });
  apply();
  document.body.dataset.ready = "true";
})();
