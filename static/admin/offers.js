/* saveflow admin: the offer card as the widget shows it, redrawn as the editor types.
 * The card's markup and classes are the widget's own (templates/flow.html, static/flow.js
 * showOffer) inside a frame that loads the widget's stylesheet, so it looks the same. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("offer-preview-config").textContent);
  var form = document.getElementById("offer-form");
  var frame = document.getElementById("card-frame");
  var sampleNote = document.getElementById("preview-sample");
  var state = { locale: cfg.locale, preview: cfg.preview, pending: null, timer: null };
  var els = null;

  // ---- the widget's wording of terms (the same keys and formatting as static/flow.js) -------
  function S() { return cfg.strings[state.locale] || cfg.strings.en; }
  function t(key, vars) {
    var text = S()[key] || cfg.strings.en[key] || key;
    return String(text).replace(/\{(\w+)\}/g, function (_, k) {
      return vars && vars[k] !== undefined && vars[k] !== null ? String(vars[k]) : "";
    });
  }
  function money(minor, currency) {
    var f = new Intl.NumberFormat(state.locale, { style: "currency", currency: currency.toUpperCase() });
    return f.format(minor / Math.pow(10, f.resolvedOptions().maximumFractionDigits));
  }
  function per(minor, x) {
    var vars = { price: money(minor, x.currency), unit: t("unit_" + x.interval), count: x.interval_count };
    return t(x.interval_count > 1 ? "per_n" : "per", vars);
  }
  function date(iso) {
    return new Intl.DateTimeFormat(state.locale, { dateStyle: "long", timeZone: "UTC" })
      .format(new Date(iso + "T00:00:00Z"));
  }
  var TERMS = { discount: "discount_terms", pause: "pause_terms", downgrade: "downgrade_terms",
    trial_extension: "trial_terms" };
  function termsLine(card) {
    var x = card.terms;
    var key = TERMS[card.type];
    if (!x || !key) return "";
    if (card.type === "discount" && x.months === 1) key += "_1";
    var v = { months: x.months, days: x.days, plan: x.plan_name };
    if (x.currency) { v.after = per(x.price_after, x); v.before = per(x.price_before, x); }
    if (x.resumes_on) v.date = date(x.resumes_on);
    return t(key, v);
  }

  // ---- the frame ---------------------------------------------------------------------------
  function h(doc, tag, cls, text) {
    var el = doc.createElement(tag);
    if (cls) el.className = cls;
    if (text !== undefined) el.textContent = text;
    return el;
  }
  function build() {
    var doc = frame.contentDocument;
    // The frame's first, empty document loads too; draw once, into the widget's page.
    if (!doc || !doc.querySelector("link[rel=stylesheet]") || doc.querySelector(".sf-dialog")) return;
    var dialog = h(doc, "div", "sf-dialog");
    dialog.setAttribute("data-step", "offer");
    var header = h(doc, "header", "sf-header");
    var brand = h(doc, "span", "sf-brand", cfg.brand.logo ? "" : cfg.brand.name);
    if (cfg.brand.logo) {
      var img = h(doc, "img");
      img.src = cfg.brand.logo;
      img.alt = cfg.brand.name;
      img.height = 28;
      brand.append(img);
    }
    var close = h(doc, "button", "sf-close", "×");
    close.type = "button";
    header.append(brand, close);
    var body = h(doc, "div", "sf-body");
    els = {
      heading: h(doc, "h2", "sf-heading"),
      card: h(doc, "article", "sf-offer"),
      title: h(doc, "h3", "sf-offer-title"),
      text: h(doc, "p", "sf-text"),
      terms: h(doc, "p", "sf-terms"),
      accept: h(doc, "button", "sf-btn sf-primary"),
      decline: h(doc, "button", "sf-btn sf-secondary"),
      cancel: h(doc, "button", "sf-btn sf-link")
    };
    els.card.append(els.title, els.text, els.terms);
    var actions = h(doc, "div", "sf-actions");
    actions.append(els.accept, els.decline, els.cancel);
    body.append(els.heading, els.card, actions);
    dialog.append(header, body);
    doc.documentElement.style.setProperty("--sf-accent", cfg.brand.accent);
    doc.body.append(dialog);
    // A picture of the widget: nothing in it can be focused or pressed.
    doc.body.inert = true;
    render();
  }
  function render() {
    if (!els) return;
    var card = state.preview.cards[state.locale];
    frame.contentDocument.documentElement.lang = state.locale;
    els.heading.textContent = t("offer_heading");
    els.title.textContent = card.title;
    els.text.textContent = card.body;
    els.text.hidden = !card.body;
    var line = termsLine(card);
    els.terms.textContent = line;
    els.terms.hidden = !line;
    els.terms.setAttribute("data-terms", card.type);
    els.accept.textContent = t("accept");
    els.decline.textContent = t("decline");
    els.cancel.textContent = t("continue_cancel");
    var s = state.preview.sample;
    var note = "Shown to a sample customer on " + (s.plan_name || s.plan) + ", " +
      per(s.amount, s) + "; {first_name} is Alex.";
    if (state.preview.skip === "invalid_params") note += " Terms appear once the terms above are valid.";
    else if (state.preview.skip === "no_downgrade_target") note += " Add a plan to see the terms.";
    sampleNote.textContent = note;
    fit();
  }
  function fit() {
    var doc = frame.contentDocument;
    frame.style.height = Math.ceil(doc.body.getBoundingClientRect().height) + "px";
  }

  frame.addEventListener("load", build);
  frame.srcdoc = '<!doctype html><html><head><meta charset="utf-8">' +
    '<link rel="stylesheet" href="' + cfg.flowCss + '">' +
    // Only the page around the dialog differs: the host's dimmed backdrop, and no fixed height.
    '<style>html,body{min-height:0!important}body{background:rgba(15,23,42,.55)}' +
    '.sf-dialog{max-height:none}</style></head><body></body></html>';
  window.addEventListener("resize", function () { if (els) fit(); });

  document.getElementById("preview-locale").addEventListener("change", function (e) {
    state.locale = e.target.value;
    render();
  });

  // ---- live updates: the server words the card with the offer type's own terms ------------
  function refresh() {
    if (state.pending) state.pending.abort();
    var ctrl = new AbortController();
    state.pending = ctrl;
    fetch(cfg.cardUrl, { method: "POST", body: new FormData(form), signal: ctrl.signal,
      headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (data) {
        if (!data || state.pending !== ctrl) return;
        state.pending = null;
        state.preview = data;
        render();
        form.setAttribute("data-preview-version", String((+form.getAttribute("data-preview-version") || 0) + 1));
      })
      .catch(function () { /* a newer keystroke aborted it, or the network blinked */ });
  }
  form.addEventListener("input", function () {
    clearTimeout(state.timer);
    state.timer = setTimeout(refresh, 120);
  });

  // Downgrades: one more row of plans, cloned from the last (its values cleared).
  var add = document.getElementById("add-target");
  if (add && !form.querySelector("fieldset[disabled]")) {
    add.hidden = false;
    add.addEventListener("click", function () {
      var rows = document.getElementById("target-rows");
      var last = rows.querySelector("[data-row]:last-child");
      var n = rows.querySelectorAll("[data-row]").length;
      var copy = last.cloneNode(true);
      copy.querySelectorAll("input").forEach(function (input) {
        var part = input.name.replace(/^targets-\d+-/, "");
        input.name = "targets-" + n + "-" + part;
        input.id = "f-" + input.name;
        input.value = "";
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
        input.previousElementSibling.htmlFor = input.id;
      });
      copy.querySelectorAll(".error").forEach(function (p) { p.remove(); });
      copy.querySelectorAll(".invalid").forEach(function (d) { d.classList.remove("invalid"); });
      rows.append(copy);
      copy.querySelector("input").focus();
    });
  }
})();
