// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // A place on the map is a link to a page with a button; with JavaScript, go there at once
  // by submitting the same form the list below the map offers.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-place]") : null;
    if (!link) return;
    var form = document.querySelector('form[data-place="' + link.getAttribute("data-place") + '"]');
    if (!form) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (form.requestSubmit) form.requestSubmit(button || undefined);
    else form.submit();
  });

  // Avoid a second submit of the same form by a double click (the server ignores it anyway).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute("data-submitted")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitted", "1");
  });

  // Coming back with the back button restores the page as it was: allow submitting again.
  window.addEventListener("pageshow", function () {
    var forms = document.querySelectorAll("form[data-submitted]");
    for (var i = 0; i < forms.length; i++) forms[i].removeAttribute("data-submitted");
  });

  // Move focus to an error summary so screen reader users hear it first.
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
