// Dataset search: accent-free ("ha noi" finds "Hà Nội"), every term required,
// the last one matched as a prefix, titles ranked above keywords, agency and
// topic, those above the description. Facets (agency, topic, format, update
// frequency) combine: OR inside one facet, AND across facets. The whole state
// lives in the query string, so a search can be shared, bookmarked, reloaded.
// The index is built by generator/publish/search_index.py; the core below
// also runs under node (benchmarks/search_index.py times it there).
(function (root) {
  "use strict";
  var WEIGHTS = { title: 8, keywords: 5, agency: 3, topic: 3, words: 1 };
  var FACETS = ["agency", "topic", "format", "frequency"];

  function fold(s) {
    return String(s).replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(s) { return " " + fold(s).replace(/[^a-z0-9]+/g, " ").trim() + " "; }

  function Index(data) {
    var d = data.docs, n = d.id.length, i;
    this.data = data;
    this.n = n;
    this.title = new Array(n); this.keywords = new Array(n); this.words = new Array(n);
    for (i = 0; i < n; i++) {
      this.title[i] = words(d.title[i]);
      this.keywords[i] = words(d.keywords[i].replace(/\|/g, " "));
      this.words[i] = " " + d.words[i] + " ";
    }
    this.agencyText = data.agencies.map(function (a) { return words(a[1] + " " + a[0]); });
    this.topicText = data.topics.map(function (t) { return words(t[1] + " " + t[0]); });
    this.facetIds = {
      agency: data.agencies.map(function (a) { return a[0]; }),
      topic: data.topics.map(function (t) { return t[0]; }),
      format: data.formats.map(function (f) { return f[0]; }),
      frequency: data.frequencies.map(function (f) { return f[0]; }),
    };
  }

  // Query text -> terms: folded words; the last may be a prefix unless the query ends with a space.
  Index.prototype.terms = function (q) {
    var t = fold(q || "").replace(/[^a-z0-9]+/g, " ").trim();
    if (!t) return [];
    var list = t.split(" ");
    var open = !/[\s]$/.test(q);
    return list.map(function (w, i) { return { w: w, prefix: open && i === list.length - 1 }; });
  };

  function has(hay, term) {
    return hay.indexOf(term.prefix ? " " + term.w : " " + term.w + " ") !== -1;
  }

  Index.prototype.score = function (i, terms, phrase) {
    var d = this.data.docs, total = 0;
    for (var k = 0; k < terms.length; k++) {
      var t = terms[k], best = 0;
      if (has(this.title[i], t)) best = WEIGHTS.title;
      else if (has(this.keywords[i], t)) best = WEIGHTS.keywords;
      else if (has(this.agencyText[d.agency[i]], t)) best = WEIGHTS.agency;
      else if (has(this.topicText[d.topic[i]], t)) best = WEIGHTS.topic;
      else if (has(this.words[i], t)) best = WEIGHTS.words;
      if (!best) return 0;
      total += best;
    }
    if (phrase && this.title[i].indexOf(phrase) !== -1) total += 10;  // the words together, in order
    return total;
  };

  // filters: {agency: [ids], topic: [ids], format: [ids], frequency: [ids]}
  Index.prototype.search = function (q, filters) {
    var d = this.data.docs, terms = this.terms(q), self = this;
    var phrase = terms.length > 1 ? " " + terms.map(function (t) { return t.w; }).join(" ") : "";
    var want = {};
    FACETS.forEach(function (f) {
      var ids = (filters && filters[f]) || [];
      if (!ids.length) return;
      var pos = ids.map(function (id) { return self.facetIds[f].indexOf(id); }).filter(function (x) { return x >= 0; });
      want[f] = f === "format" ? pos.reduce(function (m, p) { return m | (1 << p); }, 0) : pos;
    });
    function passes(f, i) {
      if (!(f in want)) return true;
      if (f === "format") return (d.formats[i] & want.format) !== 0;
      var v = f === "agency" ? d.agency[i] : f === "topic" ? d.topic[i] : d.frequency[i];
      return want[f].indexOf(v) !== -1;
    }
    var counts = { agency: {}, topic: {}, format: {}, frequency: {} };
    var hits = [];
    for (var i = 0; i < this.n; i++) {
      var s = terms.length ? this.score(i, terms, phrase) : 1;
      if (!s) continue;
      var ok = { agency: passes("agency", i), topic: passes("topic", i), format: passes("format", i), frequency: passes("frequency", i) };
      // A facet's counts follow every other facet, so choosing one value never hides its siblings.
      if (ok.topic && ok.format && ok.frequency) counts.agency[d.agency[i]] = (counts.agency[d.agency[i]] || 0) + 1;
      if (ok.agency && ok.format && ok.frequency) counts.topic[d.topic[i]] = (counts.topic[d.topic[i]] || 0) + 1;
      if (ok.agency && ok.topic && ok.frequency) {
        for (var b = 0; b < this.facetIds.format.length; b++) if (d.formats[i] & (1 << b)) counts.format[b] = (counts.format[b] || 0) + 1;
      }
      if (ok.agency && ok.topic && ok.format) counts.frequency[d.frequency[i]] = (counts.frequency[d.frequency[i]] || 0) + 1;
      if (ok.agency && ok.topic && ok.format && ok.frequency) hits.push([s, i]);
    }
    // Best score first; ties keep index order (newest first).
    hits.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    return { hits: hits.map(function (h) { return h[1]; }), counts: counts, terms: terms };
  };

  var api = { Index: Index, fold: fold, FACETS: FACETS };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; return; }
  root.OdSearch = api;

  // ---- The search page -------------------------------------------------------------------
  var PAGE = 20;
  var FACET_LABELS = {
    agency: ["Cơ quan", "Agency"], topic: ["Chủ đề", "Topic"],
    format: ["Định dạng", "Format"], frequency: ["Tần suất cập nhật", "Update frequency"],
  };
  // portal.js may run after this script: read the visitor's choice directly.
  function t(vi, en) { try { return localStorage.getItem("od-lang") === "en" ? en : vi; } catch (e) { return vi; } }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;  // always text: metadata comes from pull requests
    return e;
  }
  function vnDate(iso) { var p = iso.split("-"); return p.length === 3 ? p[2] + "/" + p[1] + "/" + p[0] : iso; }

  function readState() {
    var params = new URLSearchParams(location.search), s = { q: params.get("q") || "", page: Math.max(1, parseInt(params.get("page"), 10) || 1) };
    FACETS.forEach(function (f) { s[f] = params.getAll(f); });
    return s;
  }
  function writeState(s, push) {
    var params = new URLSearchParams();
    if (s.q) params.set("q", s.q);
    FACETS.forEach(function (f) { s[f].forEach(function (v) { params.append(f, v); }); });
    if (s.page > 1) params.set("page", String(s.page));
    var url = location.pathname + (params.toString() ? "?" + params.toString() : "");
    history[push ? "pushState" : "replaceState"](null, "", url);
  }

  function setup() {
    var app = document.querySelector("[data-od-search]");
    if (!app) return;
    var rootUrl = app.getAttribute("data-root");
    var input = app.querySelector("#od-q");
    var facetsBox = app.querySelector("[data-od-facets]");
    var list = app.querySelector("[data-od-results]");
    var status = app.querySelector("[data-od-status]");
    var pager = app.querySelector("[data-od-pager]");
    var chips = app.querySelector("[data-od-chips]");
    var empty = app.querySelector("[data-od-empty]");
    var state = readState(), index = null;
    var filters = app.querySelector("[data-od-filters]");
    // On a phone the filters start folded, so the results come first.
    if (filters && window.matchMedia && window.matchMedia("(max-width: 900px)").matches) filters.open = false;
    input.value = state.q;

    function facetName(f, pos) {
      var data = index.data;
      if (f === "agency") return t(data.agencies[pos][1], data.agencies[pos][2] || data.agencies[pos][1]);
      if (f === "topic") return t(data.topics[pos][1], data.topics[pos][2] || data.topics[pos][1]);
      if (f === "format") return data.formats[pos][1];
      return t(data.frequencies[pos][1], data.frequencies[pos][2]);
    }

    function renderFacets(counts) {
      facetsBox.textContent = "";
      FACETS.forEach(function (f) {
        var fs = el("fieldset"), ids = index.facetIds[f];
        fs.appendChild(el("legend", null, t(FACET_LABELS[f][0], FACET_LABELS[f][1])));
        var shown = 0;
        ids.forEach(function (id, pos) {
          var n = counts[f][pos] || 0, checked = state[f].indexOf(id) !== -1;
          if (!n && !checked) return;
          shown++;
          var label = el("label"), box = el("input", { type: "checkbox", name: f, value: id });
          box.checked = checked;
          box.addEventListener("change", function () {
            var i = state[f].indexOf(id);
            if (box.checked && i === -1) state[f].push(id);
            if (!box.checked && i !== -1) state[f].splice(i, 1);
            state.page = 1;
            update(true);
          });
          label.appendChild(box);
          label.appendChild(el("span", null, facetName(f, pos)));
          label.appendChild(el("span", { "class": "od-facet__n" }, String(n)));
          fs.appendChild(label);
        });
        if (shown) facetsBox.appendChild(fs);
      });
    }

    function renderChips() {
      chips.textContent = "";
      FACETS.forEach(function (f) {
        state[f].forEach(function (id) {
          var pos = index.facetIds[f].indexOf(id);
          if (pos === -1) return;
          var b = el("button", { type: "button", "class": "od-chip", "aria-label": t("Bỏ lọc ", "Remove filter ") + facetName(f, pos) }, facetName(f, pos) + " ×");
          b.addEventListener("click", function () { state[f].splice(state[f].indexOf(id), 1); state.page = 1; update(true); });
          chips.appendChild(b);
        });
      });
    }

    function card(i) {
      var d = index.data.docs, data = index.data;
      var li = el("li", { "class": "od-card" });
      var h = el("h3", { "class": "od-card__title" }), a = el("a", { href: rootUrl + "datasets/" + d.id[i] + "/" }, d.title[i]);
      h.appendChild(a); li.appendChild(h);
      var meta = el("p", { "class": "od-card__meta" });
      meta.appendChild(el("a", { href: rootUrl + "agencies/" + data.agencies[d.agency[i]][0] + "/" }, facetName("agency", d.agency[i])));
      meta.appendChild(document.createTextNode(" · " + facetName("topic", d.topic[i]) + " · " + t("Cập nhật ", "Updated ") + vnDate(d.modified[i])));
      li.appendChild(meta);
      if (d.snippet[i]) li.appendChild(el("p", { "class": "od-card__desc" }, d.snippet[i]));
      var badges = el("span", { "class": "od-formats" });
      data.formats.forEach(function (f, b) { if (d.formats[i] & (1 << b)) badges.appendChild(el("span", { "class": "od-badge od-badge--" + f[0] }, f[1])); });
      li.appendChild(badges);
      return li;
    }

    function update(push) {
      var result = index.search(state.q, state);
      var total = result.hits.length, pages = Math.max(1, Math.ceil(total / PAGE));
      if (state.page > pages) state.page = pages;
      writeState(state, push);
      renderFacets(result.counts);
      renderChips();
      list.textContent = "";
      result.hits.slice((state.page - 1) * PAGE, state.page * PAGE).forEach(function (i) { list.appendChild(card(i)); });
      status.textContent = t(total + " bộ dữ liệu", total + (total === 1 ? " dataset" : " datasets")) +
        (pages > 1 ? t(" · trang ", " · page ") + state.page + "/" + pages : "");
      empty.hidden = total !== 0;
      pager.textContent = "";
      if (pages > 1) {
        var prev = el("button", { type: "button", "class": "od-button od-button--ghost", "data-od-prev": "" }, t("← Trang trước", "← Previous"));
        var next = el("button", { type: "button", "class": "od-button od-button--ghost", "data-od-next": "" }, t("Trang sau →", "Next →"));
        prev.disabled = state.page <= 1; next.disabled = state.page >= pages;
        prev.addEventListener("click", function () { state.page--; update(true); list.scrollIntoView(); });
        next.addEventListener("click", function () { state.page++; update(true); list.scrollIntoView(); });
        pager.appendChild(prev); pager.appendChild(next);
      }
    }

    // No debounce: a query over 10,000 datasets takes under 10 ms.
    input.addEventListener("input", function () {
      state.q = input.value; state.page = 1;
      if (index) update(false);
    });
    app.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); if (index) update(true); });
    window.addEventListener("popstate", function () { state = readState(); input.value = state.q; if (index) update(false); });
    document.addEventListener("od-lang", function () { if (index) update(false); });

    // search/index.js (deferred, before this script) set window.odSearchIndex.
    if (root.odSearchIndex) {
      index = new Index(root.odSearchIndex);
      app.setAttribute("data-od-ready", "");
      update(false);
    } else {
      status.textContent = t("Không tải được chỉ mục tìm kiếm; danh sách dưới đây là các bộ dữ liệu mới nhất.",
        "The search index could not be loaded; below are the newest datasets.");
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})(typeof window !== "undefined" ? window : this);
