/* saveflow admin, settings pages: copy buttons, and the brand page's live widget preview. */
(function () {
  "use strict";

  // ---- copy buttons: <button data-copy="#id"> copies that element's text --------------------
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    var ok = document.execCommand("copy");
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var label = button.textContent;
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.after(status);
    button.addEventListener("click", function () {
      var source = document.querySelector(button.getAttribute("data-copy"));
      copyText(source.textContent.trim()).then(function () {
        button.textContent = "Copied";
        status.textContent = "Copied to the clipboard.";
      }, function () {
        status.textContent = "Select the text and copy it yourself.";
      });
      setTimeout(function () { button.textContent = label; status.textContent = ""; }, 2500);
    });
  });

  // ---- closed sections: their fields leave the page (and the tab order) until opened ----------
  document.querySelectorAll("details > .details-body").forEach(function (body) {
    var details = body.parentElement;
    function sync() { body.hidden = !details.open; }
    details.addEventListener("toggle", sync);
    sync();
  });

  // ---- brand page ------------------------------------------------------------------------------
  var frame = document.getElementById("preview-frame");
  var dataNode = document.getElementById("preview-data");
  if (!frame || !dataNode) return;
  var data = JSON.parse(dataNode.textContent);
  var form = document.getElementById("brand-form");
  var accent = document.getElementById("accent");
  var picker = document.getElementById("accent-picker");
  var logo = document.getElementById("logo_url");
  var switcher = form.querySelector(".locale-switch");
  var HEX = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
  var GENERAL = /^(saved_heading|saved_body|open_link)_/;
  var DATES = { en: "March 3, 2027", "zh-Hans": "2027年3月3日", "zh-Hant": "2027年3月3日" };

  function locale() {
    var checked = switcher.querySelector("input:checked");
    return checked ? checked.value : data.locale;
  }
  function typed(key, loc) {
    var input = document.getElementById("copy." + key + "." + loc);
    return input ? input.value.trim() : "";
  }
  // What the widget would show: the text typed, else the general key typed (for a per-type
  // variant), else the default.
  function text(key, loc) {
    var general = GENERAL.test(key) ? key.match(GENERAL)[1] : null;
    return typed(key, loc) || (general && typed(general, loc)) || data.defaults[loc][key] || "";
  }
  function fill(template, vars) {
    return template.replace(/\{([a-z_]+)\}/g, function (all, name) {
      return vars[name] === undefined ? all : String(vars[name]);
    });
  }
  function vars(loc) {
    var per = function (price) {
      return fill(text("per", loc), { price: price, unit: text("unit_month", loc) });
    };
    var v = { plan: "Pro", company: "Northwind", first_name: "Ada", date: DATES[loc], months: 3,
      days: 14, after: per("$36.75"), before: per("$49.00"), offer: data.sample[loc].offer_title };
    v.terms = fill(text("discount_terms", loc), v);
    return v;
  }

  function update() {
    var doc = frame.contentDocument;
    if (!doc || !doc.body) return;
    var loc = locale();
    var v = vars(loc);
    doc.documentElement.lang = loc;
    doc.querySelectorAll("[data-key]").forEach(function (el) {
      el.textContent = fill(text(el.getAttribute("data-key"), loc), v);
    });
    doc.querySelectorAll("[data-key-label]").forEach(function (el) {
      el.setAttribute("aria-label", text(el.getAttribute("data-key-label"), loc));
    });
    var sample = data.sample[loc];
    doc.querySelectorAll("[data-sample]").forEach(function (el) {
      var path = el.getAttribute("data-sample").split(".");
      var value = path.length === 2 ? sample[path[0]][Number(path[1])] : sample[path[0]];
      el.textContent = fill(value || "", v);
    });
    var colour = accent && HEX.test(accent.value.trim()) ? accent.value.trim() : data.defaultAccent;
    doc.querySelectorAll(".sf-dialog").forEach(function (el) {
      el.style.setProperty("--sf-accent", colour);
    });
    var url = logo ? logo.value.trim() : "";
    doc.querySelectorAll("[data-brand]").forEach(function (slot) {
      slot.replaceChildren();
      if (/^https:\/\/\S+$/.test(url)) {
        var img = doc.createElement("img");
        img.src = url;
        img.alt = data.appName;
        img.height = 28;
        slot.append(img);
      } else {
        slot.textContent = data.appName;
      }
    });
  }

  function show(screen) {
    var doc = frame.contentDocument;
    if (!doc) return;
    doc.querySelectorAll(".sf-dialog").forEach(function (el) {
      el.hidden = el.getAttribute("data-screen") !== screen;
    });
    var radio = document.querySelector('input[name="preview-screen"][value="' + screen + '"]');
    if (radio) radio.checked = true;
  }

  function showLocale() {
    var loc = locale();
    form.querySelectorAll(".copy-field").forEach(function (field) {
      field.hidden = field.getAttribute("data-locale") !== loc;
    });
    update();
  }

  // With script on, one language is edited at a time; without it, all three show.
  switcher.hidden = false;
  switcher.addEventListener("change", showLocale);
  form.addEventListener("input", function (event) {
    if (event.target === accent && HEX.test(accent.value.trim()) && accent.value.trim().length === 7) {
      picker.value = accent.value.trim();
    }
    update();
  });
  if (picker) {
    picker.addEventListener("input", function () {
      accent.value = picker.value;
      update();
    });
  }
  // Focusing a text shows the screen it appears on, when the preview has it.
  form.addEventListener("focusin", function (event) {
    var key = event.target.getAttribute && event.target.getAttribute("data-copy-key");
    var doc = frame.contentDocument;
    if (!key || !doc) return;
    var el = doc.querySelector('[data-key="' + key + '"]');
    if (el) show(el.closest(".sf-dialog").getAttribute("data-screen"));
  });
  document.querySelectorAll('input[name="preview-screen"]').forEach(function (radio) {
    radio.addEventListener("change", function () { show(radio.value); });
  });
  frame.addEventListener("load", function () {
    var checked = document.querySelector('input[name="preview-screen"]:checked');
    show(checked ? checked.value : "survey");
    update();
  });
  showLocale();
})();
