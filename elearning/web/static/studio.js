// Studio enhancement only: without this file the page has a link to reload it by hand.
// Live reload: ask the server for the course's stamp; when it changes (a file was saved),
// load the page again. No inline script anywhere (CSP script-src 'self').
(function () {
  "use strict";
  var note = document.querySelector("[data-live-url]");
  if (!note || !window.fetch) return;
  var url = note.getAttribute("data-live-url");
  var stamp = note.getAttribute("data-live-stamp");
  var target = note.getAttribute("data-live-reload") || window.location.href;
  var INTERVAL = 1000;

  function later(ms) { window.setTimeout(check, ms); }

  function check() {
    if (document.hidden) { later(INTERVAL); return; }
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.stamp && data.stamp !== stamp) {
          window.location.assign(target);
          return;
        }
        later(data ? INTERVAL : 5 * INTERVAL);
      })
      .catch(function () { later(5 * INTERVAL); });
  }

  later(INTERVAL);
})();
