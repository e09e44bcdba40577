// Small progressive enhancements; every page works without this file.
"use strict";

// Forms with data-confirm ask before they submit (e.g. taking away someone's access).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
