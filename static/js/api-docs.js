// The API documentation page (/api/v1/docs/): Swagger UI from the vendored sidecar, started
// here rather than in an inline script (strict CSP). "Try it out" with the portal's session
// sends the CSRF token and the organisation claim the portal's forms send; with a key
// (Authorize) the Authorization header is all that counts.
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle === "undefined") {
    return;
  }
  var csrf = root.dataset.csrfToken || "";
  var organisation = root.dataset.organisation || "";
  SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    persistAuthorization: false,
    requestInterceptor: function (request) {
      var method = (request.method || "GET").toUpperCase();
      if (["GET", "HEAD", "OPTIONS"].indexOf(method) === -1) {
        if (csrf) {
          request.headers["X-CSRFToken"] = csrf;
        }
        if (organisation) {
          request.headers["X-Portal-Organisation"] = organisation;
        }
      }
      return request;
    },
  });
})();
