// Small progressive enhancements; every page works without this file.
"use strict";

// Forms with data-confirm ask before they submit (e.g. taking away someone's access).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// Destination pickers: the number input only matters for "external number".
function syncDestination(picker) {
  const choice = picker.querySelector("[data-destination-choice]");
  const wrap = picker.querySelector("[data-destination-number-wrap]");
  if (choice && wrap) {
    wrap.hidden = choice.value !== "external";
  }
}
document.addEventListener("change", (event) => {
  const picker = event.target instanceof Element ? event.target.closest("[data-destination]") : null;
  if (picker) {
    syncDestination(picker);
  }
});
function syncAllDestinations(root) {
  root.querySelectorAll("[data-destination]").forEach(syncDestination);
}
document.addEventListener("DOMContentLoaded", () => syncAllDestinations(document));
document.addEventListener("htmx:afterSettle", (event) => syncAllDestinations(event.target));

// "Geschiedenis" sections of object pages: their latest changes load after the page (the
// page itself stays at its own queries); without JavaScript the link to the full history stays.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-history-src]").forEach((section) => {
    if (window.htmx) {
      window.htmx.ajax("GET", section.dataset.historySrc, { target: section, swap: "innerHTML" });
    }
  });
});
