(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var byId = {};
  data.findings.forEach(function (f) { byId[f.id] = f; });
  var list = document.getElementById("findings-list");
  var items = list ? Array.prototype.slice.call(list.querySelectorAll("li.finding")) : [];
  var form = document.getElementById("filters");
  var shown = document.getElementById("shown");
  var none = document.getElementById("no-findings-shown");
  var infoNote = document.getElementById("info-note");
  // A printed report carries what other checks said of each merged finding, and every pair whose scores
  // look fine: open those for print.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details.f-also, details.fine-more"), function (d) { d.open = true; });
  });

  function visible() {
    return items.filter(function (li) { return !li.hidden; });
  }

  function applyFilters() {
    var sev = {};
    form.querySelectorAll("input[name=severity]").forEach(function (cb) { sev[cb.value] = cb.checked; });
    var check = form.querySelector("select[name=check]").value;
    var n = 0;
    items.forEach(function (li) {
      var ok = sev[li.dataset.severity] && (check === "" || li.dataset.check === check);
      li.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + " of " + data.findings.length + " shown";
    if (none) { none.hidden = n !== 0 || items.length === 0; }
    if (infoNote) { infoNote.hidden = !!sev.info; }
  }

  if (form) {
    form.addEventListener("change", applyFilters);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    applyFilters();  // the boxes as served (info unticked) or as the browser restored them
  }

  // The sticky header covers the top of the page: a jump to an anchor lands below it, whatever its height.
  var top = document.querySelector("header.top");
  function padTop() {
    var sticky = top && getComputedStyle(top).position === "sticky";
    document.documentElement.style.scrollPaddingTop = sticky ? (top.offsetHeight + 12) + "px" : "";
  }
  padTop();
  window.addEventListener("resize", padTop);

  var only = document.getElementById("only-findings");
  if (only) {
    only.addEventListener("change", function () {
      document.body.classList.toggle("only-findings", only.checked);
      document.getElementById("no-pairs-shown").hidden = !(only.checked && data.findings.length === 0);
    });
  }

  // A finding's tooltip opens under its mark; near the window's right edge it moves left to stay in view.
  function placeTip(e) {
    var m = e.target && e.target.closest ? e.target.closest("mark.f") : null;
    var tip = m ? m.nextElementSibling : null;
    if (!tip || !tip.classList.contains("tip")) { return; }
    tip.style.left = "0px";
    var r = tip.getBoundingClientRect();
    var over = r.right - (document.documentElement.clientWidth - 8);
    if (over > 0) { tip.style.left = -Math.max(0, Math.min(over, r.left - 8)) + "px"; }
  }
  document.addEventListener("mouseover", placeTip);
  document.addEventListener("focusin", placeTip);

  var current = -1;
  function move(step) {
    var vis = visible();
    if (!vis.length) { return; }
    var at = vis.indexOf(document.activeElement);
    if (at < 0) { at = vis.indexOf(items[current]); }
    var next = at < 0 ? (step > 0 ? 0 : vis.length - 1) : Math.min(vis.length - 1, Math.max(0, at + step));
    current = items.indexOf(vis[next]);
    vis[next].focus({ preventScroll: true });
    vis[next].scrollIntoView({ block: "center" });
  }

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA" || t.isContentEditable)) { return; }
    if (e.key === "n" || e.key === "j") { e.preventDefault(); move(1); }
    else if (e.key === "p" || e.key === "k") { e.preventDefault(); move(-1); }
    else if (e.key === "Enter" && t && t.classList && t.classList.contains("finding")) {
      var f = byId[t.id];
      if (f && f.pair !== null) { e.preventDefault(); location.hash = "#pair-" + f.pair; }
    }
  });
})();
