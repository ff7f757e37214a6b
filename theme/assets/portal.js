// Every page: the language switch and the phone menu. Pages are written in Vietnamese; the
// build (generator/i18n.py) gives an element its English from the catalogues in data-en (text),
// data-en-html (a message holding a link), data-en-placeholder, -aria-label and -title
// (attributes); a static form's element marked data-i18n is looked up in assets/messages.js;
// a block written in both languages (data-od-only="vi"/"en") shows in one. Choosing English swaps
// them in place and is kept in localStorage, so it survives navigation without a second site.
(function () {
  "use strict";
  var ATTRS = ["placeholder", "aria-label", "title"];
  function current() {
    try { return localStorage.getItem("od-lang") === "en" ? "en" : "vi"; } catch (e) { return "vi"; }
  }
  function swap(el, attr, lang) {
    var keep = "data-vi-" + attr;
    if (!el.hasAttribute(keep)) el.setAttribute(keep, attr === "text" ? el.textContent : el.innerHTML);
    var value = el.getAttribute(lang === "en" ? "data-en" + (attr === "html" ? "-html" : "") : keep);
    if (attr === "text") el.textContent = value; else el.innerHTML = value;  // built and escaped by the generator
  }
  function apply(lang, scope) {
    var root = scope || document;
    var messages = window.odMessages || {};
    root.querySelectorAll("[data-en]").forEach(function (el) { swap(el, "text", lang); });
    root.querySelectorAll("[data-en-html]").forEach(function (el) { swap(el, "html", lang); });
    root.querySelectorAll("[data-i18n]").forEach(function (el) {
      if (!el.hasAttribute("data-vi-text")) el.setAttribute("data-vi-text", el.textContent.replace(/\s+/g, " ").trim());
      var vi = el.getAttribute("data-vi-text");
      el.textContent = lang === "en" && messages[vi] ? messages[vi] : vi;
    });
    root.querySelectorAll("[data-od-only]").forEach(function (el) { el.hidden = el.getAttribute("data-od-only") !== lang; });
    ATTRS.forEach(function (attr) {
      root.querySelectorAll("[data-en-" + attr + "]").forEach(function (el) {
        var keep = "data-vi-" + attr;
        if (!el.hasAttribute(keep)) el.setAttribute(keep, el.getAttribute(attr) || "");
        el.setAttribute(attr, el.getAttribute(lang === "en" ? "data-en-" + attr : keep));
      });
    });
    if (!scope) {
      document.documentElement.lang = lang;
      var title = document.querySelector('meta[name="od-title-en"]');
      if (title) {
        if (!title.hasAttribute("data-vi")) title.setAttribute("data-vi", document.title);
        document.title = lang === "en" ? title.getAttribute("content") : title.getAttribute("data-vi");
      }
      var button = document.querySelector("[data-od-lang]");
      if (button) {
        button.textContent = lang === "en" ? "Tiếng Việt" : "English";
        button.lang = lang === "en" ? "vi" : "en";
        button.setAttribute("aria-pressed", lang === "en" ? "true" : "false");
      }
    }
  }
  // Other scripts (search, table viewer, forms) translate what they render through this.
  window.odI18n = {
    lang: current,
    apply: function (scope) { if (current() === "en") apply("en", scope); },
  };
  // On a phone the nav folds behind a menu button; without JavaScript its links wrap instead.
  function menu() {
    var toggle = document.querySelector(".od-nav__toggle");
    var list = document.getElementById("od-nav-list");
    if (!toggle || !list) return;
    toggle.hidden = false;
    document.documentElement.classList.add("od-js");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      list.classList.toggle("od-nav--open", open);
    });
  }
  // A table wider than the screen scrolls: keyboard users reach it (tabindex) and a cue says so.
  function scrollers() {
    document.querySelectorAll(".od-table-wrap").forEach(function (wrap) {
      function mark() {
        var wide = wrap.scrollWidth > wrap.clientWidth + 1;
        wrap.classList.toggle("od-table-wrap--wide", wide);
      }
      mark();
      if (window.ResizeObserver) new ResizeObserver(mark).observe(wrap);
    });
  }
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
    menu();
    scrollers();
    if (current() === "en") apply("en");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();
