// Every page: the language switch. Pages are written in Vietnamese; an element
// with data-en carries its English text (data-en-placeholder, -aria-label and
// -title for attributes). Choosing English swaps them in place and is kept in
// localStorage, so it survives navigation without generating a second site.
(function () {
  "use strict";
  var ATTRS = ["placeholder", "aria-label", "title"];
  function current() {
    try { return localStorage.getItem("od-lang") === "en" ? "en" : "vi"; } catch (e) { return "vi"; }
  }
  function apply(lang, scope) {
    var root = scope || document;
    root.querySelectorAll("[data-en]").forEach(function (el) {
      if (!el.hasAttribute("data-vi")) el.setAttribute("data-vi", el.textContent);
      el.textContent = el.getAttribute(lang === "en" ? "data-en" : "data-vi");
    });
    ATTRS.forEach(function (attr) {
      root.querySelectorAll("[data-en-" + attr + "]").forEach(function (el) {
        var keep = "data-vi-" + attr;
        if (!el.hasAttribute(keep)) el.setAttribute(keep, el.getAttribute(attr) || "");
        el.setAttribute(attr, el.getAttribute(lang === "en" ? "data-en-" + attr : keep));
      });
    });
    if (!scope) {
      document.documentElement.lang = lang;
      var button = document.querySelector("[data-od-lang]");
      if (button) {
        button.textContent = lang === "en" ? "Tiếng Việt" : "English";
        button.lang = lang === "en" ? "vi" : "en";
        button.setAttribute("aria-pressed", lang === "en" ? "true" : "false");
      }
    }
  }
  // Other scripts (search, table viewer) translate what they render through this.
  window.odI18n = {
    lang: current,
    apply: function (scope) { if (current() === "en") apply("en", scope); },
    t: function (vi, en) { return current() === "en" ? en : vi; },
  };
  function setup() {
    var button = document.querySelector("[data-od-lang]");
    if (button) {
      button.addEventListener("click", function () {
        var next = current() === "en" ? "vi" : "en";
        try { localStorage.setItem("od-lang", next); } catch (e) { /* private mode: this page only */ }
        apply(next);
        document.dispatchEvent(new CustomEvent("od-lang", { detail: next }));
      });
    }
    if (current() === "en") apply("en");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();
