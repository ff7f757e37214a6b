// The administrative-unit look-up (/don-vi/): before and after 1 July 2025, by name or code, accent-free.
// Data: don-vi/units.js (window.odUnits, written by generator/publish/units_page.py from catalog/units).
// Names compare as generator/portal/units.py name_key does: accents, case, punctuation, leading zeros and
// the type word ("Xã", "Phường", "Thị trấn"...) do not count. A unit's URI is this page at #generation/code.
(function () {
  "use strict";
  var odT = window.odT || function (s, v) { return s.replace(/\{(\w+)\}/g, function (x, k) { return v && k in v ? v[k] : x; }); };
  var NEW = 0, OLD = 1, DISTRICT = 1, COMMUNE = 2;
  var ABBREVIATIONS = { tp: "thanh pho", tx: "thi xa", tt: "thi tran", p: "phuong", x: "xa", h: "huyen", q: "quan", t: "tinh" };
  var LIMIT = 40;

  function fold(s) {
    return String(s).replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function key(s) {
    return fold(s).replace(/[^a-z0-9]+/g, " ").trim().split(" ").map(function (w) {
      return /^\d+$/.test(w) ? (w.replace(/^0+/, "") || "0") : w;
    }).join(" ");
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;
    return e;
  }

  function Units(data) {
    var self = this;
    this.types = data.types;
    this.units = data.units;  // [generation, level, code, name, type, parent]
    this.byCode = [{}, {}];
    this.byName = {};
    this.children = {};
    this.successors = {};
    this.predecessors = {};
    this.typeKeys = data.types.map(key);
    this.units.forEach(function (u, i) {
      self.byCode[u[0]][u[2]] = i;
      if (u[5] >= 0) (self.children[u[5]] = self.children[u[5]] || []).push(i);
      [key(u[3]), key(data.types[u[4]] + " " + u[3])].forEach(function (k, j) {
        if (j === 1 && k === key(u[3])) return;
        (self.byName[k] = self.byName[k] || []).push(i);
      });
    });
    data.merges.forEach(function (m) {
      (self.successors[m[1]] = self.successors[m[1]] || []).push([m[0], m[2]]);
      (self.predecessors[m[0]] = self.predecessors[m[0]] || []).push([m[1], m[2]]);
    });
  }
  Units.prototype.fullName = function (i) { var u = this.units[i]; return (this.types[u[4]] + " " + u[3]).trim(); };
  Units.prototype.place = function (i) {
    var out = [this.fullName(i)], at = this.units[i][5], guard = 0;
    while (at >= 0 && guard++ < 3) { out.push(this.fullName(at)); at = this.units[at][5]; }
    return out.join(", ");
  };
  Units.prototype.links = function (i) {
    var u = this.units[i], self = this;
    if (u[0] === NEW) return this.predecessors[i] || [];
    if (u[1] !== DISTRICT) return this.successors[i] || [];
    var scope = {}, order = [];  // a district: the new communes its communes went to
    (this.children[i] || []).forEach(function (c) {
      (self.successors[c] || []).forEach(function (l) {
        if (!(l[0] in scope)) order.push(l[0]);
        scope[l[0]] = scope[l[0]] || l[1];
      });
    });
    return order.sort(function (a, b) { return self.units[a][2] < self.units[b][2] ? -1 : 1; })
      .map(function (n) { return [n, scope[n]]; });
  };
  Units.prototype.keys = function (text) {
    var k = key(text), out = [k], words = k.split(" ");
    if (words.length > 1 && ABBREVIATIONS[words[0]]) { k = ABBREVIATIONS[words[0]] + " " + words.slice(1).join(" "); out.push(k); }
    this.typeKeys.forEach(function (t) { if (k.indexOf(t + " ") === 0) out.push(k.slice(t.length + 1)); });
    return out;
  };
  Units.prototype.find = function (text) {
    var self = this, seen = {}, out = [], t = text.trim();
    function add(i) { if (!(i in seen)) { seen[i] = true; out.push(i); } }
    [NEW, OLD].forEach(function (g) { if (t in self.byCode[g]) add(self.byCode[g][t]); });
    this.keys(t).forEach(function (k) { (self.byName[k] || []).forEach(add); });
    if (!out.length && key(t).length >= 3) {
      var wanted = this.keys(t);
      Object.keys(this.byName).some(function (k) {
        if (wanted.some(function (w) { return k.indexOf(w + " ") === 0; })) self.byName[k].forEach(add);
        return out.length >= LIMIT;
      });
    }
    return out.sort(function (a, b) {
      var x = self.units[a], y = self.units[b];
      return x[1] - y[1] || y[0] - x[0] || (x[2] < y[2] ? -1 : 1);
    }).slice(0, LIMIT);
  };
  Units.prototype.ref = function (i) { var u = this.units[i]; return (u[0] === NEW ? "2025" : "pre-2025") + "/" + u[2]; };

  function render(units, list, results) {
    results.textContent = "";
    list.forEach(function (i) {
      var u = units.units[i], old = u[0] === OLD;
      var card = el("article", { "class": "od-unit", id: units.ref(i), "data-od-unit": units.ref(i) });
      var h = el("h2", { "class": "od-unit__name" });
      var link = el("a", { href: "#" + units.ref(i), lang: "vi" }, units.place(i));
      h.appendChild(link);
      h.appendChild(document.createTextNode(" "));
      h.appendChild(el("span", { "class": "od-unit__when" },
        old ? odT("(trước 01/07/2025)") : odT("(từ 01/07/2025)")));
      card.appendChild(h);
      if (u[1] !== DISTRICT) card.appendChild(el("p", { "class": "od-unit__code" }, odT("Mã: {code}", { code: u[2] })));
      var links = units.links(i);
      if (links.length) {
        card.appendChild(el("p", { "class": "od-unit__lead" }, old ? odT("Nay thuộc:") : odT("Được hợp thành từ:")));
        var ul = el("ul", { "class": "od-unit__links" });
        links.forEach(function (l) {
          var li = el("li");
          li.appendChild(el("a", { href: "#" + units.ref(l[0]), lang: "vi" }, units.place(l[0])));
          var code = units.units[l[0]][1] !== DISTRICT ? " [" + units.units[l[0]][2] + "]" : "";
          li.appendChild(document.createTextNode(code + " " + (l[1] ? odT("(một phần)") : odT("(toàn bộ)"))));
          ul.appendChild(li);
        });
        card.appendChild(ul);
      }
      results.appendChild(card);
    });
  }

  function start() {
    var root = document.querySelector("[data-od-units]");
    if (!root || !window.odUnits) return;
    var units = new Units(window.odUnits);
    var input = document.getElementById("od-unit-q");
    var status = root.querySelector("[data-od-units-status]");
    var results = root.querySelector("[data-od-units-results]");
    var timer = null;

    function show(text, fromHash) {
      var list = [];
      if (fromHash) {
        var parts = text.split("/"), g = parts[0] === "2025" ? NEW : parts[0] === "pre-2025" ? OLD : -1;
        var code = decodeURIComponent(parts.slice(1).join("/"));
        if (g >= 0 && code in units.byCode[g]) list = [units.byCode[g][code]];
      } else if (text.trim()) {
        list = units.find(text);
      }
      render(units, list, results);
      status.textContent = !text.trim() ? "" : list.length
        ? odT("{n} đơn vị hành chính", { n: list.length })
        : odT("Không tìm thấy đơn vị nào. Thử tên không có chữ “Xã”, “Phường”, hoặc mã số.");
      if (window.odI18n) window.odI18n.apply(results);
    }
    function fromUrl() {
      var hash = location.hash.replace(/^#/, "");
      var q = new URLSearchParams(location.search).get("q") || "";
      if (hash) { show(hash, true); return; }
      input.value = q;
      show(q, false);
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var url = new URL(location.href);
        if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
        url.hash = "";
        history.replaceState(null, "", url);
        show(input.value, false);
      }, 120);
    });
    root.querySelector("[data-od-units-form]").addEventListener("submit", function (e) {
      e.preventDefault();
      show(input.value, false);
    });
    window.addEventListener("hashchange", fromUrl);
    document.addEventListener("od-lang", fromUrl);  // the words the script wrote, in the other language
    fromUrl();
    root.setAttribute("data-od-ready", "");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
