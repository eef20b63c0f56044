// Log a contact: the common case is four taps (age band, gender, a concern or action, save)
// with the place preselected from the session. Corrections reuse the same form.

import {
  AGE_BANDS,
  CONTACT_LEVELS,
  GENDERS,
  NOTE_MAX_LENGTH,
  PERSON_CODE_PATTERN,
  REQUEST_CATEGORIES,
  YES_NO_UNKNOWN,
} from "../codes.js";
import { isStorageFull } from "../db.js";
import { t } from "../i18n.js";
import * as custom from "../custom-fields.js";
import * as outbox from "../outbox.js";
import { isPseudonym } from "../keys.js";
import { findIdentifiers } from "../pii-check.js";
import * as refs from "../refs.js";
import * as store from "../store.js";
import { announce, choiceGroup, field, h, mount, select, time } from "../ui.js";

const tr = (pairs) => pairs.map(([v, l]) => [v, t(l)]);

export async function render(root, app, params = {}) {
  const editing = params.uuid ? await store.getContact(params.uuid) : null;
  const session = editing ? null : await store.activeSession();
  if (!editing && !session) {
    return mount(
      root,
      h(
        "section",
        { class: "card", "data-screen": "contact" },
        h("h1", {}, t("New contact")),
        h("p", {}, t("Start a session first: contacts belong to a session.")),
        h("button", { type: "button", class: "primary big", onclick: () => app.navigate("session") }, t("Go to sessions")),
      ),
    );
  }
  const { editWindowHours, serverOffsetMs } = await app.settings();
  if (editing && !store.editable(editing, editWindowHours, serverOffsetMs)) {
    return mount(
      root,
      h(
        "section",
        { class: "card", "data-screen": "contact" },
        h("h1", {}, t("Contact")),
        h("p", {}, t("The edit window has closed: ask your coordinator to correct this contact.")),
      ),
    );
  }
  const data = await refs.load();
  const customDefs = await custom.definitions("contact");
  const ops = await outbox.all();
  const problem = editing ? ops.find((o) => o.uuid === editing.uuid && o.status !== "pending") : null;
  const sessionRecord = session || (await store.sessions()).find((s) => s.uuid === editing.data.session);
  const kind = (sessionRecord && sessionRecord.kind) || (editing && editing.data.platform ? "digital" : "street");

  const d = editing
    ? { ...editing.data, concerns: [...(editing.data.concerns || [])], actions: [...(editing.data.actions || [])], orientations: [...(editing.data.orientations || [])] }
    : {
        session: session.uuid,
        occurred_at: new Date().toISOString(),
        hotspot: kind === "street" ? (session.current_place ?? firstPlace(session, kind)) : null,
        platform: kind === "digital" ? (session.current_place ?? firstPlace(session, kind)) : null,
        conversation_established: kind === "digital" ? true : null,
        request_category: "",
        level: "exchange",
        person_code: "",
        age_band: null,
        gender: null,
        is_first_contact: true,
        known_to_child_welfare: "unknown",
        concerns: [],
        actions: [],
        orientations: [],
        note: "",
        // A head count tap turned into this contact: what the worker estimated comes along.
        ...(params.prefill || {}),
      };

  // The organisation's own fields: what the record holds, and what it held when opened.
  const storedCustom = { ...((editing && editing.data.custom_values) || {}) };
  d.custom_values = { ...storedCustom };

  const error = h("div", { class: "error", role: "alert", id: "contact-error" });
  // One form, one record: the new contact's UUID is drawn now, not at each tap on Save.
  const recordId = editing ? editing.uuid : store.newContactId();
  const saveButton = h("button", { type: "submit", class: "primary huge", "data-action": "save-contact" }, t("Save"));
  let saving = false;
  const placeOptions =
    kind === "digital"
      ? data.platforms.map((p) => [p.code, refs.label(p)])
      : data.hotspots.map((p) => [p.id, refs.label(p)]);
  const placeValue = kind === "digital" ? d.platform : d.hotspot;
  // A place no longer offered (retired by the coordinator) must be chosen again, visibly.
  if (editing && placeValue != null && !placeOptions.some(([v]) => v === placeValue)) {
    placeOptions.unshift(["", t("Choose…")]);
    if (kind === "digital") d.platform = null;
    else d.hotspot = null;
  }
  const placeSelect = select(placeOptions, kind === "digital" ? d.platform ?? "" : d.hotspot ?? "", {
    name: kind === "digital" ? "platform" : "hotspot",
  });
  // The select shows its first option: make the record say the same.
  if (!editing && kind === "digital" && d.platform == null && placeSelect.value) d.platform = placeSelect.value;
  if (!editing && kind === "street" && d.hotspot == null && placeSelect.value) d.hotspot = Number(placeSelect.value);
  placeSelect.addEventListener("change", () => {
    if (kind === "digital") d.platform = placeSelect.value || null;
    else d.hotspot = placeSelect.value ? Number(placeSelect.value) : null;
  });

  const personCode = h("input", {
    name: "person_code",
    value: d.person_code || "",
    autocomplete: "off",
    autocapitalize: "characters",
    maxlength: "16",
    spellcheck: "false",
  });
  const note = h("textarea", { name: "note", rows: "3", maxlength: String(NOTE_MAX_LENGTH), spellcheck: "false" }, d.note || "");
  const requestCategory = select(tr(REQUEST_CATEGORIES), d.request_category || "", { name: "request_category" });

  const orientationList = h("ul", { class: "chips", "aria-label": t("Oriented to") });
  const drawOrientations = () => {
    orientationList.replaceChildren(
      ...d.orientations.map((id) => {
        const partner = data.partners.find((p) => p.id === id);
        const name = refs.label(partner) || `#${id}`;
        return h(
          "li",
          { class: "chip" },
          name,
          h(
            "button",
            {
              type: "button",
              class: "chip-remove",
              "aria-label": t("Remove {name}", { name }),
              onclick: () => {
                d.orientations = d.orientations.filter((x) => x !== id);
                drawOrientations();
              },
            },
            "×",
          ),
        );
      }),
    );
  };
  drawOrientations();
  const partnerSearch = h("input", { type: "search", name: "partner_search", autocomplete: "off" });
  const partnerResults = h("ul", { class: "list compact" });
  partnerSearch.addEventListener("input", () => {
    const q = partnerSearch.value.trim().toLowerCase();
    const found = q.length < 2 ? [] : data.partners.filter((p) => refs.label(p).toLowerCase().includes(q)).slice(0, 6);
    partnerResults.replaceChildren(
      ...found.map((p) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: "link-like",
              onclick: () => {
                if (!d.orientations.includes(p.id)) d.orientations.push(p.id);
                partnerSearch.value = "";
                partnerResults.replaceChildren();
                drawOrientations();
              },
            },
            `${t("Attach")}: ${refs.label(p)}`,
          ),
        ),
      ),
    );
  });

  const save = async (event) => {
    event.preventDefault();
    if (saving) return; // a second tap while the first is being written
    saving = true;
    saveButton.disabled = true;
    saveButton.setAttribute("aria-busy", "true");
    try {
      await saveOnce();
    } finally {
      saving = false;
      saveButton.disabled = false;
      saveButton.removeAttribute("aria-busy");
    }
  };

  const saveOnce = async () => {
    error.replaceChildren();
    const problems = [];
    // A code typed on another phone arrives as its pseudonym (ADR 010): kept as it is.
    const typed = personCode.value.trim();
    d.person_code = isPseudonym(typed) ? typed : typed.toUpperCase();
    d.note = note.value.trim();
    d.request_category = kind === "digital" ? requestCategory.value : "";
    if (!d.age_band) problems.push(t("Choose an age band."));
    if (!d.gender) problems.push(t("Choose a gender."));
    if (kind === "street" && !d.hotspot) problems.push(t("Choose a place."));
    if (kind === "digital" && !d.platform) problems.push(t("Choose a platform."));
    if (d.level === "seen") d.person_code = "";
    for (const found of custom.problems(customDefs, d.custom_values, storedCustom)) {
      problems.push(custom.describe(found));
    }
    if (d.person_code && !isPseudonym(d.person_code) && !PERSON_CODE_PATTERN.test(d.person_code)) {
      problems.push(t("A person code is 2 to 16 capital letters, digits or dashes chosen by the team — never a name."));
    }
    const code = isPseudonym(d.person_code) ? "" : d.person_code;
    const flagged = [...new Set([...findIdentifiers(code), ...findIdentifiers(d.note)])];
    if (flagged.length) {
      problems.push(
        t("Remove the identifier before saving ({kinds}): no phone number, e-mail, handle or link about a young person.", {
          kinds: flagged.map((k) => t(k)).join(", "),
        }),
      );
    }
    if (problems.length) {
      error.replaceChildren(...problems.map((p) => h("p", {}, p)));
      error.focus?.();
      return;
    }
    performance.mark("maraude:save-start");
    try {
      await store.saveContact({
        uuid: recordId,
        isNew: !editing,
        data: { ...d, custom_values: custom.payload(customDefs, d.custom_values) },
        fromTally: editing ? null : params.fromTally,
      });
    } catch (err) {
      if (!isStorageFull(err)) throw err;
      // Nothing was written (one transaction): the form stays filled in, to save again later.
      error.replaceChildren(h("p", { "data-problem": "storage-full" }, t("Not saved: this phone's storage is full. The contact is still on screen: free some space, then save again.")));
      error.focus?.();
      announce(error.textContent);
      return;
    }
    performance.measure("maraude:save", "maraude:save-start");
    announce(editing ? t("Correction saved.") : t("Contact saved."));
    app.navigate(editing ? "recent" : "session", editing ? {} : { saved: true });
  };

  const detailsOpen = Boolean(problem) || Boolean(d.person_code || d.note || d.orientations.length);
  mount(
    root,
    h(
      "form",
      { "data-screen": "contact", class: "contact-form", novalidate: true, onsubmit: save },
      h("h1", {}, editing ? t("Correct a contact") : t("New contact")),
      problem ? serverProblem(problem, customDefs) : null,
      field(kind === "digital" ? t("Platform") : t("Place"), placeSelect),
      choiceGroup({ legend: t("Age band"), name: "age_band", options: tr(AGE_BANDS), selected: d.age_band, onchange: (v) => (d.age_band = v) }),
      choiceGroup({ legend: t("Gender"), name: "gender", options: tr(GENDERS), selected: d.gender, onchange: (v) => (d.gender = v) }),
      choiceGroup({
        legend: t("First contact or follow-up"),
        name: "is_first_contact",
        options: [[true, t("First contact")], [false, t("Follow-up")]],
        selected: d.is_first_contact,
        onchange: (v) => (d.is_first_contact = v),
      }),
      kind === "digital"
        ? [
            choiceGroup({
              legend: t("Conversation established"),
              name: "conversation_established",
              options: [[true, t("Yes")], [false, t("No")]],
              selected: d.conversation_established,
              onchange: (v) => (d.conversation_established = v),
            }),
            field(t("Request"), requestCategory),
          ]
        : null,
      choiceGroup({
        legend: t("Concerns"),
        name: "concerns",
        multiple: true,
        options: data.allConcerns.filter((c) => c.is_active !== false || d.concerns.includes(c.code)).map((c) => [c.code, refs.label(c)]),
        selected: d.concerns,
        onchange: (v) => (d.concerns = v),
      }),
      choiceGroup({
        legend: t("Actions"),
        name: "actions",
        multiple: true,
        options: data.allActions.filter((a) => a.is_active !== false || d.actions.includes(a.code)).map((a) => [a.code, refs.label(a)]),
        selected: d.actions,
        onchange: (v) => (d.actions = v),
      }),
      custom.controls(customDefs, d.custom_values),
      h(
        "details",
        { class: "more", open: detailsOpen },
        h("summary", {}, t("More details")),
        choiceGroup({ legend: t("Level"), name: "level", options: tr(CONTACT_LEVELS), selected: d.level, onchange: (v) => (d.level = v) }),
        choiceGroup({
          legend: t("Already known to child welfare"),
          name: "known_to_child_welfare",
          options: tr(YES_NO_UNKNOWN),
          selected: d.known_to_child_welfare,
          onchange: (v) => (d.known_to_child_welfare = v),
        }),
        field(t("Person code (optional)"), personCode, t("A code the team chose, never a name, phone number or handle.")),
        h("div", { class: "field" }, h("span", { class: "label" }, t("Oriented to")), orientationList),
        field(t("Find a partner service"), partnerSearch),
        partnerResults,
        h("p", { class: "warning", id: "note-warning" }, t("Team only. Never write a name, phone number, e-mail, handle, link or address.")),
        field(t("Team note (optional)"), note),
        editing ? h("p", { class: "muted" }, t("Recorded at {time}", { time: time(d.occurred_at) })) : null,
      ),
      error,
      h("div", { class: "sticky-actions" }, saveButton),
    ),
  );
  error.setAttribute("tabindex", "-1");
}

function firstPlace(session, kind) {
  if (kind === "digital") return (session.digital_slots || [])[0]?.platform ?? null;
  const stops = (session.route || session.route_stops || []).slice().sort((a, b) => a.position - b.position);
  return stops[0]?.hotspot ?? null;
}

function serverProblem(op, customDefs = []) {
  const items = Object.entries(op.errors || {}).map(([fieldName, messages]) =>
    h("li", {}, `${custom.errorLabel(customDefs, fieldName) ?? t(fieldName)}: ${[].concat(messages).join(" ")}`),
  );
  return h(
    "div",
    { class: "problem", role: "alert", "data-problem": op.status },
    h("p", {}, op.status === "conflict" ? t("This contact was changed on the server meanwhile.") : t("The server refused this record. Correct it and save again.")),
    items.length ? h("ul", {}, items) : null,
  );
}
