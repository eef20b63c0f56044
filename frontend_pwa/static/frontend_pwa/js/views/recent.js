// Recent contacts: what was logged, its sync state, and a way to correct it within the window.

import { AGE_BANDS, GENDERS } from "../codes.js";
import { isPseudonym } from "../keys.js";
import { t } from "../i18n.js";
import * as outbox from "../outbox.js";
import * as refs from "../refs.js";
import * as store from "../store.js";
import { h, mount, time } from "../ui.js";

export const live = true;

const STATUS = {
  pending: "Waiting to sync",
  synced: "Synced",
  rejected: "Refused: to fix",
  conflict: "Changed elsewhere: to check",
};

export async function render(root, app) {
  const { editWindowHours, serverOffsetMs } = await app.settings();
  const [contacts, ops, data] = await Promise.all([store.contacts(), outbox.all(), refs.load()]);
  const recent = contacts.filter((c) => store.editable(c, editWindowHours, serverOffsetMs));
  const label = (pairs, code) => t((pairs.find(([v]) => v === code) || [code, code])[1]);
  mount(
    root,
    h(
      "section",
      { "data-screen": "recent" },
      h("h1", {}, t("Recent contacts")),
      h("p", { class: "muted" }, t("Contacts can be corrected for {n} hours.", { n: editWindowHours })),
      recent.length
        ? h(
            "ul",
            { class: "list", "aria-label": t("Recent contacts") },
            recent.map((c) => {
              const status = store.syncStatus(c, ops);
              const place = c.data.platform
                ? refs.label(data.platforms.find((p) => p.code === c.data.platform)) || c.data.platform
                : refs.label(data.hotspots.find((p) => p.id === c.data.hotspot)) || "";
              const summary = `${time(c.data.occurred_at)} · ${label(AGE_BANDS, c.data.age_band)} · ${label(GENDERS, c.data.gender)}`;
              return h(
                "li",
                { class: `card row contact-item status-${status}`, "data-uuid": c.uuid },
                h(
                  "div",
                  {},
                  h("strong", {}, summary),
                  h("div", { class: "muted" }, place, c.data.person_code ? ` · ${shortCode(c.data.person_code)}` : ""),
                  h("div", { class: `badge ${status}` }, t(STATUS[status])),
                ),
                h(
                  "button",
                  {
                    type: "button",
                    "aria-label": `${t("Correct")}: ${summary}`,
                    onclick: () => app.navigate("contact", { uuid: c.uuid }),
                  },
                  t("Correct"),
                ),
              );
            }),
          )
        : h("p", { class: "muted" }, t("No contact recorded recently.")),
    ),
  );
}

/** A code typed on another phone is only known by its pseudonym: a short, stable mark of it. */
function shortCode(code) {
  return isPseudonym(code) ? `#${code.slice(4, 10)}` : code;
}
