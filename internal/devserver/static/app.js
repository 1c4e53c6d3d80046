// llmtrace dev platform: the page's only script (no build step, no dependencies).
// - Trace view: clicking a span on the timeline shows its details; without this script
//   every span's details are shown one after another.
// - Lists (traces, conversation): "Refresh every 5 s" re-fetches the page and swaps the
//   #live region, so new traces appear without reloading by hand.
(function () {
  "use strict";

  function selectSpan(id, focus) {
    var panels = document.querySelectorAll(".details article.span");
    var found = false;
    panels.forEach(function (p) {
      var on = p.dataset.spanId === id;
      p.classList.toggle("shown", on);
      found = found || on;
      if (on && focus) { p.focus({ preventScroll: true }); }
    });
    document.querySelectorAll(".timeline .row").forEach(function (r) {
      var on = r.dataset.spanId === id;
      r.classList.toggle("selected", on);
      var a = r.querySelector("a");
      if (a) { a.setAttribute("aria-current", on ? "true" : "false"); }
    });
    return found;
  }

  function initTrace() {
    var rows = document.querySelectorAll(".timeline .row");
    if (!rows.length) { return; }
    document.documentElement.classList.add("js");
    rows.forEach(function (r) {
      r.querySelector("a").addEventListener("click", function (e) {
        e.preventDefault();
        history.replaceState(null, "", "#span-" + r.dataset.spanId);
        selectSpan(r.dataset.spanId, true);
      });
    });
    var fromHash = location.hash.indexOf("#span-") === 0 && selectSpan(location.hash.slice(6), false);
    if (!fromHash) { selectSpan(rows[0].dataset.spanId, false); }
  }

  function initRefresh() {
    var live = document.getElementById("live");
    var box = document.getElementById("auto-refresh");
    var status = document.getElementById("refresh-status");
    if (!live || !box) { return; }
    function refresh() {
      if (!box.checked || document.hidden) { return; }
      fetch(location.href, { headers: { Accept: "text/html" }, cache: "no-store" })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var next = doc.getElementById("live");
          if (next && next.innerHTML !== live.innerHTML) {
            live.innerHTML = next.innerHTML;
            status.textContent = "updated " + new Date().toLocaleTimeString();
          }
        })
        .catch(function () { status.textContent = "refresh failed; retrying"; });
    }
    setInterval(refresh, 5000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    initTrace();
    initRefresh();
  });
})();
