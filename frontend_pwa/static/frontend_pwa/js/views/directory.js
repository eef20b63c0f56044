// Directory: partner services searchable offline, by words, category and territory; an
// orientation can be attached to a recent contact from here.

import { PARTNER_CATEGORIES } from "../codes.js";
import { t } from "../i18n.js";
import * as refs from "../refs.js";
import * as store from "../store.js";
import { announce, field, h, mount, select } from "../ui.js";

export async function render(root, app, params = {}) {
  const data = await refs.load();
  const { editWindowHours, serverOffsetMs } = await app.settings();
  const territories = [...new Set(data.partners.map(territoryName).filter(Boolean))].sort();
  const q = h("input", { type: "search", name: "q", value: params.q || "", autocomplete: "off" });
  const category = select([["", t("All categories")], ...PARTNER_CATEGORIES.map(([v, l]) => [v, t(l)])], params.category || "", { name: "category" });
  const territory = select([["", t("All territories")], ...territories.map((x) => [x, x])], params.territory || "", { name: "territory" });
  const night = h("input", { type: "checkbox", name: "night", id: "dir-night", checked: Boolean(params.night) });
  const minors = h("input", { type: "checkbox", name: "minors", id: "dir-minors", checked: Boolean(params.minors) });
  const results = h("ul", { class: "list", "aria-label": t("Partner services"), "aria-live": "polite" });

  const draw = () => {
    const words = q.value.trim().toLowerCase();
    const found = data.partners.filter(
      (p) =>
        (!words || `${refs.label(p)} ${p.structure_name || ""} ${p.description || ""}`.toLowerCase().includes(words)) &&
        (!category.value || p.category === category.value) &&
        (!territory.value || territoryName(p) === territory.value) &&
        (!night.checked || p.open_at_night) &&
        (!minors.checked || p.accepts_unaccompanied_minors),
    );
    results.replaceChildren(
      ...(found.length ? found.slice(0, 50).map((p) => partnerItem(p, app, editWindowHours, serverOffsetMs)) : [h("li", { class: "muted" }, t("No service found."))]),
    );
  };
  for (const control of [q, category, territory, night, minors]) {
    control.addEventListener("input", draw);
    control.addEventListener("change", draw);
  }
  mount(
    root,
    h(
      "section",
      { "data-screen": "directory" },
      h("h1", {}, t("Directory")),
      h(
        "div",
        { class: "filters", role: "search" },
        field(t("Search"), q),
        field(t("Category"), category),
        field(t("Territory"), territory),
        h("div", { class: "check" }, night, h("label", { for: "dir-night" }, t("Open at night"))),
        h("div", { class: "check" }, minors, h("label", { for: "dir-minors" }, t("Accepts minors without a guardian"))),
      ),
      results,
    ),
  );
  draw();
}

const territoryName = refs.territoryName;

function partnerItem(p, app, editWindowHours, serverOffsetMs) {
  const attach = h("div", { class: "attach" });
  const cat = PARTNER_CATEGORIES.find(([v]) => v === p.category);
  return h(
    "li",
    { class: "card", "data-partner": String(p.id) },
    h("h2", { class: "h3" }, refs.label(p)),
    h(
      "p",
      { class: "muted" },
      [cat ? t(cat[1]) : p.category, territoryName(p), p.open_at_night ? t("Open at night") : null, p.accepts_unaccompanied_minors ? t("Accepts minors") : null]
        .filter(Boolean)
        .join(" · "),
    ),
    p.opening_hours ? h("p", {}, `${t("Hours")}: ${p.opening_hours}`) : null,
    p.phone ? h("p", {}, h("a", { href: `tel:${p.phone.replace(/\s/g, "")}` }, p.phone)) : null,
    h(
      "button",
      {
        type: "button",
        onclick: async () => {
          const recent = (await store.contacts()).filter((c) => store.editable(c, editWindowHours, serverOffsetMs)).slice(0, 10);
          attach.replaceChildren(
            recent.length
              ? h(
                  "ul",
                  { class: "list compact", "aria-label": t("Attach to which contact?") },
                  recent.map((c) =>
                    h(
                      "li",
                      {},
                      h(
                        "button",
                        {
                          type: "button",
                          class: "link-like",
                          onclick: async () => {
                            const orientations = [...new Set([...(c.data.orientations || []), p.id])];
                            await store.saveContact({ uuid: c.uuid, data: { orientations } });
                            attach.replaceChildren(h("p", { role: "status" }, t("Orientation attached.")));
                            announce(t("Orientation attached."));
                          },
                        },
                        `${new Date(c.data.occurred_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })} · ${c.data.age_band} · ${c.data.person_code || t("no code")}`,
                      ),
                    ),
                  ),
                )
              : h("p", {}, t("No recent contact to attach.")),
          );
        },
      },
      t("Attach to a contact"),
    ),
    attach,
  );
}
