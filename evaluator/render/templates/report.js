(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var byId = {};
  data.findings.forEach(function (f) { byId[f.id] = f; });
  var list = document.getElementById("findings-list");
  var items = list ? Array.prototype.slice.call(list.querySelectorAll("li.finding")) : [];
  var form = document.getElementById("filters");
  var checkFilter = form ? form.querySelector("select[name=check]") : null;  // "": every check
  var shown = document.getElementById("shown");
  var none = document.getElementById("no-findings-shown");
  var infoNote = document.getElementById("info-note");
  var current = -1;  // the finding n / p last moved to
  // A printed report carries what other checks said of each merged finding, and every pair whose scores
  // look fine: open those for print.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details.f-also, details.fine-more"), function (d) { d.open = true; });
    describeFilters();
  });

  // The findings the filters leave shown, in page order.
  function visible() {
    return items.filter(function (li) { return !li.hidden; });
  }

  var only = document.getElementById("only-findings");
  var noPairs = document.getElementById("no-pairs-shown");
  var printNote = document.getElementById("print-filters");

  function severityBoxes() {
    return form ? Array.prototype.slice.call(form.querySelectorAll("input[name=severity]")) : [];
  }

  // On paper the page shows what the screen shows: say which filters that was (what it leaves out).
  function describeFilters() {
    if (!printNote) { return; }
    var sevs = severityBoxes().filter(function (cb) { return cb.checked; }).map(function (cb) { return cb.value; });
    var check = checkFilter ? checkFilter.value : "";
    var total = items.length;
    var hidden = total - visible().length;
    var text = "Printed with filters: severity " + (sevs.length ? sevs.join(", ") : "none") + "; " +
      (check === "" ? "all checks" : "check " + check) + "; " +
      hidden + " of " + total + " finding" + (total === 1 ? "" : "s") + " hidden";
    if (only && only.checked) {
      var rows = document.querySelectorAll("#pairs-list article.pair[data-f='0']").length;
      text += "; only pairs with minor or worse findings (" + rows + " row" + (rows === 1 ? "" : "s") + " hidden)";
    }
    printNote.textContent = text + ".";
  }

  function applyFilters() {
    var sev = {};
    severityBoxes().forEach(function (cb) { sev[cb.value] = cb.checked; });
    var check = checkFilter.value;
    items.forEach(function (li) {
      li.hidden = !(sev[li.dataset.severity] && (check === "" || li.dataset.check === check));
    });
    var n = visible().length;
    shown.textContent = n + " of " + data.findings.length + " shown";
    if (none) { none.hidden = n !== 0 || items.length === 0; }
    if (infoNote) { infoNote.hidden = !!sev.info; }
    describeFilters();
  }

  function applyOnly() {
    if (!only) { return; }
    document.body.classList.toggle("only-findings", only.checked);
    // What the toggle keeps: pairs with a minor or worse finding (info findings do not count).
    var kept = document.querySelectorAll("#pairs-list article.pair[data-f='1']").length;
    if (noPairs) { noPairs.hidden = !(only.checked && kept === 0); }
    describeFilters();
  }

  if (form) {
    form.addEventListener("change", applyFilters);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    applyFilters();  // the boxes as served (info unticked) or as the browser restored them
  }
  if (only) {
    only.addEventListener("change", applyOnly);
    applyOnly();  // the box as the browser restored it
  }

  // A link to a finding the filters hide (a pair's badge for an info finding), or to a pair the
  // "only pairs with findings" toggle hides, first shows it: its severity ticked, a check filter that
  // leaves it out cleared, the toggle off.  Returns the element when it had to be revealed.
  function reveal(id) {
    var el = id ? document.getElementById(id) : null;
    if (!el) { return null; }
    var changed = false;
    if (form && el.classList.contains("finding") && items.indexOf(el) >= 0) {
      severityBoxes().forEach(function (cb) {
        if (cb.value === el.dataset.severity && !cb.checked) { cb.checked = true; changed = true; }
      });
      if (checkFilter.value !== "" && checkFilter.value !== el.dataset.check) { checkFilter.value = ""; changed = true; }
      if (changed) { applyFilters(); }
    } else if (only && only.checked && el.classList.contains("pair") && el.dataset.f === "0") {
      only.checked = false;
      changed = true;
      applyOnly();
    }
    return changed ? el : null;
  }

  function targetOf(hash) {
    if (!hash || hash.charAt(0) !== "#") { return ""; }
    try { return decodeURIComponent(hash.slice(1)); } catch (err) { return hash.slice(1); }
  }

  function land(el) {
    if (el.classList.contains("finding")) {
      current = items.indexOf(el);
      el.focus({ preventScroll: true });
    }
    el.scrollIntoView({ block: "start" });
  }

  // A click reveals its target before the browser follows the link, so the browser's own jump lands.
  document.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest("a[href^='#']") : null;
    if (a) { reveal(targetOf(a.getAttribute("href"))); }
  });
  // A hash set otherwise (typed, history, script): the browser found nothing to scroll to; do it here.
  window.addEventListener("hashchange", function () {
    var el = reveal(targetOf(location.hash));
    if (el) { land(el); }
  });

  // The sticky header covers the top of the page: a jump to an anchor lands below it, whatever its height.
  var top = document.querySelector("header.top");
  function padTop() {
    var sticky = top && getComputedStyle(top).position === "sticky";
    document.documentElement.style.scrollPaddingTop = sticky ? (top.offsetHeight + 12) + "px" : "";
  }
  padTop();
  window.addEventListener("resize", padTop);

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

  // Opened at a finding or pair the filters hide (a link from elsewhere, a reload): show it.
  var atLoad = reveal(targetOf(location.hash));
  if (atLoad) { land(atLoad); }
})();
