// Starts Swagger UI on /api/v1/docs. A static file, not inline, so a Content-Security-Policy of
// default-src 'self' allows it; the settings come from the page's JSON data block.
"use strict";

(function () {
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis];
  window.ui = SwaggerUIBundle(settings);
})();
