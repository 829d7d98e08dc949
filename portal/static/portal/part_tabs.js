/* The disclosure form, one part at a time (change_form.html): a tab shows its part; a link to
   a field (the findings list, an address ending in #id_…) opens the part that holds it.
   A static file, as the Content-Security-Policy forbids inline script; without it every part
   shows, one after another. */
(function () {
  "use strict";
  function init() {
    var panels = Array.prototype.slice.call(document.querySelectorAll("[data-part-panel]"));
    var tabs = Array.prototype.slice.call(document.querySelectorAll("[data-part-tab]"));
    if (!panels.length) { return; }
    function show(id) {
      panels.forEach(function (panel) { panel.hidden = panel.id !== id; });
      tabs.forEach(function (tab) {
        var on = tab.getAttribute("data-part-tab") === id;
        tab.classList.toggle("selected", on);
        if (on) { tab.setAttribute("aria-current", "true"); } else { tab.removeAttribute("aria-current"); }
      });
    }
    function reveal(hash) {
      if (!hash || hash.length < 2) { return false; }
      var target = document.getElementById(decodeURIComponent(hash.slice(1)));
      var panel = target && target.closest("[data-part-panel]");
      if (!panel) { return false; }
      show(panel.id);
      target.scrollIntoView({block: "center"});
      if (target.focus) { target.focus({preventScroll: true}); }
      return true;
    }
    tabs.forEach(function (tab) {
      tab.addEventListener("click", function (event) {
        event.preventDefault();
        show(tab.getAttribute("data-part-tab"));
      });
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (link && !link.hasAttribute("data-part-tab") && reveal(link.getAttribute("href"))) {
        event.preventDefault();
      }
    });
    // After a save that failed, open the first part with an error, not the first part.
    var error = document.querySelector("[data-part-panel] .errorlist, [data-part-panel] .errornote");
    if (!reveal(window.location.hash)) {
      show(error ? error.closest("[data-part-panel]").id : panels[0].id);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
