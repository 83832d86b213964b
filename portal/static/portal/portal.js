/* MicroPIM privacy portal: small progressive enhancement only; every page works without it.
 * 1. An error summary takes the focus, so keyboard and screen-reader users land on it.
 * 2. Elements with data-poll-url refresh a progress bar from a JSON status URL (exports). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
    Array.prototype.forEach.call(document.querySelectorAll("[data-poll-url]"), poll);
  });

  function poll(el) {
    var url = el.getAttribute("data-poll-url");
    var bar = el.querySelector("progress");
    var text = el.querySelector("[data-poll-text]");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          if (bar && typeof data.percent === "number") { bar.value = data.percent; }
          if (text && data.label) { text.textContent = data.label; }
          if (data.done) { window.location.reload(); } else { window.setTimeout(tick, 2000); }
        })
        .catch(function () { window.setTimeout(tick, 5000); });
    }
    window.setTimeout(tick, 2000);
  }
})();
