/* The 72-hour clock, live (progressive enhancement: the server already wrote the text).
   <span class="breach-clock" data-deadline="ISO" data-server-now="ISO">41 h 12 min left</span>
   Corrects for a browser clock that is off by using the server's time at render. */
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function text(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var h = Math.floor(minutes / 60), m = minutes % 60;
    var d = h + " h " + pad(m) + " min";
    return ms >= 0 ? d + " left" : "overdue by " + d;
  }
  function tick(clocks, skew) {
    var now = Date.now() + skew;
    clocks.forEach(function (el) {
      var left = Date.parse(el.dataset.deadline) - now;
      el.textContent = text(left);
      el.classList.toggle("breach-clock--overdue", left < 0);
      el.classList.toggle("breach-clock--urgent", left >= 0 && left < 12 * 3600 * 1000);
    });
  }
  function start() {
    var clocks = Array.prototype.slice.call(document.querySelectorAll(".breach-clock[data-deadline]"));
    if (!clocks.length) { return; }
    var serverNow = Date.parse(clocks[0].dataset.serverNow || "");
    var skew = isNaN(serverNow) ? 0 : serverNow - Date.now();
    tick(clocks, skew);
    window.setInterval(function () { tick(clocks, skew); }, 1000);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
