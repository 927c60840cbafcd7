/*
 * "Ladda ner diagrammet som PNG/SVG": buttons under each chart (components.image_buttons)
 * carry data-graph (the dcc.Graph id), data-format and data-name. Plotly renders the image
 * in the browser and saves it; nothing is sent to a server or a cloud.
 */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".image-download") : null;
    if (!button || !window.Plotly) { return; }
    var holder = document.getElementById(button.getAttribute("data-graph"));
    var plot = holder ? holder.querySelector(".js-plotly-plot") : null;
    if (!plot) { return; }
    var format = button.getAttribute("data-format") === "svg" ? "svg" : "png";
    window.Plotly.downloadImage(plot, {
      format: format,
      filename: "lexheller-" + (button.getAttribute("data-name") || "diagram"),
      scale: format === "png" ? 2 : 1,
    });
  });
})();
