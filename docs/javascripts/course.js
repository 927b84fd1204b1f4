// Corrections and optional blocks are <details>: open the one an anchor points to,
// and print every block expanded (a closed <details> prints as a bare title).
(function () {
  function openTarget() {
    if (!location.hash) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) return;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    target.scrollIntoView();
  }

  var closedBeforePrint = [];
  window.addEventListener("beforeprint", function () {
    closedBeforePrint = Array.prototype.filter.call(
      document.querySelectorAll(".md-typeset details"), function (d) { return !d.open; });
    closedBeforePrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closedBeforePrint.forEach(function (d) { d.open = false; });
    closedBeforePrint = [];
  });

  window.addEventListener("hashchange", openTarget);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openTarget);
  } else {
    openTarget();
  }
})();

// The language selector leads to the same page in the other language; keep the section too.
// A translated page has its own anchors: the section is then found by its rank among the
// headings (translations keep the structure of the French page).
(function () {
  var KEY = "course-language-switch";
  function headings() {
    return Array.prototype.slice.call(document.querySelectorAll(
      "article h1[id], article h2[id], article h3[id], article h4[id], article h5[id], article h6[id]"));
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.md-select__link[hreflang]");
    if (!link || !location.hash) return;
    var hash = decodeURIComponent(location.hash.slice(1));
    link.href = link.href.split("#")[0] + location.hash;
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ hash: hash, rank: headings().indexOf(document.getElementById(hash)) }));
    } catch (error) { /* no storage: the anchor alone */ }
  }, true);

  var stored = null;
  try {
    stored = JSON.parse(sessionStorage.getItem(KEY) || "null");
    sessionStorage.removeItem(KEY);
  } catch (error) { /* no storage */ }
  var hash = decodeURIComponent(location.hash.slice(1));
  if (!stored || stored.hash !== hash || document.getElementById(hash) || stored.rank < 0) return;
  var target = headings()[stored.rank];
  if (!target) return;
  history.replaceState(null, "", "#" + target.id);
  target.scrollIntoView();
})();

// The French 404 page, shown for a missing /en/… address, opens the English 404 page.
(function () {
  var heading = document.querySelector("[data-course-english-error-page]");
  if (!heading) return;
  var home = new URL(heading.dataset.courseEnglishHome, location.href).pathname;
  if (location.pathname.indexOf(home) === 0) {
    location.replace(new URL(heading.dataset.courseEnglishErrorPage, location.href).href);
  }
})();

// TP progress: a "fait" checkbox at the end of each numbered step (h2[data-course-step], marked by
// hooks/tp_pages.py), kept in this browser only (localStorage), shown above the table of contents.
(function () {
  var article = document.querySelector("article [data-course-page]");
  var steps = article ? article.querySelectorAll("h2[data-course-step]") : [];
  if (!steps.length) return;
  var english = document.documentElement.lang === "en";
  var words = english
    ? { done: "Step {n} done", progress: "Steps done: {d} of {t}", reset: "Reset progress" }
    : { done: "Étape {n} faite", progress: "Étapes faites : {d} sur {t}", reset: "Tout décocher" };
  // One record per page, shared by its French and English versions.
  var key = "course-progress:" + article.dataset.coursePage;

  function load() {
    try {
      var stored = JSON.parse(localStorage.getItem(key) || "[]");
      return Array.isArray(stored) ? stored.map(String) : [];
    } catch (error) {
      return [];
    }
  }
  function save(done) {
    try {
      if (done.length) localStorage.setItem(key, JSON.stringify(done));
      else localStorage.removeItem(key);
    } catch (error) { /* storage off: the boxes still work until the page is left */ }
  }
  function say(text, values) {
    return text.replace(/\{(\w)\}/g, function (_, name) { return values[name]; });
  }

  var done = load();
  var boxes = [];
  Array.prototype.forEach.call(steps, function (heading) {
    var number = heading.dataset.courseStep;
    // The end of the step: just before the next h2, or the end of the page's text.
    var end = heading.nextElementSibling;
    while (end && end.tagName !== "H2") end = end.nextElementSibling;
    var label = document.createElement("label");
    label.className = "course-step-done";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.value = number;
    box.checked = done.indexOf(number) !== -1;
    label.appendChild(box);
    label.appendChild(document.createTextNode(say(words.done, { n: number })));
    heading.parentNode.insertBefore(label, end);
    box.addEventListener("change", update);
    boxes.push({ box: box, heading: heading });
  });

  var toc = document.querySelector(".md-sidebar--secondary .md-nav--secondary");
  var panel = document.createElement("div");
  panel.className = "course-progress";
  panel.setAttribute("role", "status");
  var text = document.createElement("span");
  var bar = document.createElement("progress");
  bar.max = boxes.length;
  var reset = document.createElement("button");
  reset.type = "button";
  reset.textContent = words.reset;
  reset.addEventListener("click", function () {
    boxes.forEach(function (item) { item.box.checked = false; });
    update();
  });
  panel.appendChild(text);
  panel.appendChild(bar);
  panel.appendChild(reset);
  if (toc) {
    var title = toc.querySelector(".md-nav__title");
    toc.insertBefore(panel, title ? title.nextSibling : toc.firstChild);
  }

  function update() {
    done = boxes.filter(function (item) { return item.box.checked; })
      .map(function (item) { return item.box.value; });
    save(done);
    boxes.forEach(function (item) {
      var checked = item.box.checked;
      item.heading.classList.toggle("course-step-is-done", checked);
      var links = document.querySelectorAll('.md-nav--secondary a.md-nav__link[href="#' + item.heading.id + '"]');
      Array.prototype.forEach.call(links, function (link) { link.classList.toggle("course-step-is-done", checked); });
    });
    text.textContent = say(words.progress, { d: done.length, t: boxes.length });
    bar.value = done.length;
    reset.hidden = done.length === 0;
  }
  update();
})();

// Below 1220 px the menu is a drawer: open it on the list of chapters (the current one is
// highlighted), not inside the current chapter only.
(function () {
  var drawer = document.getElementById("__drawer");
  if (!drawer) return;
  drawer.addEventListener("change", function () {
    if (!drawer.checked || window.matchMedia("(min-width: 76.25em)").matches) return;
    var toggles = document.querySelectorAll(".md-nav--primary > .md-nav__list > .md-nav__item > .md-nav__toggle");
    Array.prototype.forEach.call(toggles, function (toggle) { toggle.checked = false; });
  });
})();

// Material's menu button is a <label>: reachable with Tab, and opened with Space as well as with
// Enter (Material clicks a focused label on Enter).
(function () {
  var button = document.querySelector("label.md-header__button[for='__drawer']");
  var drawer = document.getElementById("__drawer");
  if (!button || !drawer) return;
  button.setAttribute("tabindex", "0");
  button.setAttribute("role", "button");
  button.setAttribute("aria-label", document.documentElement.lang === "en" ? "Chapters" : "Chapitres");
  button.addEventListener("keydown", function (event) {
    if (event.key !== " ") return;
    event.preventDefault();
    button.click();
  });
})();
