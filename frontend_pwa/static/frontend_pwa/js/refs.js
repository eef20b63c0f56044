// Reference data pulled from the server (concerns, actions, platforms, hotspots, partners).

import { lang } from "./i18n.js";
import { references } from "./sync.js";

export function label(item) {
  if (!item) return "";
  if (item.name) return item.name;
  const fr = item.label_fr || item.label;
  const en = item.label_en || item.label;
  return lang().startsWith("en") ? en || fr : fr || en;
}

function byPosition(a, b) {
  return (a.position ?? 0) - (b.position ?? 0) || String(label(a)).localeCompare(String(label(b)));
}

/** The territory's name, whether the server sent {id, name} or a plain string. */
export function territoryName(item) {
  const territory = item && item.territory;
  if (!territory) return "";
  return typeof territory === "object" ? territory.name || "" : String(territory);
}

export async function load() {
  const [concerns, actions, platforms, hotspots, partners] = await Promise.all(
    ["concern", "action", "platform", "hotspot", "partner"].map(references),
  );
  const active = (items) => items.filter((i) => i.is_active !== false).sort(byPosition);
  return {
    concerns: active(concerns),
    actions: active(actions),
    // Retired items stay known so older records still show (and can drop) them.
    allConcerns: concerns.sort(byPosition),
    allActions: actions.sort(byPosition),
    platforms: active(platforms),
    hotspots: active(hotspots),
    partners: active(partners),
  };
}
