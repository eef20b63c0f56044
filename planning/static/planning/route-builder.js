// Route builder enhancement: a Leaflet map of the hotspots over the stop list, up/down buttons
// to adjust the order, and a live total of the walk from the chosen start. Without JavaScript
// (or when Leaflet or the tiles fail) the form below the map works on its own: tick stops,
// type the order, submit.
(function () {
  "use strict";

  const form = document.getElementById("route-form");
  const dataNode = document.getElementById("route-data");
  if (!form || !dataNode) return;
  const data = JSON.parse(dataNode.textContent);
  const tbody = document.querySelector("#stops-table tbody");

  const checkbox = (id) => document.getElementById("id_stop_" + id);
  const position = (id) => document.getElementById("id_pos_" + id);
  const latInput = document.getElementById("id_start_latitude");
  const lonInput = document.getElementById("id_start_longitude");
  const startStop = document.getElementById("id_start_stop");
  const liveSummary = document.getElementById("live-summary");
  const lang = document.documentElement.lang || "fr";
  // One decimal, the page's language, no grouping: the server prints the same (planning/formatting.py).
  const kmFormat = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1, useGrouping: false });
  const intFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 0, useGrouping: false });

  function startKind() {
    const checked = form.querySelector('input[name="start_kind"]:checked');
    return checked ? checked.value : "";
  }

  function formatKm(metres) {
    return kmFormat.format(metres / 1000) + "\u00a0km";
  }

  function greatCircle(a, b) {
    // Haversine, with the server's Earth radius (outreach/routing.py, sent in the page data).
    const rad = Math.PI / 180;
    const h = Math.sin((b[0] - a[0]) * rad / 2) ** 2 +
      Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin((b[1] - a[1]) * rad / 2) ** 2;
    return 2 * data.earthRadiusM * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function picked() {
    // Hotspot ids of the ticked stops, in the order typed (blank positions last).
    return data.hotspots
      .filter((h) => checkbox(h.id) && checkbox(h.id).checked)
      .map((h) => ({ id: h.id, pos: parseInt(position(h.id).value, 10) || 10000, name: h.name }))
      .sort((a, b) => a.pos - b.pos || a.name.localeCompare(b.name))
      .map((s) => s.id);
  }

  function putFirst(id) {
    // The chosen start stop is walked first: give it position 1, the others keep their order.
    if (!checkbox(id)) return;
    checkbox(id).checked = true;
    const order = picked().filter((other) => other !== id);
    [id].concat(order).forEach((hid, i) => { position(hid).value = i + 1; });
  }

  function renumber() {
    // Positions 1..n in the current order, so the numbers the person sees are the ones saved.
    picked().forEach((id, index) => { position(id).value = index + 1; });
    data.hotspots.forEach((h) => {
      if (checkbox(h.id) && !checkbox(h.id).checked) position(h.id).value = "";
    });
  }

  function sortRows() {
    const order = picked();
    const rows = Array.from(tbody.querySelectorAll("tr[data-hotspot]"));
    rows.sort((a, b) => {
      const ia = order.indexOf(Number(a.dataset.hotspot));
      const ib = order.indexOf(Number(b.dataset.hotspot));
      return (ia < 0 ? 1e6 : ia) - (ib < 0 ? 1e6 : ib);
    });
    rows.forEach((row) => tbody.appendChild(row));
  }

  function move(id, delta) {
    const order = picked();
    const index = order.indexOf(id);
    const target = index + delta;
    if (index < 0 || target < 0 || target >= order.length) return;
    [order[index], order[target]] = [order[target], order[index]];
    order.forEach((hid, i) => { position(hid).value = i + 1; });
    refresh();
    const button = document.querySelector(`tr[data-hotspot="${id}"] .move-${delta < 0 ? "up" : "down"}`);
    if (button) button.focus();
  }

  // Up/down buttons in each row (keyboard-friendly; no drag and drop needed).
  tbody.querySelectorAll("tr[data-hotspot]").forEach((row) => {
    const id = Number(row.dataset.hotspot);
    const cell = row.querySelector(".narrow-cell");
    const name = data.hotspots.find((h) => h.id === id)?.name || "";
    [["up", -1, "↑"], ["down", 1, "↓"]].forEach(([dir, delta, text]) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `move move-${dir}`;
      button.textContent = text;
      button.setAttribute("aria-label", `${dir === "up" ? "▲" : "▼"} ${name}`);
      button.addEventListener("click", () => move(id, delta));
      cell.appendChild(button);
    });
    checkbox(id).addEventListener("change", () => {
      if (checkbox(id).checked && !position(id).value) position(id).value = picked().length + 1;
      refresh();
    });
    position(id).addEventListener("change", refresh);
    document.getElementById("id_min_" + id).addEventListener("change", showTotal);
  });
  form.querySelectorAll('input[name="start_kind"]').forEach((radio) => radio.addEventListener("change", refresh));
  if (startStop) {
    startStop.addEventListener("change", () => {
      const stop = form.querySelector('input[name="start_kind"][value="stop"]');
      if (stop && startStop.value) stop.checked = true;
      refresh();
    });
  }
  [latInput, lonInput].forEach((input) => input.addEventListener("input", () => {
    const point = form.querySelector('input[name="start_kind"][value="point"]');
    if (point) point.checked = true;
    drawMap();
    showTotal();
  }));

  // ---- The map (optional layer over the list) ----
  const wrap = document.getElementById("route-map-wrap");
  const status = document.getElementById("map-status");
  let map = null;
  const markers = new Map();
  let startMarker = null;
  let line = null;
  let placingStart = false;

  function icon(text, extra) {
    return window.L.divIcon({ className: "stop-marker " + extra, html: String(text), iconSize: [30, 30] });
  }

  function startPoint() {
    // Where the walk begins: the team's base, the typed point, or none (the first stop).
    const kind = startKind();
    if (kind === "base") return data.base;
    if (kind !== "point") return null;
    const lat = parseFloat(latInput.value);
    const lon = parseFloat(lonInput.value);
    return Number.isFinite(lat) && Number.isFinite(lon) ? [lat, lon] : null;
  }

  function showTotal() {
    if (!liveSummary) return;
    const order = picked();
    if (!order.length) { liveSummary.hidden = true; return; }
    let here = startPoint();
    let metres = 0;
    let stay = 0;
    order.forEach((id) => {
      const h = data.hotspots.find((x) => x.id === id);
      if (here) metres += greatCircle(here, [h.lat, h.lon]);
      here = [h.lat, h.lon];
      stay += parseInt(document.getElementById("id_min_" + id).value, 10) || 0;
    });
    const walk = metres / data.metresPerMinute;
    liveSummary.textContent = liveSummary.dataset.template
      .replace("{km}", formatKm(metres))
      .replace("{walk}", intFormat.format(walk))
      .replace("{stay}", intFormat.format(stay))
      .replace("{total}", intFormat.format(walk + stay));
    liveSummary.hidden = false;
  }

  function drawMap() {
    if (!map) return;
    const order = picked();
    data.hotspots.forEach((h) => {
      const index = order.indexOf(h.id);
      markers.get(h.id).setIcon(index >= 0 ? icon(index + 1, "") : icon("·", "unpicked"));
    });
    const start = startPoint();
    if (start) {
      if (!startMarker) {
        startMarker = window.L.marker(start, { icon: icon("S", "start"), title: wrap.dataset.startLabel, keyboard: false }).addTo(map);
      } else {
        startMarker.setLatLng(start);
      }
    } else if (startMarker) {
      startMarker.remove();
      startMarker = null;
    }
    const path = (start ? [start] : []).concat(order.map((id) => {
      const h = data.hotspots.find((x) => x.id === id);
      return [h.lat, h.lon];
    }));
    if (line) line.remove();
    line = window.L.polyline(path, { weight: 4, opacity: 0.8 }).addTo(map);
  }

  function refresh() {
    if (startKind() === "stop" && startStop && startStop.value) putFirst(Number(startStop.value));
    renumber();
    sortRows();
    drawMap();
    showTotal();
  }

  function initMap() {
    if (!window.L || !wrap) return;
    wrap.hidden = false;
    map = window.L.map("route-map", { scrollWheelZoom: false });
    const tiles = window.L.tileLayer(wrap.dataset.tileUrl, {
      maxZoom: 19,
      attribution: wrap.dataset.attribution || "",
    });
    let warned = false;
    tiles.on("tileerror", () => {
      if (!warned) { status.textContent = wrap.dataset.tilesFailed; warned = true; }
    });
    tiles.addTo(map);
    const bounds = [];
    data.hotspots.forEach((h) => {
      const marker = window.L.marker([h.lat, h.lon], { title: h.name, icon: icon("·", "unpicked") }).addTo(map);
      marker.on("click", () => {
        const box = checkbox(h.id);
        box.checked = !box.checked;
        box.dispatchEvent(new Event("change"));
      });
      markers.set(h.id, marker);
      bounds.push([h.lat, h.lon]);
    });
    const start = startPoint();
    if (start) bounds.push(start);
    if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
    else map.setView([46.6, 2.4], 5);

    document.getElementById("place-start").addEventListener("click", () => {
      placingStart = true;
      status.textContent = document.getElementById("place-start").textContent + "…";
    });
    map.on("click", (event) => {
      if (!placingStart) return;
      placingStart = false;
      latInput.value = event.latlng.lat.toFixed(3);
      lonInput.value = event.latlng.lng.toFixed(3);
      const point = form.querySelector('input[name="start_kind"][value="point"]');
      if (point) point.checked = true;
      status.textContent = "";
      drawMap();
      showTotal();
    });
  }

  initMap();
  refresh();
})();
