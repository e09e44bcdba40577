// Call-flow findings on object pages and the count on the Telefooncentrale overview: they load
// after the page (the page itself keeps its own queries); without JavaScript the links stay.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-callflow-src]").forEach((section) => {
    if (window.htmx) {
      window.htmx.ajax("GET", section.dataset.callflowSrc, { target: section, swap: "innerHTML" });
    }
  });
});
