// Table viewer: page, sort and filter a table of any size from its static JSON
// chunks (generator/publish/discovery/table_chunks.py explains the files and strategy).
// - paging fetches only the chunk(s) holding the page;
// - sorting a table of several chunks uses the precomputed order files;
//   a one-chunk table is sorted here;
// - filtering (accent-free "contains", per column, combined with AND) scans
//   chunks in table order, 50 (50,000 rows) per step, then sorts the matches
//   in memory; "Tìm tiếp" scans the next step of a larger table.
// The state (page, sort, filters) is kept in the query string.
(function () {
  "use strict";
  var PAGE = 50, SCAN_STEP = 50, PARALLEL = 6;
  var NUMERIC = { integer: 1, number: 1, year: 1 };
  // The catalogue's words (assets/messages.js); without it, the Vietnamese.
  var odT = window.odT || function (s, v) { return s.replace(/\{(\w+)\}/g, function (x, k) { return v && k in v ? v[k] : x; }); };
  function fold(s) {
    return String(s).replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function fmt(n) { return n.toLocaleString(odT("vi-VN")); }
  // A number cell as the reader writes numbers (21,3089 in Vietnamese, 21.3089 in English), the
  // digits unchanged (no rounding); thousands grouped from five digits (as SI writes numbers), so a
  // year typed as an integer stays 2024 (the same rule as pages.number_cell).
  var PLAIN = /^-?\d+(\.\d+)?$/;
  function cellText(value, type) {
    if (value == null) return "";
    if ((type !== "number" && type !== "integer") || !PLAIN.test(value)) return value;
    var parts = value.split("."), digits = parts[0].replace(/^-/, ""), whole = Number(digits);
    if (!isFinite(whole) || whole > Number.MAX_SAFE_INTEGER) return value;
    var decimal = (1.5).toLocaleString(odT("vi-VN")).charAt(1);
    var grouped = (digits.replace(/^0+/, "") || "0").length > 4 ? whole.toLocaleString(odT("vi-VN")) : digits;
    return (parts[0].charAt(0) === "-" ? "-" : "") + grouped + (parts[1] ? decimal + parts[1] : "");
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;  // cells are text, never markup
    return e;
  }

  function Viewer(box) {
    this.box = box;
    this.base = box.getAttribute("data-base") || "./";
    this.grid = box.querySelector("[data-od-table-grid]");
    this.status = box.querySelector("[data-od-table-status]");
    this.pagers = [box.querySelector("[data-od-table-pager]"), box.querySelector("[data-od-table-pager-bottom]")];
    this.chunks = new Map();
    this.orders = new Map();
    this.scan = null;
    this.token = 0;
  }

  Viewer.prototype.json = function (name) {
    return fetch(this.base + name).then(function (r) {
      if (!r.ok) throw new Error(name + ": HTTP " + r.status);
      return r.json();
    });
  };
  Viewer.prototype.chunk = function (n) {
    if (!this.chunks.has(n)) {
      var self = this, p = this.json(n + ".json");
      p.catch(function () { self.chunks.delete(n); });
      this.chunks.set(n, p);
      // Keep memory bounded on huge tables: forget the oldest chunks.
      if (this.chunks.size > 120) this.chunks.delete(this.chunks.keys().next().value);
    }
    return this.chunks.get(n);
  };
  Viewer.prototype.order = function (c, k) {
    var key = c + "-" + k;
    if (!this.orders.has(key)) {
      this.orders.set(key, this.json("o" + key + ".json"));
      if (this.orders.size > 60) this.orders.delete(this.orders.keys().next().value);
    }
    return this.orders.get(key);
  };
  // Rows by index, fetching each needed chunk once.
  Viewer.prototype.rows = function (indices) {
    var size = this.meta.chunk, self = this, need = {};
    indices.forEach(function (i) { need[Math.floor(i / size)] = true; });
    var ids = Object.keys(need).map(Number);
    return Promise.all(ids.map(function (k) { return self.chunk(k); })).then(function (loaded) {
      var byId = {};
      ids.forEach(function (k, j) { byId[k] = loaded[j]; });
      return indices.map(function (i) { return byId[Math.floor(i / size)][i % size]; });
    });
  };

  Viewer.prototype.compare = function (c, dir) {
    var numeric = NUMERIC[this.meta.types[c]], collator = new Intl.Collator("vi", { sensitivity: "base", numeric: true });
    return function (a, b) {
      var x = a.cells[c], y = b.cells[c];
      if (x === "" || y === "") return x === y ? a.i - b.i : (x === "" ? 1 : -1);  // empty cells last
      var r;
      if (numeric) {
        var nx = parseFloat(x), ny = parseFloat(y);
        r = isNaN(nx) || isNaN(ny) ? collator.compare(x, y) : nx - ny;
      } else r = collator.compare(x, y);
      return r * dir || a.i - b.i;
    };
  };

  Viewer.prototype.filtering = function () {
    return this.state.filters.some(function (f) { return f; });
  };

  // One scan step: the next SCAN_STEP chunks in table order, PARALLEL requests at a time.
  Viewer.prototype.scanStep = function () {
    var self = this, scan = this.scan, stop = Math.min(this.meta.chunks, scan.next + SCAN_STEP);
    var filters = this.state.filters.map(function (f, c) { return [c, f]; }).filter(function (x) { return x[1]; });
    function batch() {
      if (scan.next >= stop || scan !== self.scan) return Promise.resolve();
      var ids = [];
      for (var k = scan.next; k < Math.min(stop, scan.next + PARALLEL); k++) ids.push(k);
      return Promise.all(ids.map(function (k) { return self.chunk(k); })).then(function (loaded) {
        if (scan !== self.scan) return;
        loaded.forEach(function (rows, j) {
          var start = ids[j] * self.meta.chunk;
          rows.forEach(function (cells, r) {
            for (var f = 0; f < filters.length; f++) if (fold(cells[filters[f][0]]).indexOf(filters[f][1]) === -1) return;
            scan.matches.push({ i: start + r, cells: cells });
          });
        });
        scan.next = ids[ids.length - 1] + 1;
        scan.done = scan.next >= self.meta.chunks;
        scan.sorted = false;
        self.setStatus(odT("Đang lọc… ") + fmt(Math.min(scan.next * self.meta.chunk, self.meta.rows)) + " / " + fmt(self.meta.rows));
        return batch();
      });
    }
    return batch();
  };

  // The rows of the current page, and what the status line and pager need.
  Viewer.prototype.pageRows = function () {
    var self = this, s = this.state, m = this.meta, first = s.page * PAGE;
    if (this.filtering()) {
      var scan = this.scan;
      var ready = scan.started ? Promise.resolve() : (scan.started = true, this.scanStep());
      return ready.then(function () {
        if (!scan.done && scan.matches.length <= first + PAGE && scan.next < m.chunks && s.page > 0) return self.scanStep();
      }).then(function () {
        if (s.sort >= 0 && !scan.sorted) { scan.matches.sort(self.compare(s.sort, s.dir)); scan.sorted = true; }
        if (s.sort < 0 && !scan.sorted) { scan.matches.sort(function (a, b) { return a.i - b.i; }); scan.sorted = true; }
        return { rows: scan.matches.slice(first, first + PAGE), total: scan.matches.length, exact: scan.done };
      });
    }
    var count = Math.max(0, Math.min(PAGE, m.rows - first));
    var positions = [];
    for (var p = first; p < first + count; p++) positions.push(p);
    if (s.sort < 0) {
      return this.rows(positions).then(function (rows) {
        return { rows: rows.map(function (cells, j) { return { i: positions[j], cells: cells }; }), total: m.rows, exact: true };
      });
    }
    if (!m.ordered) {  // one chunk: sort it here
      return this.chunk(0).then(function (rows) {
        var all = rows.map(function (cells, i) { return { i: i, cells: cells }; }).sort(self.compare(s.sort, s.dir));
        return { rows: all.slice(first, first + PAGE), total: m.rows, exact: true };
      });
    }
    // Precomputed ascending order, empty cells last; descending reads the non-empty part backwards.
    var filled = m.rows - m.empty[s.sort];
    var asc = positions.map(function (p) { return s.dir > 0 || p >= filled ? p : filled - 1 - p; });
    var need = {};
    asc.forEach(function (p) { need[Math.floor(p / m.chunk)] = true; });
    var ks = Object.keys(need).map(Number);
    return Promise.all(ks.map(function (k) { return self.order(s.sort, k); })).then(function (loaded) {
      var byK = {};
      ks.forEach(function (k, j) { byK[k] = loaded[j]; });
      var indices = asc.map(function (p) { return byK[Math.floor(p / m.chunk)][p % m.chunk]; });
      return self.rows(indices).then(function (rows) {
        return { rows: rows.map(function (cells, j) { return { i: indices[j], cells: cells }; }), total: m.rows, exact: true };
      });
    });
  };

  Viewer.prototype.setStatus = function (text) { this.status.textContent = text; };

  Viewer.prototype.head = function () {
    var self = this, m = this.meta;
    this.grid.querySelectorAll("thead, tbody").forEach(function (e) { e.remove(); });
    var thead = el("thead"), tr = el("tr"), filters = el("tr", { "class": "od-filter-row" });
    this.headers = [];
    m.header.forEach(function (name, c) {
      var th = el("th", { scope: "col" }), b = el("button", { type: "button", lang: "vi" }, m.titles[c]);
      b.addEventListener("click", function () {
        var s = self.state;
        if (s.sort === c) s.dir = -s.dir; else { s.sort = c; s.dir = 1; }
        s.page = 0;
        if (self.scan) self.scan.sorted = false;
        self.render();
      });
      th.appendChild(b);
      if (m.titles[c] !== name) { th.appendChild(el("br")); th.appendChild(el("code", null, name)); }
      tr.appendChild(th);
      self.headers.push(th);
      var fth = el("th"), input = el("input", { type: "search", "aria-label": odT("Lọc cột ") + m.titles[c], placeholder: odT("Lọc…") });
      input.value = self.rawFilters[c] || "";
      var timer = null;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          self.rawFilters[c] = input.value;
          self.state.filters[c] = fold(input.value.trim());
          self.state.page = 0;
          self.scan = self.filtering() ? { matches: [], next: 0, done: false, started: false, sorted: false } : null;
          self.render();
        }, 250);
      });
      fth.appendChild(input);
      filters.appendChild(fth);
    });
    thead.appendChild(tr);
    thead.appendChild(filters);
    this.grid.appendChild(thead);
    this.body = el("tbody", { lang: "vi" });  // the agency's data, in its language
    this.grid.appendChild(this.body);
  };

  Viewer.prototype.pager = function (total, exact) {
    var self = this, s = this.state, pages = Math.max(1, Math.ceil(total / PAGE));
    this.pagers.forEach(function (box) {
      if (!box) return;
      box.textContent = "";
      function button(label, target, disabled, attr) {
        var b = el("button", { type: "button", "class": "od-button od-button--ghost" }, label);
        b.setAttribute(attr, "");
        b.disabled = disabled;
        b.addEventListener("click", function () { s.page = target; self.render(); });
        box.appendChild(b);
      }
      button(odT("« Đầu"), 0, s.page === 0, "data-od-first");
      button(odT("‹ Trước"), s.page - 1, s.page === 0, "data-od-prev");
      box.appendChild(el("span", { "class": "od-pager__pos" }, odT("Trang {page} / {pages}", { page: fmt(s.page + 1), pages: fmt(pages) + (exact ? "" : "+") })));
      button(odT("Sau ›"), s.page + 1, exact ? s.page >= pages - 1 : false, "data-od-next");
      button(odT("Cuối »"), pages - 1, !exact || s.page >= pages - 1, "data-od-last");
      if (!exact) {
        var more = el("button", { type: "button", "class": "od-button", "data-od-scan": "" }, odT("Tìm tiếp"));
        more.addEventListener("click", function () { self.scanStep().then(function () { self.render(); }); });
        box.appendChild(more);
      }
    });
  };

  Viewer.prototype.render = function () {
    var self = this, s = this.state, m = this.meta, token = ++this.token;
    this.headers.forEach(function (th, c) {
      if (c === s.sort) th.setAttribute("aria-sort", s.dir > 0 ? "ascending" : "descending"); else th.removeAttribute("aria-sort");
    });
    this.saveState();
    this.box.setAttribute("aria-busy", "true");
    return this.pageRows().then(function (result) {
      if (token !== self.token) return;
      var pages = Math.max(1, Math.ceil(result.total / PAGE));
      if (s.page > pages - 1 && result.exact) { s.page = pages - 1; return self.render(); }
      self.body.textContent = "";
      result.rows.forEach(function (row) {
        var tr = el("tr");
        m.header.forEach(function (_, c) {
          tr.appendChild(el("td", NUMERIC[m.types[c]] ? { "class": "od-num" } : null, cellText(row.cells[c], m.types[c])));
        });
        self.body.appendChild(tr);
      });
      var from = result.total ? s.page * PAGE + 1 : 0, to = s.page * PAGE + result.rows.length;
      var text;
      if (self.filtering()) {
        text = result.exact
          ? odT("{n} dòng khớp bộ lọc (trong {rows} dòng)", { n: fmt(result.total), rows: fmt(m.rows) })
          : odT("Ít nhất {n} dòng khớp, đã tìm trong {seen}/{rows} dòng",
                { n: fmt(result.total), seen: fmt(self.scan.next * m.chunk), rows: fmt(m.rows) });
      } else text = odT("{rows} dòng", { rows: fmt(m.rows) });
      if (result.total) text += odT(" · đang xem dòng {from}–{to}", { from: fmt(from), to: fmt(to) });
      if (m.truncated) text += odT(" (bảng quá lớn: chỉ xem được phần đầu)");
      self.setStatus(text);
      self.pager(result.total, result.exact);
      self.box.removeAttribute("aria-busy");
      self.box.setAttribute("data-od-ready", "");
    }).catch(function (err) {
      if (token !== self.token) return;
      self.box.removeAttribute("aria-busy");
      self.setStatus(odT("Không tải được dữ liệu bảng; hãy tải tệp về.") + " (" + err.message + ")");
    });
  };

  Viewer.prototype.readState = function () {
    var q = new URLSearchParams(location.search), m = this.meta;
    var sort = parseInt(q.get("sort"), 10);
    this.rawFilters = m.header.map(function (_, c) { return q.get("f" + c) || ""; });
    this.state = {
      page: Math.max(0, (parseInt(q.get("page"), 10) || 1) - 1),
      sort: sort >= 0 && sort < m.header.length ? sort : -1,
      dir: q.get("dir") === "desc" ? -1 : 1,
      filters: this.rawFilters.map(function (f) { return fold(f.trim()); }),
    };
    this.scan = this.filtering() ? { matches: [], next: 0, done: false, started: false, sorted: false } : null;
  };
  Viewer.prototype.saveState = function () {
    var q = new URLSearchParams(), s = this.state;
    if (s.page) q.set("page", String(s.page + 1));
    if (s.sort >= 0) { q.set("sort", String(s.sort)); if (s.dir < 0) q.set("dir", "desc"); }
    this.rawFilters.forEach(function (f, c) { if (f) q.set("f" + c, f); });
    history.replaceState(null, "", location.pathname + (q.toString() ? "?" + q.toString() : "") + location.hash);
  };

  Viewer.prototype.start = function () {
    var self = this;
    return this.json("meta.json").then(function (meta) {
      self.meta = meta;
      self.readState();
      self.head();
      document.addEventListener("od-lang", function () { self.head(); self.render(); });
      return self.render();
    }).catch(function (err) {
      self.setStatus(odT("Không tải được dữ liệu bảng; hãy tải tệp về.") + " (" + err.message + ")");
    });
  };

  function setup() {
    document.querySelectorAll("[data-od-table]").forEach(function (box) { new Viewer(box).start(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();
