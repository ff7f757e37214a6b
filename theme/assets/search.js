// Dataset search: accent-free ("ha noi" finds "Hà Nội"), every term required, the last one
// matched as a prefix unless the query ends with a space.
// Ranking. Each term scores the weight of the best field it is found in (title, keywords, agency,
// topic, description). Vietnamese words are several syllables, so a term that stands beside the
// query's next or previous term in that field (the syllables of "đầu tư" together in "Sở Kế hoạch
// và Đầu tư") counts ADJACENT times more than one found alone ("…đầu năm… từ ngày…"), and the
// whole query together in one field adds a phrase bonus. When the query is typed with accents, a
// term whose accents match exactly ("hộ" for "hộ", not "hồ") counts EXACT times more. A
// multi-word query that some dataset matches with its syllables together drops the datasets that
// only have them scattered and score far below the best. English readers search the English
// titles with the title's weight (Vietnamese ones stay searchable).
// Facets (agency, topic, format, update frequency) combine: OR inside one facet, AND across
// facets. Sort: relevance, newest, title. The whole state lives in the query string, so a search
// can be shared, bookmarked, reloaded. The index is built by generator/publish/discovery/search_index.py;
// the core below also runs under node (benchmarks/search_index.py times it there).
(function (root) {
  "use strict";
  var WEIGHTS = { title: 8, keywords: 5, agency: 3, topic: 3, words: 1 };
  var ADJACENT = 4, PHRASE = 2, EXACT = 1.5, SCATTERED_CUT = 0.25;
  var FACETS = ["agency", "topic", "format", "frequency"];
  var SORTS = ["relevance", "newest", "title"];

  function fold(s) {
    return String(s).replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(s) { return " " + fold(s).replace(/[^a-z0-9]+/g, " ").trim() + " "; }
  // Lower case with accents kept, split where words() splits (for the exact-accent bonus).
  function exactWords(s) {
    return " " + String(s).normalize("NFC").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).join(" ") + " ";
  }
  // Keywords: a gap between two keywords, so "a b" never matches across them.
  function keywordWords(s) { return " " + s.split("|").map(function (k) { return words(k).trim(); }).join("  ") + " "; }

  function Index(data) {
    var d = data.docs, n = d.id.length, i;
    this.data = data;
    this.n = n;
    this.title = new Array(n); this.titleEn = new Array(n); this.keywords = new Array(n); this.words = new Array(n);
    for (i = 0; i < n; i++) {
      this.title[i] = words(d.title[i]);
      this.titleEn[i] = d.title_en[i] ? words(d.title_en[i]) : " ";
      this.keywords[i] = keywordWords(d.keywords[i]);
    }
    this.agencyText = data.agencies.map(function (a) { return words(a[1] + " " + (a[2] || "") + " " + a[0]); });
    this.topicText = data.topics.map(function (t) { return words(t[1] + " " + (t[2] || "") + " " + t[0]); });
    // Which datasets hold each word (their own words; agencies and topics are few and searched
    // directly) is built after the page shows (build(), a slice at a time): until then a query scans.
    this.postings = null;
    this.building = null;
    this.vocabulary = null;  // sorted, for prefixes: made on the first prefix query
    this.exact = null;  // accented texts, made on the first query typed with accents
    this.seen = new Int32Array(n);
    this.best = new Float64Array(64);
    this.facetIds = {
      agency: data.agencies.map(function (a) { return a[0]; }),
      topic: data.topics.map(function (t) { return t[0]; }),
      format: data.formats.map(function (f) { return f[0]; }),
      frequency: data.frequencies.map(function (f) { return f[0]; }),
    };
  }

  // Query text -> terms: folded words (w) and as typed (raw); the last may be a prefix. Each term
  // carries the strings searched for (alone, beside the previous term, accented), made once.
  Index.prototype.terms = function (q) {
    var folded = fold(q || "").replace(/[^a-z0-9]+/g, " ").trim();
    if (!folded) return [];
    var list = folded.split(" "), raw = exactWords(q).trim().split(" ");
    var open = !/[\s]$/.test(q);
    return list.map(function (w, i) {
      var r = raw.length === list.length ? raw[i] : w, prefix = open && i === list.length - 1, end = prefix ? "" : " ";
      return { w: w, raw: r, accented: r !== w, prefix: prefix, alone: " " + w + end,
               pair: i > 0 ? " " + list[i - 1] + " " + w + end : null, exact: " " + r + end };
    });
  };

  Index.prototype.exactTexts = function () {
    if (this.exact) return this.exact;
    var d = this.data.docs, n = this.n, e = { title: new Array(n), keywords: new Array(n) };
    for (var i = 0; i < n; i++) { e.title[i] = exactWords(d.title[i]); e.keywords[i] = exactWords(d.keywords[i].replace(/\|/g, " ")); }
    e.agency = this.data.agencies.map(function (a) { return exactWords(a[1]); });
    e.topic = this.data.topics.map(function (t) { return exactWords(t[1]); });
    return (this.exact = e);
  };

  // The description's words of dataset i: the snippet (the description's start), folded here on first
  // use (a page opened without a query never pays for it), then the index's words that continue it.
  // join, not +: one flat string, searched at once (a concatenation is flattened on its first search).
  Index.prototype.wordsOf = function (i) {
    var w = this.words[i], d = this.data.docs;
    if (w === undefined) {
      w = this.words[i] = [words(d.snippet[i]), d.snippet_en[i] ? words(d.snippet_en[i]) : "", ", ", d.words[i], " "].join("");
    }
    return w;
  };

  // Builds the word lists for datasets [from, to); returns where it stopped. build() does it all.
  Index.prototype.build = function (from, to) {
    if (this.postings) return this.n;
    var postings = this.building || (this.building = new Map()), end = Math.min(to === undefined ? this.n : to, this.n);
    for (var i = from || 0; i < end; i++) {
      var tokens = (this.title[i] + this.titleEn[i] + this.keywords[i] + this.wordsOf(i)).split(" ");
      for (var k = 0; k < tokens.length; k++) {
        var w = tokens[k];
        if (w.length === 0 || w === ",") continue;
        var list = postings.get(w);
        if (list === undefined) postings.set(w, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    }
    if (end === this.n) { this.postings = postings; this.building = null; }
    return end;
  };

  // Until the word lists are built: the datasets holding every term, by scanning their words.
  Index.prototype.scan = function (terms) {
    var d = this.data.docs, out = [], k, i;
    var agency = terms.map(function (t) { return this.agencyText.map(function (a) { return a.indexOf(t.alone) !== -1; }); }, this);
    var topic = terms.map(function (t) { return this.topicText.map(function (x) { return x.indexOf(t.alone) !== -1; }); }, this);
    for (i = 0; i < this.n; i++) {
      for (k = 0; k < terms.length; k++) {
        var needle = terms[k].alone;
        if (!(this.title[i].indexOf(needle) !== -1 || this.keywords[i].indexOf(needle) !== -1 ||
              agency[k][d.agency[i]] || topic[k][d.topic[i]] || this.titleEn[i].indexOf(needle) !== -1 ||
              this.wordsOf(i).indexOf(needle) !== -1)) break;
      }
      if (k === terms.length) out.push(i);
    }
    return out;
  };

  // The datasets (ascending) that hold every term, in their own words or their agency's or topic's:
  // whole words, the last one as a prefix.
  Index.prototype.candidates = function (terms) {
    if (!this.postings || terms.some(function (t) { return t.prefix && t.w.length < 2; })) return this.scan(terms);
    var seen = this.seen, postings = this.postings, d = this.data.docs, n = this.n, out = [];
    seen.fill(0);
    for (var k = 0; k < terms.length; k++) {
      var t = terms[k], lists = [];
      if (!t.prefix) {
        if (postings.has(t.w)) lists.push(postings.get(t.w));
      } else {
        var vocabulary = this.vocabulary || (this.vocabulary = Array.from(postings.keys()).sort());
        var lo = 0, hi = vocabulary.length;
        while (lo < hi) { var mid = (lo + hi) >> 1; if (vocabulary[mid] < t.w) lo = mid + 1; else hi = mid; }
        for (; lo < vocabulary.length && vocabulary[lo].lastIndexOf(t.w, 0) === 0; lo++) lists.push(postings.get(vocabulary[lo]));
      }
      for (var l = 0; l < lists.length; l++) {
        var list = lists[l];
        for (var j = 0; j < list.length; j++) if (seen[list[j]] === k) seen[list[j]] = k + 1;
      }
      var agency = this.agencyText.map(function (a) { return a.indexOf(t.alone) !== -1; });
      var topic = this.topicText.map(function (x) { return x.indexOf(t.alone) !== -1; });
      if (agency.indexOf(true) !== -1 || topic.indexOf(true) !== -1) {
        for (var i = 0; i < n; i++) if (seen[i] === k && (agency[d.agency[i]] || topic[d.topic[i]])) seen[i] = k + 1;
      }
    }
    for (var m = 0; m < n; m++) if (seen[m] === terms.length) out.push(m);
    return out;
  };

  // One field's contribution: best[k] raised to this field's score of term k; returns the phrase
  // bonus (the whole query, in order, here). Sets this.together when two terms stood together.
  Index.prototype.field = function (hay, weight, terms, exactHay) {
    var n = terms.length, run = 0, bonus = 0, best = this.best;
    for (var k = 0; k < n; k++) {
      var t = terms[k];
      if (hay.indexOf(t.alone) === -1) { run = 0; continue; }
      var s = weight;
      if (n > 1) {
        var withPrev = k > 0 && hay.indexOf(t.pair) !== -1;
        var withNext = k < n - 1 && hay.indexOf(terms[k + 1].pair) !== -1;
        run = withPrev ? run + 1 : 1;
        if (withPrev || withNext) { s *= ADJACENT; this.together = true; }
        if (run === n) bonus += weight * n * PHRASE;  // the whole query, in order, in this field
      }
      if (exactHay && t.accented && exactHay.indexOf(t.exact) !== -1) s *= EXACT;
      if (s > best[k]) best[k] = s;
    }
    return bonus;
  };

  // Dataset i's score (one of the candidates); this.together says whether two terms stood together.
  Index.prototype.score = function (i, terms, english) {
    var d = this.data.docs, n = terms.length, k, best = this.best, total = 0, e = null;
    if (n === 1) return this.scoreOne(i, terms[0], english);
    for (k = 0; k < n; k++) { best[k] = 0; if (terms[k].accented) e = this.exactTexts(); }
    this.together = false;
    var agency = d.agency[i], topic = d.topic[i];
    total += this.field(this.title[i], WEIGHTS.title, terms, e && e.title[i]);
    total += this.field(this.titleEn[i], english ? WEIGHTS.title : WEIGHTS.keywords, terms, null);
    total += this.field(this.keywords[i], WEIGHTS.keywords, terms, e && e.keywords[i]);
    total += this.field(this.agencyText[agency], WEIGHTS.agency, terms, e && e.agency[agency]);
    total += this.field(this.topicText[topic], WEIGHTS.topic, terms, e && e.topic[topic]);
    total += this.field(this.wordsOf(i), WEIGHTS.words, terms, null);
    for (k = 0; k < n; k++) total += best[k];
    return total;
  };

  // One term: the heaviest field that holds it decides (no neighbours to weigh); an exact accent
  // multiplies by less than the gap between two fields' weights, so the order of the fields holds.
  Index.prototype.scoreOne = function (i, t, english) {
    var d = this.data.docs, e = t.accented ? this.exactTexts() : null, needle = t.alone;
    this.together = false;
    if (english && this.titleEn[i].indexOf(needle) !== -1) return WEIGHTS.title;
    if (this.title[i].indexOf(needle) !== -1) return WEIGHTS.title * (e && e.title[i].indexOf(t.exact) !== -1 ? EXACT : 1);
    if (this.keywords[i].indexOf(needle) !== -1) return WEIGHTS.keywords * (e && e.keywords[i].indexOf(t.exact) !== -1 ? EXACT : 1);
    if (this.titleEn[i].indexOf(needle) !== -1) return WEIGHTS.keywords;
    var a = d.agency[i], o = d.topic[i];
    if (this.agencyText[a].indexOf(needle) !== -1) return WEIGHTS.agency * (e && e.agency[a].indexOf(t.exact) !== -1 ? EXACT : 1);
    if (this.topicText[o].indexOf(needle) !== -1) return WEIGHTS.topic * (e && e.topic[o].indexOf(t.exact) !== -1 ? EXACT : 1);
    return WEIGHTS.words;
  };

  // filters: {agency: [ids], topic: [ids], format: [ids], frequency: [ids], sort: "relevance"|"newest"|"title",
  //           lang: "vi"|"en"}
  Index.prototype.search = function (q, filters) {
    filters = filters || {};
    var d = this.data.docs, terms = this.terms(q), self = this, english = filters.lang === "en";
    var want = {};
    FACETS.forEach(function (f) {
      var ids = filters[f] || [];
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
    var found = terms.length ? this.candidates(terms.slice(0, 64)) : null, many = found ? found.length : this.n;
    var scores = new Float64Array(many), together = new Uint8Array(many), top = 0, topTogether = false, c, i;
    terms = terms.slice(0, 64);
    for (c = 0; c < many; c++) {
      i = found ? found[c] : c;
      scores[c] = terms.length ? this.score(i, terms, english) : 1;
      if (terms.length > 1 && this.together) { together[c] = 1; topTogether = true; }
      if (scores[c] > top) top = scores[c];
    }
    // Scattered syllables far below a match with them together are noise ("khong khi" is not
    // "không … khí"); counts follow what is kept.
    var cut = terms.length > 1 && topTogether ? top * SCATTERED_CUT : -1;
    var kept = [];
    for (c = 0; c < many; c++) {
      if (!together[c] && scores[c] < cut) continue;
      i = found ? found[c] : c;
      var okAgency = passes("agency", i), okTopic = passes("topic", i), okFormat = passes("format", i),
        okFrequency = passes("frequency", i);
      // A facet's counts follow every other facet, so choosing one value never hides its siblings.
      if (okTopic && okFormat && okFrequency) counts.agency[d.agency[i]] = (counts.agency[d.agency[i]] || 0) + 1;
      if (okAgency && okFormat && okFrequency) counts.topic[d.topic[i]] = (counts.topic[d.topic[i]] || 0) + 1;
      if (okAgency && okTopic && okFrequency) {
        for (var b = 0; b < this.facetIds.format.length; b++) if (d.formats[i] & (1 << b)) counts.format[b] = (counts.format[b] || 0) + 1;
      }
      if (okAgency && okTopic && okFormat) counts.frequency[d.frequency[i]] = (counts.frequency[d.frequency[i]] || 0) + 1;
      if (okAgency && okTopic && okFormat && okFrequency) kept.push([scores[c], i]);
    }
    var sort = SORTS.indexOf(filters.sort) !== -1 ? filters.sort : "relevance";
    if (sort === "title") {
      var collator = new Intl.Collator(english ? "en" : "vi");
      kept.sort(function (a, b) {
        var x = english && d.title_en[a[1]] || d.title[a[1]], y = english && d.title_en[b[1]] || d.title[b[1]];
        return collator.compare(x, y) || a[1] - b[1];
      });
    } else if (sort === "newest" || !terms.length) {
      kept.sort(function (a, b) { return a[1] - b[1]; });  // the index is newest first
    } else {
      kept.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });  // ties keep index order (newest first)
    }
    return { hits: kept.map(function (h) { return h[1]; }), counts: counts, terms: terms, sort: sort };
  };

  // Text -> [[piece, matched]], matched where a word is one of the query's terms (folded).
  function marks(text, terms) {
    var out = [], re = /[\p{L}\p{N}]+/gu, last = 0, m;
    while ((m = re.exec(text))) {
      var w = fold(m[0]), hit = terms.some(function (t) { return t.prefix ? w.indexOf(t.w) === 0 : w === t.w; });
      if (!hit) continue;
      if (m.index > last) out.push([text.slice(last, m.index), false]);
      out.push([m[0], true]);
      last = m.index + m[0].length;
    }
    if (last < text.length) out.push([text.slice(last), false]);
    return out;
  }

  var api = { Index: Index, fold: fold, marks: marks, FACETS: FACETS, SORTS: SORTS };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; return; }
  root.OdSearch = api;

  // ---- The search page -------------------------------------------------------------------
  var PAGE = 20;
  // The catalogue's words (assets/messages.js); without it, the Vietnamese.
  var odT = root.odT || function (s, v) { return s.replace(/\{(\w+)\}/g, function (x, k) { return v && k in v ? v[k] : x; }); };
  var FACET_LABELS = { agency: odT("Cơ quan"), topic: odT("Chủ đề"), format: odT("Định dạng"), frequency: odT("Tần suất cập nhật") };
  function english() { try { return localStorage.getItem("od-lang") === "en"; } catch (e) { return false; } }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;  // always text: metadata comes from pull requests
    return e;
  }
  function highlighted(tag, attrs, text, terms) {
    var e = el(tag, attrs);
    marks(text, terms).forEach(function (p) { e.appendChild(p[1] ? el("mark", null, p[0]) : document.createTextNode(p[0])); });
    return e;
  }
  function vnDate(iso) { var p = iso.split("-"); return p.length === 3 ? p[2] + "/" + p[1] + "/" + p[0] : iso; }
  function number(n) { return n.toLocaleString(odT("vi-VN")); }

  function readState() {
    var params = new URLSearchParams(location.search), s = { q: params.get("q") || "", page: Math.max(1, parseInt(params.get("page"), 10) || 1) };
    FACETS.forEach(function (f) { s[f] = params.getAll(f); });
    s.sort = SORTS.indexOf(params.get("sort")) !== -1 ? params.get("sort") : "";
    return s;
  }
  function writeState(s, push) {
    var params = new URLSearchParams();
    if (s.q) params.set("q", s.q);
    FACETS.forEach(function (f) { s[f].forEach(function (v) { params.append(f, v); }); });
    if (s.sort) params.set("sort", s.sort);
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
    var sortBox = app.querySelector("[data-od-sort]");
    var state = readState(), index = null;
    var filters = app.querySelector("[data-od-filters]");
    // On a phone the filters start folded, so the results come first.
    if (filters && window.matchMedia && window.matchMedia("(max-width: 900px)").matches) filters.open = false;
    input.value = state.q;
    if (sortBox) {
      sortBox.hidden = false;
      sortBox.querySelector("select").value = state.sort || "relevance";
      sortBox.querySelector("select").addEventListener("change", function (e) {
        state.sort = e.target.value === "relevance" ? "" : e.target.value;
        state.page = 1;
        update(true);
      });
    }

    function facetName(f, pos) {
      var data = index.data, en = english();
      if (f === "agency") return en && data.agencies[pos][2] || data.agencies[pos][1];
      if (f === "topic") return en && data.topics[pos][2] || data.topics[pos][1];
      if (f === "format") return data.formats[pos][1];
      return en ? data.frequencies[pos][2] : data.frequencies[pos][1];
    }
    // Metadata without its English stays Vietnamese: say so to screen readers.
    function langOf(f, pos) {
      var data = index.data;
      if (!english()) return null;
      if (f === "agency") return data.agencies[pos][2] ? null : "vi";
      if (f === "topic") return data.topics[pos][2] ? null : "vi";
      return null;
    }

    function renderFacets(counts) {
      facetsBox.textContent = "";
      FACETS.forEach(function (f) {
        var fs = el("fieldset"), ids = index.facetIds[f];
        fs.appendChild(el("legend", null, FACET_LABELS[f]));
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
          var lang = langOf(f, pos);
          label.appendChild(el("span", lang ? { lang: lang } : null, facetName(f, pos)));
          label.appendChild(el("span", { "class": "od-facet__n" }, number(n)));
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
          var b = el("button", { type: "button", "class": "od-chip", "aria-label": odT("Bỏ lọc {name}", { name: facetName(f, pos) }) }, facetName(f, pos) + " ×");
          b.addEventListener("click", function () { state[f].splice(state[f].indexOf(id), 1); state.page = 1; update(true); });
          chips.appendChild(b);
        });
      });
    }

    function card(i, terms) {
      var d = index.data.docs, data = index.data, en = english();
      var li = el("li", { "class": "od-card" });
      var title = en && d.title_en[i] || d.title[i], vi = !(en && d.title_en[i]) && en;
      var h = el("h3", { "class": "od-card__title" });
      h.appendChild(highlighted("a", vi ? { href: rootUrl + "datasets/" + d.id[i] + "/", lang: "vi" } : { href: rootUrl + "datasets/" + d.id[i] + "/" }, title, terms));
      li.appendChild(h);
      var meta = el("p", { "class": "od-card__meta" });
      var agencyLang = langOf("agency", d.agency[i]), topicLang = langOf("topic", d.topic[i]);
      var agencyAttrs = { href: rootUrl + "agencies/" + data.agencies[d.agency[i]][0] + "/" };
      if (agencyLang) agencyAttrs.lang = agencyLang;
      meta.appendChild(highlighted("a", agencyAttrs, facetName("agency", d.agency[i]), terms));
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(el("span", topicLang ? { lang: topicLang } : null, facetName("topic", d.topic[i])));
      meta.appendChild(document.createTextNode(" · " + odT("Cập nhật {date}", { date: vnDate(d.modified[i]) })));
      li.appendChild(meta);
      var snippet = en && d.snippet_en[i] || d.snippet[i];
      if (snippet) {
        li.appendChild(highlighted("p", en && !d.snippet_en[i] ? { "class": "od-card__desc", lang: "vi" } : { "class": "od-card__desc" },
                                   snippet, terms));
      }
      var badges = el("span", { "class": "od-formats" });
      data.formats.forEach(function (f, b) { if (d.formats[i] & (1 << b)) badges.appendChild(el("span", { "class": "od-badge od-badge--" + f[0] }, f[1])); });
      li.appendChild(badges);
      return li;
    }

    function update(push) {
      var result = index.search(state.q, { agency: state.agency, topic: state.topic, format: state.format,
                                           frequency: state.frequency, sort: state.sort || "relevance",
                                           lang: english() ? "en" : "vi" });
      var total = result.hits.length, pages = Math.max(1, Math.ceil(total / PAGE));
      if (state.page > pages) state.page = pages;
      writeState(state, push);
      renderFacets(result.counts);
      renderChips();
      list.textContent = "";
      result.hits.slice((state.page - 1) * PAGE, state.page * PAGE).forEach(function (i) { list.appendChild(card(i, result.terms)); });
      status.textContent = odT("Tìm thấy: {n} bộ dữ liệu", { n: number(total) }) +
        (pages > 1 ? odT(" · trang {page}/{pages}", { page: state.page, pages: pages }) : "");
      empty.hidden = total !== 0;
      pager.textContent = "";
      if (pages > 1) {
        var prev = el("button", { type: "button", "class": "od-button od-button--ghost", "data-od-prev": "" }, odT("← Trang trước"));
        var next = el("button", { type: "button", "class": "od-button od-button--ghost", "data-od-next": "" }, odT("Trang sau →"));
        prev.disabled = state.page <= 1; next.disabled = state.page >= pages;
        prev.addEventListener("click", function () { state.page--; update(true); list.scrollIntoView(); });
        next.addEventListener("click", function () { state.page++; update(true); list.scrollIntoView(); });
        pager.appendChild(prev); pager.appendChild(next);
      }
    }

    // No debounce: a query over 10,000 datasets takes a few milliseconds (benchmarks/search_index.py).
    input.addEventListener("input", function () {
      state.q = input.value; state.page = 1;
      if (index) update(false);
    });
    app.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); if (index) update(true); });
    window.addEventListener("popstate", function () {
      state = readState(); input.value = state.q;
      if (sortBox) sortBox.querySelector("select").value = state.sort || "relevance";
      if (index) update(false);
    });
    document.addEventListener("od-lang", function () {
      FACET_LABELS = { agency: odT("Cơ quan"), topic: odT("Chủ đề"), format: odT("Định dạng"), frequency: odT("Tần suất cập nhật") };
      if (index) update(false);
    });

    // search/index.js (deferred, before this script) set window.odSearchIndex.
    if (root.odSearchIndex) {
      index = new Index(root.odSearchIndex);
      app.setAttribute("data-od-ready", "");
      update(false);
      // The word lists, 2,000 datasets at a time between frames: typing stays smooth meanwhile.
      (function step(from) { var next = index.build(from, from + 2000); if (next < index.n) setTimeout(step, 0, next); })(0);
    } else {
      status.textContent = odT("Không tải được chỉ mục tìm kiếm; danh sách dưới đây là các bộ dữ liệu mới nhất.");
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})(typeof window !== "undefined" ? window : this);
