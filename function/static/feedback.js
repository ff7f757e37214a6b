// Feedback on a dataset page (Article 12.4): the public list with answers, and the form.
// Placed in <section class="odp-feedback" data-dataset="ID" data-function-url="URL" data-mailto="mailto:…">
// (the URL may also come from <meta name="opendata-function">); everything from the server is written
// with textContent, never as HTML.
// Words come from the site's catalogue (assets/messages.js: odT), in the page's language; each
// field's error is tied to it (aria-describedby) and the first one takes the focus.
(function () {
  "use strict";
  var odT = window.odT || function (s, v) { return s.replace(/\{(\w+)\}/g, function (x, k) { return v && k in v ? v[k] : x; }); };
  var CATEGORIES = [["quality", odT("Chất lượng dữ liệu")], ["usability", odT("Khả năng sử dụng")],
    ["format", odT("Định dạng")], ["compliance", odT("Tuân thủ quy định")], ["other", odT("Khác")]];
  function english() { return document.documentElement.lang === "en"; }
  // A server message {vi, en} in the page's language.
  function words(message) { return message ? (english() && message.en) || message.vi || message.en : ""; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  // Times are stored in UTC; show the day in Vietnam (UTC+7).
  function date(value) {
    return value ? new Date(value).toLocaleDateString("vi-VN", {timeZone: "Asia/Ho_Chi_Minh"}) : "";
  }

  function setup(box) {
    var dataset = box.getAttribute("data-dataset");
    var meta = document.querySelector('meta[name="opendata-function"]');
    var base = (box.getAttribute("data-function-url") || (meta && meta.getAttribute("content")) ||
                window.location.origin).replace(/\/+$/, "");
    var mailto = box.getAttribute("data-mailto") || "";
    var list = el("ol", {"class": "odp-feedback-list"});
    var empty = el("p", {"class": "odp-feedback-empty"}, odT("Chưa có góp ý nào được công bố."));

    function load() {
      // Revalidate: a visitor must see their own feedback and fresh answers, not a cached list.
      fetch(base + "/v1/feedback/" + encodeURIComponent(dataset), {cache: "no-cache"}).then(function (r) { return r.json(); })
        .then(function (body) {
          list.textContent = "";
          (body.feedback || []).forEach(function (item) {
            var li = el("li", {"class": "odp-feedback-item", "data-status": item.status});
            var head = el("p", {"class": "odp-feedback-meta"});
            head.appendChild(el("strong", {}, words(item.category_name)));
            head.appendChild(document.createTextNode(" · " + date(item.created) + " · "));
            head.appendChild(el("span", {"class": "odp-status"}, words(item.status_name)));
            li.appendChild(head);
            li.appendChild(el("p", {"class": "odp-feedback-message", "lang": "vi"}, item.message));
            if (item.answer) {
              var answer = el("blockquote", {"class": "odp-feedback-answer"});
              answer.appendChild(el("strong", {}, odT("Trả lời ({date}):", {date: date(item.answered)}) + " "));
              answer.appendChild(el("span", {"lang": "vi"}, item.answer));
              li.appendChild(answer);
            }
            list.appendChild(li);
          });
          empty.hidden = list.children.length > 0;
        }).catch(function () { empty.hidden = false; });
    }

    var form = el("form", {"class": "odp-form odp-feedback-form", "novalidate": ""});
    var status = el("p", {"class": "odp-alert", "role": "status", "tabindex": "-1"});
    status.hidden = true;
    var id = "odp-fb-" + dataset;
    var category = el("select", {"name": "category", "required": ""});
    CATEGORIES.forEach(function (c) { category.appendChild(el("option", {"value": c[0]}, c[1])); });
    var message = el("textarea", {"name": "message", "required": "", "minlength": "5", "maxlength": "4000", "rows": "4"});
    var contact = el("input", {"name": "contact", "maxlength": "200", "autocomplete": "email"});
    var trap = el("div", {"class": "odp-hp", "aria-hidden": "true"});
    trap.appendChild(el("input", {"name": "website", "tabindex": "-1", "autocomplete": "off"}));
    var slots = {};
    [["category", odT("Loại góp ý"), category], ["message", odT("Nội dung"), message],
     ["contact", odT("Liên hệ để trả lời riêng, không công bố (không bắt buộc)"), contact]]
      .forEach(function (f) {
        f[2].id = id + "-" + f[0];
        f[2].setAttribute("aria-describedby", id + "-" + f[0] + "-error");
        form.appendChild(el("label", {"for": f[2].id}, f[1]));
        form.appendChild(f[2]);
        slots[f[0]] = el("p", {"class": "odp-error", "id": id + "-" + f[0] + "-error", "data-for": f[0]});
        form.appendChild(slots[f[0]]);
      });
    form.appendChild(trap);
    form.appendChild(status);
    form.appendChild(el("button", {"type": "submit"}, odT("Gửi góp ý")));

    function clearErrors() {
      Object.keys(slots).forEach(function (name) { slots[name].textContent = ""; form.elements[name].removeAttribute("aria-invalid"); });
    }
    // Each error beside its field, in words; focus on the first (a message without a field: the status).
    function showErrors(e) {
      var fields = e.fields || (e.field ? (function (f) { f[e.field] = e; return f; })({}) : {}), first = null;
      ["category", "message", "contact"].forEach(function (name) {
        if (!fields[name]) return;
        slots[name].textContent = words(fields[name]);
        form.elements[name].setAttribute("aria-invalid", "true");
        if (!first) first = form.elements[name];
      });
      status.hidden = false;
      status.textContent = first ? odT("Chưa gửi được: hãy sửa các ô được đánh dấu.") : words(e) || odT("Có lỗi; thử lại sau.");
      (first || status).focus();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors();
      var payload = {dataset: dataset, category: category.value, message: message.value, contact: contact.value,
                     website: form.elements.website.value};
      fetch(base + "/v1/feedback", {method: "POST", headers: {"Content-Type": "application/json"},
                                    body: JSON.stringify(payload)})
        .then(function (r) { return r.json().then(function (b) { return {status: r.status, body: b}; }); })
        .then(function (result) {
          status.hidden = false;
          if (result.status === 201) {
            status.textContent = result.body.id ? odT("Cảm ơn bạn! Góp ý số {id} đã được tiếp nhận.", {id: result.body.id})
              : odT("Cảm ơn bạn! Góp ý đã được tiếp nhận.");
            form.reset();
            load();
          } else {
            showErrors(result.body.error || {});
          }
        }).catch(function () {
          status.hidden = false;
          status.textContent = odT("Không kết nối được máy chủ; thử lại sau.");
          if (/^mailto:/.test(mailto)) {  // the agency's address still works
            status.appendChild(document.createTextNode(" "));
            status.appendChild(el("a", {"href": mailto}, odT("Gửi qua thư điện tử")));
          }
        });
    });

    box.appendChild(list);
    box.appendChild(empty);
    box.appendChild(el("h3", {}, odT("Gửi góp ý")));
    box.appendChild(form);
    load();
  }

  document.querySelectorAll(".odp-feedback[data-dataset]").forEach(setup);
})();
