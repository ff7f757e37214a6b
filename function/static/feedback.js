// Feedback on a dataset page (Article 12.4): the public list with answers, and the form.
// Placed in <section class="odp-feedback" data-dataset="ID" data-function-url="URL" data-mailto="mailto:…">
// (the URL may also come from <meta name="opendata-function">); everything from the server is written
// with textContent, never as HTML.
(function () {
  "use strict";
  var CATEGORIES = [["quality", "Chất lượng dữ liệu", "Data quality"], ["usability", "Khả năng sử dụng", "Usability"],
    ["format", "Định dạng", "Format"], ["compliance", "Tuân thủ quy định", "Compliance"], ["other", "Khác", "Other"]];

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
    var empty = el("p", {"class": "odp-feedback-empty"},
      "Chưa có góp ý nào được công bố. (No published feedback yet.)");

    function load() {
      // Revalidate: a visitor must see their own feedback and fresh answers, not a cached list.
      fetch(base + "/v1/feedback/" + encodeURIComponent(dataset), {cache: "no-cache"}).then(function (r) { return r.json(); })
        .then(function (body) {
          list.textContent = "";
          (body.feedback || []).forEach(function (item) {
            var li = el("li", {"class": "odp-feedback-item", "data-status": item.status});
            var head = el("p", {"class": "odp-feedback-meta"});
            head.appendChild(el("strong", {}, item.category_name.vi));
            head.appendChild(document.createTextNode(" · " + date(item.created) + " · "));
            head.appendChild(el("span", {"class": "odp-status"}, item.status_name.vi + " (" + item.status_name.en + ")"));
            li.appendChild(head);
            li.appendChild(el("p", {"class": "odp-feedback-message"}, item.message));
            if (item.answer) {
              var answer = el("blockquote", {"class": "odp-feedback-answer"});
              answer.appendChild(el("strong", {}, "Trả lời (" + date(item.answered) + "): "));
              answer.appendChild(document.createTextNode(item.answer));
              li.appendChild(answer);
            }
            list.appendChild(li);
          });
          empty.hidden = list.children.length > 0;
        }).catch(function () { empty.hidden = false; });
    }

    var form = el("form", {"class": "odp-form odp-feedback-form", "novalidate": ""});
    var status = el("p", {"class": "odp-alert", "role": "status"});
    status.hidden = true;
    var category = el("select", {"name": "category", "required": ""});
    CATEGORIES.forEach(function (c) { category.appendChild(el("option", {"value": c[0]}, c[1] + " (" + c[2] + ")")); });
    var message = el("textarea", {"name": "message", "required": "", "minlength": "5", "maxlength": "4000", "rows": "4"});
    var contact = el("input", {"name": "contact", "maxlength": "200", "autocomplete": "email"});
    var trap = el("div", {"class": "odp-hp", "aria-hidden": "true"});
    trap.appendChild(el("input", {"name": "website", "tabindex": "-1", "autocomplete": "off"}));
    [["Loại góp ý (Category)", category], ["Nội dung (Message)", message],
     ["Liên hệ để trả lời riêng, không công bố — không bắt buộc (Contact, never published — optional)", contact]]
      .forEach(function (pair) {
        var label = el("label", {}, pair[0]);
        label.appendChild(pair[1]);
        form.appendChild(label);
      });
    form.appendChild(trap);
    form.appendChild(status);
    form.appendChild(el("button", {"type": "submit"}, "Gửi góp ý (Send)"));

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var payload = {dataset: dataset, category: category.value, message: message.value, contact: contact.value,
                     website: form.elements.website.value};
      fetch(base + "/v1/feedback", {method: "POST", headers: {"Content-Type": "application/json"},
                                    body: JSON.stringify(payload)})
        .then(function (r) { return r.json().then(function (b) { return {status: r.status, body: b}; }); })
        .then(function (result) {
          status.hidden = false;
          if (result.status === 201) {
            status.textContent = "Cảm ơn bạn! Góp ý đã được tiếp nhận" +
              (result.body.id ? " (số " + result.body.id + ")" : "") + ". (Thank you, your feedback was received.)";
            form.reset();
            load();
          } else {
            var e = result.body.error || {};
            status.textContent = (e.vi || "Có lỗi.") + (e.en ? " (" + e.en + ")" : "");
          }
        }).catch(function () {
          status.hidden = false;
          status.textContent = "Không kết nối được máy chủ; thử lại sau. (Could not reach the server.)";
          if (/^mailto:/.test(mailto)) {  // the agency's address still works
            status.appendChild(document.createTextNode(" "));
            status.appendChild(el("a", {"href": mailto}, "Gửi qua thư điện tử (send by email)"));
          }
        });
    });

    box.appendChild(list);
    box.appendChild(empty);
    box.appendChild(el("h3", {}, "Gửi góp ý (Send feedback)"));
    box.appendChild(form);
    load();
  }

  document.querySelectorAll(".odp-feedback[data-dataset]").forEach(setup);
})();
