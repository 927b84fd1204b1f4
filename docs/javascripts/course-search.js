// Runs before Material's bundle: points the search at our worker (course-search-worker.js), which
// loads Material's own worker, keeps the reader's language only and ignores accents.
(function () {
  var script = document.currentScript;
  var element = document.getElementById("__config");
  if (!script || !element) return;
  var config = JSON.parse(element.textContent);
  if (!config.search) return;
  var worker = new URL(script.dataset.worker, location.href);
  worker.searchParams.set("material", new URL(config.search, location.href).href);
  worker.searchParams.set("lang", script.dataset.lang);
  worker.searchParams.set("prefixes", script.dataset.prefixes);
  config.search = worker.href;
  element.textContent = JSON.stringify(config);
})();
