// Mobiel: small enhancements; every page works without this file (the server renders the
// preview and the counter, and asks for nothing the form cannot post itself).
"use strict";

(() => {
  const form = () => document.querySelector("form[data-template-nl]");

  // Business Voicemail: the standard text as it will be recorded, while typing.
  function updatePreview(row) {
    const preview = row.querySelector("[data-vm-preview]");
    const templates = form();
    if (!preview || !templates) return;
    const language = row.querySelector("input[name$='-language']:checked");
    const template = (language && templates.dataset["template" + (language.value === "en" ? "En" : "Nl")]) || "";
    const value = (name) => {
      const input = row.querySelector(`[data-vm-field='${name}']`);
      return (input && input.value.trim()) || "…";
    };
    preview.textContent = template
      .replace("{company}", value("company_name"))
      .replace("{person}", value("person_name"))
      .replace("{function}", value("function"));
  }

  function updateCounter(row) {
    const counter = row.querySelector("[data-vm-counter]");
    const text = row.querySelector("textarea");
    if (!counter || !text) return;
    const count = counter.querySelector("[data-vm-count]");
    count.textContent = String(text.value.length);
    counter.classList.toggle("text-danger", text.value.length > Number(counter.dataset.max));
  }

  // Typing in a new number's row means: request it too (the customer can take the tick away).
  function selectRow(row, target) {
    const select = row.querySelector("[data-vm-select]");
    if (select && target !== select && !select.checked) select.checked = true;
  }

  function onEdit(event) {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const row = target.closest("[data-vm-row]");
    if (!row) return;
    updatePreview(row);
    updateCounter(row);
    if (event.type === "input" || target.matches("input[type=radio]")) selectRow(row, target);
  }

  // Capture: runs before htmx collects the row for another type of voicemail.
  document.addEventListener("input", onEdit, true);
  document.addEventListener("change", onEdit, true);

  // Subscription page: blocking the whole SIM asks first.
  document.addEventListener("submit", (event) => {
    const limits = event.target;
    if (!(limits instanceof HTMLFormElement) || !limits.dataset.simConfirm) return;
    const box = limits.querySelector("input[data-sim-block]");
    if (box && box.checked && !box.defaultChecked && !window.confirm(limits.dataset.simConfirm)) {
      event.preventDefault();
    }
  });
})();
