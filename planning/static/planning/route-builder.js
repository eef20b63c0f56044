// Route builder enhancement: a Leaflet map of the hotspots over the stop list, up/down buttons
// to adjust the order. Without JavaScript (or when Leaflet or the tiles fail) the form below
// the map works on its own: tick stops, type the order, submit.
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

  function picked() {
    // Hotspot ids of the ticked stops, in the order typed (blank positions last).
    return data.hotspots
      .filter((h) => checkbox(h.id) && checkbox(h.id).checked)
      .map((h) => ({ id: h.id, pos: parseInt(position(h.id).value, 10) || 10000, name: h.name }))
      .sort((a, b) => a.pos - b.pos || a.name.localeCompare(b.name))
      .map((s) => s.id);
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
  });

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
    const lat = parseFloat(latInput.value);
    const lon = parseFloat(lonInput.value);
    return Number.isFinite(lat) && Number.isFinite(lon) ? [lat, lon] : null;
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
    }
    const path = (start ? [start] : []).concat(order.map((id) => {
      const h = data.hotspots.find((x) => x.id === id);
      return [h.lat, h.lon];
    }));
    if (line) line.remove();
    line = window.L.polyline(path, { weight: 4, opacity: 0.8 }).addTo(map);
  }

  function refresh() {
    renumber();
    sortRows();
    drawMap();
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
      status.textContent = "";
      drawMap();
    });
    [latInput, lonInput].forEach((input) => input.addEventListener("change", drawMap));
  }

  initMap();
  refresh();
})();
