// Registration form (Article 6.2b): posts to the function, shows the key once.
// The function's URL comes from <meta name="opendata-function">; empty means this page's own origin.
(function () {
  "use strict";
  var form = document.getElementById("odp-register");
  if (!form) return;
  var meta = function (name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") || "" : "";
  };
  var base = (meta("opendata-function") || window.location.origin).replace(/\/+$/, "");
  var terms = meta("opendata-terms");
  if (terms) form.querySelector(".odp-terms").setAttribute("href", terms);
  var alertBox = form.querySelector(".odp-alert");
  // The site's catalogue words (assets/messages.js); on the function's own page, the Vietnamese.
  var odT = window.odT || function (s) { return s; };
  function english() { return document.documentElement.lang === "en"; }
  // A server message {vi, en} in the page's language.
  function words(message) { return message ? (english() && message.en) || message.vi || message.en : ""; }

  function say(message) {
    alertBox.textContent = message;
    alertBox.hidden = !message;
  }

  function clearErrors() {
    say("");
    form.querySelectorAll(".odp-error").forEach(function (p) { p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  // Each error beside its field (tied by aria-describedby in register.html), focus on the first.
  function showErrors(error) {
    var fields = error.fields || (error.field ? (function (f) { f[error.field] = error; return f; })({}) : {});
    var first = null;
    ["full_name", "address", "email", "phone", "organisation", "accept_terms"].forEach(function (name) {
      if (!fields[name]) return;
      var slot = form.querySelector('.odp-error[data-for="' + name + '"]');
      var input = form.elements[name];
      if (!slot || !input) return;
      slot.textContent = words(fields[name]);
      input.setAttribute("aria-invalid", "true");
      if (!first) first = input;
    });
    if (first) {
      say(odT("Chưa đăng ký được: hãy sửa các ô được đánh dấu bên dưới."));
      first.focus();
    } else {
      say(words(error) || odT("Có lỗi; thử lại sau."));
      alertBox.focus();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var data = {};
    ["full_name", "address", "email", "phone", "organisation", "website"].forEach(function (name) {
      data[name] = form.elements[name].value;
    });
    data.accept_terms = form.elements.accept_terms.checked;
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(base + "/v1/register", {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(data)
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    }).then(function (result) {
      if (result.status === 201) {
        form.hidden = true;
        var section = document.getElementById("odp-key");
        document.getElementById("odp-key-value").value = result.body.key;
        document.getElementById("odp-example").textContent =
          "curl -H 'Authorization: Bearer " + result.body.key + "' '" + base + "/v1/datasets'";
        section.hidden = false;
        document.getElementById("odp-key-value").select();
      } else {
        showErrors(result.body.error || {});
      }
    }).catch(function () {
      say(odT("Không kết nối được máy chủ; thử lại sau."));
      alertBox.focus();
    }).then(function () { button.disabled = false; });
  });

  var copy = document.getElementById("odp-copy");
  copy.addEventListener("click", function () {
    var value = document.getElementById("odp-key-value").value;
    if (navigator.clipboard) navigator.clipboard.writeText(value);
    copy.textContent = odT("Đã chép");
  });
})();
