// Small DOM helpers: build elements without innerHTML (no injection, CSP-friendly).

import { lang, t } from "./i18n.js";

/** h("button", {class: "big", onclick}, "text", child…) → element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      el.className = value;
    } else if (name in el && typeof value !== "string") {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? "" : value);
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces the content of root (app.js then shows it and moves the focus). */
export function mount(root, ...children) {
  root.replaceChildren(...children.flat(Infinity).filter(Boolean));
}

/** Focus for screen readers after a new screen: its [autofocus] control, else its heading. */
export function focusScreen(root) {
  const target = root.querySelector("[autofocus]") || root.querySelector("h1");
  if (!target) return;
  if (target.tagName === "H1") target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
}

export function announce(message) {
  const live = document.getElementById("live");
  if (!live) return;
  live.textContent = "";
  // A fresh text node after a tick so screen readers announce repeated messages too.
  setTimeout(() => {
    live.textContent = message;
  }, 30);
}

export function time(iso) {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(lang(), { hour: "2-digit", minute: "2-digit" }).format(
    new Date(iso),
  );
}

export function dateTime(iso) {
  if (!iso) return t("never");
  return new Intl.DateTimeFormat(lang(), {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

/** A labelled group of large toggle buttons; `multiple` for checkboxes, else radios. */
export function choiceGroup({ legend, name, options, selected, multiple = false, onchange }) {
  const chosen = new Set(multiple ? selected || [] : [selected].filter((v) => v != null));
  const buttons = options.map(([value, label]) =>
    h(
      "button",
      {
        type: "button",
        class: "choice",
        "data-name": name,
        "data-value": String(value),
        "aria-pressed": chosen.has(value) ? "true" : "false",
        onclick: (event) => {
          if (multiple) {
            if (chosen.has(value)) chosen.delete(value);
            else chosen.add(value);
          } else {
            chosen.clear();
            chosen.add(value);
          }
          for (const b of event.currentTarget.parentElement.querySelectorAll(".choice")) {
            const v = options.find(([ov]) => String(ov) === b.dataset.value)[0];
            b.setAttribute("aria-pressed", chosen.has(v) ? "true" : "false");
          }
          onchange(multiple ? [...chosen] : value);
        },
      },
      label,
    ),
  );
  return h(
    "fieldset",
    { class: "choices", "data-group": name },
    h("legend", {}, legend),
    h("div", { class: "choice-row" }, buttons),
  );
}

export function field(labelText, control, hint = null) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintEl = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: id }, labelText), control, hintEl);
}

export function select(options, value, attrs = {}) {
  return h(
    "select",
    attrs,
    options.map(([v, label]) =>
      h("option", { value: String(v), selected: String(v) === String(value) }, label),
    ),
  );
}
