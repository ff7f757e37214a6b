// Accent-free filtering of the dataset list: "ha noi" finds "Hà Nội".
// The accent-folded text of each card is computed at build time (data-search).
(function () {
  "use strict";
  function fold(s) {
    return s.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function setup() {
    var input = document.querySelector("[data-od-filter]");
    if (!input) return;
    var cards = document.querySelectorAll(input.getAttribute("data-od-filter") + " > li");
    var status = document.querySelector("[data-od-status]");
    var empty = document.querySelector("[data-od-empty]");
    function apply() {
      var terms = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      cards.forEach(function (card) {
        var text = card.getAttribute("data-search") || "";
        var match = terms.every(function (t) { return text.indexOf(t) !== -1; });
        card.hidden = !match;
        if (match) shown++;
      });
      if (status) status.textContent = terms.length ? shown + " / " + cards.length + " bộ dữ liệu" : "";
      if (empty) empty.hidden = shown !== 0;
      var url = new URL(window.location.href);
      if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url);
    }
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) input.value = q;
    input.addEventListener("input", apply);
    apply();
  }
  if (typeof document$ !== "undefined") { document$.subscribe(setup); } else { document.addEventListener("DOMContentLoaded", setup); }
})();
