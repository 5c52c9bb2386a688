// Draws every chart of the dashboard from the Vega-Lite spec embedded in the page.
// Served as a file (no inline script) and using only the app's own Vega bundle.
document.querySelectorAll("script[data-chart-for]").forEach(function (specElement) {
  var target = document.getElementById(specElement.dataset.chartFor);
  var spec = JSON.parse(specElement.textContent);
  // ast: Vega interprets expressions instead of compiling them with Function(), so the
  // Content-Security-Policy needs no 'unsafe-eval'; defaultStyle: no inline <style>.
  var options = {
    actions: false,
    renderer: "svg",
    defaultStyle: false,
    ast: true,
  };
  window.vegaEmbed(target, spec, options).catch(function (error) {
    target.textContent = target.dataset.errorText || String(error);
  });
});
