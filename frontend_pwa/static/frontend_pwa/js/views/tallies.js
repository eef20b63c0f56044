// Head counts during a street session: one tap per young person seen or briefly met, by age
// band and gender as estimated, never who. Undo takes the last tap back; "turn into a contact"
// opens the contact form pre-filled and takes that tap off the count when the contact is saved.

import { AGE_BANDS, GENDERS } from "../codes.js";
import * as counts from "../counts.js";
import { t } from "../i18n.js";
import { announce, h } from "../ui.js";

const tr = (pairs) => pairs.map(([v, l]) => [v, t(l)]);

/** The head count panel of the session screen; it redraws itself, keeping the focus. */
export async function panel(session, app) {
  const root = h("section", { class: "card tallies", "data-panel": "tallies", "aria-labelledby": "tallies-title" });
  const draw = async (focusKey = null) => {
    const marks = await counts.taps(session.uuid);
    const { counts: cells, total } = counts.cells(marks);
    const last = counts.lastTap(marks);
    const genders = tr(GENDERS);
    const ages = tr(AGE_BANDS);
    const labelOf = (pairs, code) => (pairs.find(([v]) => v === code) || [code, code])[1];
    root.replaceChildren(
      h("h2", { id: "tallies-title" }, t("Head counts")),
      h("p", { class: "muted" }, t("One tap per young person seen or briefly met. No code, no name.")),
      h(
        "table",
        { class: "tally-grid" },
        h("caption", { class: "visually-hidden" }, t("Head counts by age band and gender")),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("Age band")), genders.map(([, label]) => h("th", { scope: "col" }, label)))),
        h(
          "tbody",
          {},
          ages.map(([age, ageLabel]) =>
            h(
              "tr",
              {},
              h("th", { scope: "row" }, ageLabel),
              genders.map(([gender, genderLabel]) => {
                const key = `${age}|${gender}`;
                const n = cells[key] || 0;
                return h(
                  "td",
                  {},
                  h(
                    "button",
                    {
                      type: "button",
                      class: "tally",
                      "data-tally": key,
                      onclick: async () => {
                        await counts.tap(session.uuid, age, gender);
                        announce(t("Counted: {age}, {gender}.", { age: ageLabel, gender: genderLabel }));
                        await draw(key);
                      },
                    },
                    // Read as "Add one: 15–17, Girl; counted so far: 3"; seen as "3".
                    h("span", { class: "visually-hidden" }, `${t("Add one: {age}, {gender}; counted so far:", { age: ageLabel, gender: genderLabel })} `),
                    h("span", { class: "n" }, String(n)),
                  ),
                );
              }),
            ),
          ),
        ),
      ),
      h("p", { "data-tally-total": String(total) }, t("{n} young people counted on this phone", { n: total })),
      h(
        "div",
        { class: "row-actions" },
        h(
          "button",
          {
            type: "button",
            "data-action": "undo-tap",
            disabled: !last,
            onclick: async () => {
              if (!last) return;
              await counts.undo(last);
              announce(t("Last tap undone: {age}, {gender}.", { age: labelOf(ages, last.age_band), gender: labelOf(genders, last.gender) }));
              await draw("undo");
            },
          },
          last
            ? t("Undo the last tap ({age}, {gender})", { age: labelOf(ages, last.age_band), gender: labelOf(genders, last.gender) })
            : t("Undo the last tap"),
        ),
        h(
          "button",
          {
            type: "button",
            "data-action": "promote-tap",
            disabled: !last,
            onclick: () =>
              last &&
              app.navigate("contact", {
                fromTally: last.uuid,
                prefill: { age_band: last.age_band, gender: last.gender, level: "exchange" },
              }),
          },
          t("An exchange followed: turn the last tap into a contact"),
        ),
      ),
    );
    if (focusKey === "undo") root.querySelector('[data-action="undo-tap"]')?.focus();
    else if (focusKey) root.querySelector(`[data-tally="${focusKey}"]`)?.focus();
  };
  await draw();
  return root;
}
