/* The preview beside each part of the disclosure form (part_preview.html): “刷新预览” reloads
   the part's public rendering after a save made elsewhere (another tab, a spreadsheet import).
   A static file, as the Content-Security-Policy forbids inline script; without it the preview
   still shows, and reloads with the page after each save. */
(function () {
  "use strict";
  function init() {
    document.querySelectorAll("[data-part-preview]").forEach(function (pane) {
      var frame = pane.querySelector("iframe");
      var button = pane.querySelector("[data-preview-refresh]");
      if (!frame || !button) { return; }
      var url = frame.getAttribute("src");
      // As tall as the part it shows (same origin), within reason; the reader can resize it.
      frame.addEventListener("load", function () {
        var body = frame.contentDocument && frame.contentDocument.documentElement;
        if (body) { frame.style.height = Math.min(Math.max(body.scrollHeight + 2, 160), 900) + "px"; }
      });
      button.hidden = false;
      button.addEventListener("click", function () {
        // A new address each time, so no cache can answer with the old rendering.
        frame.setAttribute("src", url + (url.indexOf("?") > -1 ? "&" : "?") + "t=" + Date.now());
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
