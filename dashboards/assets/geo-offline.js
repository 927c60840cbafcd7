/*
 * Plotly's geo maps fetch a world topojson from cdn.plot.ly before drawing, even when the
 * map shows only our own län borders (geojson) and no base layers. We draw no base layers,
 * so an empty topology is all it needs: registering it here means nothing is fetched.
 */
(function () {
  "use strict";
  var empty = { type: "Topology", objects: {}, arcs: [] };
  var assets = window.PlotlyGeoAssets || { topojson: {} };
  ["world_110m", "world_50m", "europe_110m", "europe_50m"].forEach(function (name) {
    if (!assets.topojson[name]) { assets.topojson[name] = empty; }
  });
  window.PlotlyGeoAssets = assets;
})();
