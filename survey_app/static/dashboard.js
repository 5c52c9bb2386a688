// Draws every chart of the dashboard from the Vega-Lite spec embedded in the page.
// Served as a file (no inline script) and using only the app's own Vega bundle.
document.querySelectorAll("script[data-chart-for]").forEach(function (specElement) {
  var target = document.getElementById(specElement.dataset.chartFor);
  var spec = JSON.parse(specElement.textContent);
  window.vegaEmbed(target, spec, { actions: false, renderer: "svg" }).catch(function (error) {
    target.textContent = target.dataset.errorText || String(error);
  });
});
