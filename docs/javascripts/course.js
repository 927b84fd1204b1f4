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
(function () {
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.md-select__link[hreflang]");
    if (!link || !location.hash) return;
    link.href = link.href.split("#")[0] + location.hash;
  }, true);
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
