// Asks before a step that cannot be undone: a button with data-confirm="…" submits only
// after the person confirms. A static file, so the Content-Security-Policy forbids inline
// scripts and handlers (onclick) everywhere.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
