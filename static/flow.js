/*! saveflow flow page: runs inside the widget's iframe and speaks to the public API v1. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var cfg = JSON.parse($("sf-config").textContent);
  var hostOrigin = new URLSearchParams(location.search).get("origin");
  var dialog = $("sf-dialog");
  var body = $("sf-body");
  var closeBtn = $("sf-close");
  var S = { locale: "en", t: cfg.strings.en, attrs: {}, id: null, token: null, mode: "standard",
    survey: null, answered: false, result: null, finished: false };

  if (cfg.unknownApp) {
    // Nothing secret here: tell whoever framed us at once, so the host falls back to its cancel.
    if (window.parent !== window) {
      window.parent.postMessage({ saveflow: 1, type: "done",
        result: { outcome: "error", reason: "unknown_app" } }, "*");
    }
    return;
  }
  // Talk only to a parent on one of the app's allowed origins (CSP frame-ancestors agrees).
  if (window.parent === window || cfg.origins.concat(location.origin).indexOf(hostOrigin) < 0) {
    $("sf-unframed").hidden = false;
    return;
  }

  function post(type, extra) {
    window.parent.postMessage(Object.assign({}, extra, { saveflow: 1, type: type }), hostOrigin);
  }
  function emit(name, data) { post("event", { name: name, data: data || {} }); }

  function t(key, vars) { return fill(S.t[key] || cfg.strings.en[key] || key, vars); }
  function fill(text, vars) {
    // A field the caller leaves empty keeps the attribute of that name ({plan}, {first_name}).
    var all = Object.assign({}, S.attrs);
    Object.keys(vars || {}).forEach(function (k) {
      if (vars[k] !== undefined && vars[k] !== null) all[k] = vars[k];
    });
    var out = String(text).replace(/\{(\w+)\}/g, function (_, k) {
      return all[k] === undefined || all[k] === null ? "" : String(all[k]);
    });
    return out === text ? out : out.replace(/^\s*[,，、]\s*/, "").trim();
  }

  function h(tag, props, kids) {
    var el = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      var v = props[k];
      if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else if (v !== null && v !== undefined && v !== false) el.setAttribute(k, v === true ? "" : v);
    });
    (kids || []).forEach(function (c) { if (c) el.append(c); });
    return el;
  }
  function btn(label, cls, onClick, extra) {
    return h("button", Object.assign({ type: "button", class: "sf-btn " + cls, onclick: onClick },
      extra || {}), [label]);
  }
  function actions(kids) { return h("div", { class: "sf-actions" }, kids); }
  function continueCancel(next) {
    return btn(t("continue_cancel"), "sf-link", next || showConfirm,
      { "data-action": "continue-cancel" });
  }

  function screen(step, heading, kids) {
    S.step = step;
    dialog.setAttribute("data-step", step);
    var title = h("h2", { id: "sf-heading", class: "sf-heading", tabindex: "-1" }, [heading]);
    dialog.style.scrollPaddingBottom = "";
    body.replaceChildren.apply(body, [title].concat(kids));
    dialog.hidden = false;
    title.focus();
    emit("step", { step: step });
  }

  // ---- formatting (Intl) -------------------------------------------------------------------
  function money(minor, currency) {
    var f = new Intl.NumberFormat(S.locale, { style: "currency", currency: currency.toUpperCase() });
    return f.format(minor / Math.pow(10, f.resolvedOptions().maximumFractionDigits));
  }
  function per(minor, terms) {
    var vars = { price: money(minor, terms.currency), unit: t("unit_" + terms.interval),
      count: terms.interval_count };
    return t(terms.interval_count > 1 ? "per_n" : "per", vars);
  }
  function date(iso) {
    var dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
    var opts = dateOnly ? { dateStyle: "long", timeZone: "UTC" } : { dateStyle: "long" };
    return new Intl.DateTimeFormat(S.locale, opts).format(new Date(dateOnly ? iso + "T00:00:00Z" : iso));
  }
  // An offer's terms as copy fields: prices, months, days, a resume date, a new plan's name.
  function facts(offer) {
    var x = offer.terms || {};
    var v = { offer: offer.title, months: x.months, days: x.days, plan: x.plan_name };
    if (x.currency) { v.after = per(x.price_after, x); v.before = per(x.price_before, x); }
    if (x.resumes_on) v.date = date(x.resumes_on);
    return v;
  }
  var TERMS = { discount: "discount_terms", pause: "pause_terms", downgrade: "downgrade_terms",
    trial_extension: "trial_terms" };
  function terms(offer) {
    var key = TERMS[offer.type];
    if (key && offer.type === "discount" && offer.terms.months === 1) key += "_1";
    return key ? t(key, facts(offer)) : "";
  }

  // ---- API -----------------------------------------------------------------------------------
  // Calls that change billing wait longer: the server gives billing a few seconds and answers
  // honestly when it does not reply, which beats our giving up first and guessing.
  var BILLING_CALL = /\/(accept|cancel)$/;
  function api(path, payload) {
    var ctrl = new AbortController();
    var timer = setTimeout(function () { ctrl.abort(); }, BILLING_CALL.test(path) ? 12000 : 4000);
    var headers = { "Content-Type": "application/json" };
    if (S.token) headers.Authorization = "Bearer " + S.token;
    setBusy(true);
    return fetch(cfg.api + path, { method: "POST", headers: headers, credentials: "omit",
      body: JSON.stringify(payload || {}), signal: ctrl.signal })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (json) {
          if (!res.ok) { json.status = res.status; throw json; }
          return json;
        });
      })
      .finally(function () { clearTimeout(timer); setBusy(false); });
  }
  function call(action, payload) { return api("/" + S.id + action, payload); }
  function setBusy(busy) {
    dialog.setAttribute("aria-busy", busy ? "true" : "false");
    body.querySelectorAll("button").forEach(function (b) { b.disabled = busy; });
  }
  // Billing refused or did not answer: nothing changed and the session is still open.
  function billingDown(err) {
    return err && (err.code === "billing_failed" || err.code === "billing_unavailable" ||
      err.name === "AbortError" || err instanceof TypeError);
  }
  // Say so in place of the screen's actions, with ways on that never leave the customer stuck.
  function notice(message, kids) {
    var box = h("div", { class: "sf-notice", role: "alert" },
      [h("p", { class: "sf-error" }, [message]), actions(kids)]);
    var old = body.querySelector(":scope > .sf-notice, :scope > .sf-actions");
    if (old) old.replaceWith(box); else body.append(box);
    box.scrollIntoView({ block: "nearest" });
    box.querySelector("button").focus();
  }
  function fail(err) {
    var reason = err && err.code ? err.code : err && err.name === "AbortError" ? "timeout" : "network";
    finish({ outcome: "error", reason: reason });
  }

  // ---- steps ---------------------------------------------------------------------------------
  function start(init) {
    S.attrs = init.attributes && typeof init.attributes === "object" ? init.attributes : {};
    var payload = { app_id: cfg.appId, token: init.token, attributes: S.attrs };
    if (init.locale) payload.locale = init.locale;
    api("", payload).then(function (r) {
      S.id = r.session_id;
      S.token = r.session_token;
      S.mode = (r.compliance && r.compliance.mode) || "standard";
      S.survey = r.survey;
      S.sub = r.subscription || null;
      // {plan} anywhere is the name the server settled on (the snapshot's), never the bare id.
      if (S.sub) S.attrs = Object.assign({}, S.attrs, { plan: S.sub.plan_name });
      setLocale(r.locale);
      post("started", { sessionId: S.id, step: r.step, locale: S.locale });
      if (r.step === "payment_recovery") showRecovery(r.payment_recovery || {});
      else if (r.step === "offers" && r.offers.length) showOffer(r.offers[0]);
      else if (r.step === "confirm") showConfirm();
      else if (r.step === "done") finish(Object.assign({ sessionId: S.id }, r.result || {}));
      else showSurvey();
    }, fail);
  }

  function showRecovery(info) {
    // Before the survey, continuing leads to it; after a "payment problem" answer, to confirm.
    var next = S.answered ? showConfirm : showSurvey;
    var kids = [h("p", { class: "sf-text" }, [info.message || ""])];
    if (info.url) {
      kids.push(actions([h("a", { class: "sf-btn sf-primary", href: info.url, target: "_blank",
        rel: "noopener", onclick: function () {
          // Billing's webhook books `recovered`; the server only learns the link was opened.
          call("/recovery").catch(function () {});
          showDone("recovered", {});
        } },
        [t("recovery_button")]), continueCancel(next)]));
    } else {
      kids.push(actions([continueCancel(next)]));
    }
    screen("payment_recovery", t("recovery_heading"), kids);
  }

  function showSurvey() {
    var chosen = null;
    var missing = h("p", { class: "sf-error", id: "sf-reason-error", role: "alert" });
    var error = h("p", { class: "sf-error", id: "sf-error", role: "alert" });
    var box = h("textarea", { id: "sf-comment", rows: "3", maxlength: "2000",
      "aria-describedby": "sf-error" });
    var boxLabel = h("label", { for: "sf-comment", class: "sf-label" });
    var follow = h("div", { class: "sf-follow", hidden: true }, [boxLabel, box]);
    var list = S.survey.reasons.map(function (r, i) {
      var input = h("input", { type: "radio", name: "reason", id: "sf-r" + i, value: r.id,
        onchange: function () { choose(r); } });
      return h("label", { class: "sf-reason", for: "sf-r" + i }, [input, h("span", {}, [r.label])]);
    });
    var bar = actions([h("button", { type: "submit", class: "sf-btn sf-primary" }, [t("next")]),
      continueCancel()]);
    function reveal(el) {
      // The actions are pinned over the bottom of the scrolling dialog: keep el clear of them.
      dialog.style.scrollPaddingBottom = bar.offsetHeight + 8 + "px";
      el.scrollIntoView({ block: "nearest" });
    }
    function choose(r) {
      chosen = r;
      missing.textContent = error.textContent = "";
      follow.hidden = r.follow_up === "none" || !r.follow_up;
      box.required = r.follow_up === "required";
      boxLabel.textContent = t(box.required ? "follow_up_required" : "follow_up_optional");
      if (!follow.hidden) reveal(follow);
    }
    function invalid(el, message, field) {
      el.textContent = message;
      field.focus({ preventScroll: true });
      reveal(el);
    }
    function submit(event) {
      event.preventDefault();
      if (!chosen) return invalid(missing, t("choose_reason"), list[0].firstChild);
      var comment = follow.hidden ? "" : box.value.trim();
      if (box.required && !comment) return invalid(error, t("comment_required"), box);
      call("/answer", { reason_id: chosen.id, comment: comment || null }).then(afterAnswer, function (e) {
        if (!e || e.status !== 422) return fail(e);
        error.textContent = e.message || t("error");
        reveal(error);
      });
    }
    var form = h("form", { class: "sf-form", novalidate: true, onsubmit: submit }, [
      h("fieldset", { class: "sf-fieldset", "aria-labelledby": "sf-heading",
        "aria-describedby": "sf-reason-error" }, [missing, h("div", { class: "sf-reasons" }, list)]),
      follow, error, bar
    ]);
    screen("survey", S.survey.question, [form]);
  }

  function afterAnswer(r) {
    S.answered = true;
    emit("answered", { classification: r.classification });
    if (r.payment_recovery) showRecovery(r.payment_recovery);
    else if (r.offers && r.offers.length) showOffer(r.offers[0]);
    else showConfirm();
  }

  function showOffer(offer) {
    var line = terms(offer);
    var card = h("article", { class: "sf-offer", "aria-labelledby": "sf-offer-title" }, [
      h("h3", { id: "sf-offer-title", class: "sf-offer-title" }, [offer.title]),
      offer.body ? h("p", { class: "sf-text" }, [offer.body]) : null,
      line ? h("p", { class: "sf-terms", "data-terms": offer.type }, [line]) : null
    ]);
    function doAccept() {
      call("/offers/" + encodeURIComponent(offer.id) + "/accept").then(function (r) {
        showDone("saved", r);
      }, function (err) {
        if (!billingDown(err)) return fail(err);
        emit("billing_failed", { action: "accept", offer: offer.id, code: err.code || "timeout" });
        notice(t("billing_failed"), [
          btn(t("retry"), "sf-primary", doAccept, { "data-action": "retry" }), continueCancel()]);
      });
    }
    var accept = btn(t("accept"), "sf-primary", doAccept, { "data-action": "accept" });
    var rest = S.mode === "one_save"
      // One save attempt, shown together with the cancel button (California's click-to-cancel rule).
      ? [btn(t("cancel_now"), "sf-secondary", doCancel, { "data-action": "cancel" })]
      : [btn(t("decline"), "sf-secondary", function () {
        call("/offers/" + encodeURIComponent(offer.id) + "/decline").then(function (r) {
          if (r.offers && r.offers.length) showOffer(r.offers[0]);
          else showConfirm();
        }, fail);
      }, { "data-action": "decline" }), continueCancel()];
    screen("offer", t("offer_heading"), [card, actions([accept].concat(rest))]);
    emit("offer_shown", { offer: offer.id, offer_type: offer.type });
  }

  function showConfirm() {
    var sub = S.sub;
    var until = sub && sub.cancel_at_period_end && sub.cancel_effective_at;
    screen("confirm", t("confirm_heading"), [
      h("p", { class: "sf-text" }, [until ? t("confirm_until",
        { plan: sub.plan_name, date: date(sub.cancel_effective_at) }) : t("confirm_body")]),
      actions([
        btn(t("cancel_now"), "sf-danger", doCancel, { "data-action": "cancel" }),
        btn(t("keep"), "sf-secondary", keep, { "data-action": "keep" })
      ])
    ]);
  }

  function keep() { call("/withdraw").then(function (r) { showDone("withdrawn", r); }, fail); }

  function doCancel() {
    call("/cancel").then(function (r) { showDone("cancelled", r); }, function (err) {
      if (!billingDown(err)) return fail(err);
      // Never shown as cancelled unless billing confirmed it; the host's own cancel path is the
      // way out if billing stays down.
      emit("billing_failed", { action: "cancel", code: err.code || "timeout" });
      notice(t("cancel_failed"), [
        btn(t("retry"), "sf-primary", doCancel, { "data-action": "retry" }),
        btn(t("keep"), "sf-secondary", keep, { "data-action": "keep" }),
        btn(t("cancel_elsewhere"), "sf-link", function () { fail(err); },
          { "data-action": "cancel-elsewhere" })]);
    });
  }

  function showDone(outcome, r) {
    var offer = r.offer || null;
    S.result = { outcome: outcome, offer: offer, sessionId: S.id };
    emit("outcome", S.result);
    // A saved offer's screen says what just happened in its type's own words (saved_body_pause …).
    var kind = offer ? "_" + offer.type : "";
    var vars = offer ? Object.assign(facts(offer), { terms: terms(offer) }) : {};
    function say(key) { return t(S.t[key + kind] ? key + kind : key, vars); }
    var text = say(outcome + "_body");
    if (outcome === "cancelled") {
      // Immediate cancels have nothing left to use; period-end cancels say until when.
      var atEnd = !r.effective || r.effective.at_period_end !== false;
      text = r.effective_at && atEnd ? t("cancelled_body", { date: date(r.effective_at) })
        : t("cancelled_body_now");
    }
    // Booking the call or following the link is what is left to do, so it leads.
    var link = offer && offer.terms && offer.terms.url;
    var buttons = [btn(t("done"), link ? "sf-secondary" : "sf-primary",
      function () { finish(S.result); }, { "data-action": "done" })];
    if (link) {
      buttons.unshift(h("a", { class: "sf-btn sf-primary", href: link, target: "_blank",
        rel: "noopener", "data-action": "open-link" }, [say("open_link")]));
    }
    screen("done", say(outcome + "_heading"), [h("p", { class: "sf-text" }, [text]),
      actions(buttons)]);
    dialog.setAttribute("data-outcome", outcome);
  }

  // ---- closing -------------------------------------------------------------------------------
  function close(why) {
    if (S.result) return finish(S.result);
    abandon(typeof why === "string" ? why : "closed");
    finish({ outcome: "abandoned", sessionId: S.id });
  }

  function abandon(why) {
    if (!S.id || !navigator.sendBeacon) return;
    // text/plain keeps it a simple request; the API reads JSON whatever the content type.
    var blob = new Blob([JSON.stringify({ session_token: S.token, why: why })],
      { type: "text/plain" });
    navigator.sendBeacon(cfg.api + "/" + S.id + "/abandon", blob);
  }

  function finish(result) {
    if (S.finished) return;
    S.finished = true;
    post("done", { result: Object.assign({ sessionId: S.id, offer: null }, result) });
  }

  function setLocale(locale) {
    S.locale = cfg.strings[locale] ? locale : "en";
    S.t = cfg.strings[S.locale];
    document.documentElement.lang = S.locale;
    document.title = t("title");
    closeBtn.setAttribute("aria-label", t("close"));
    closeBtn.title = t("close");
  }

  function trapFocus(event) {
    var items = Array.prototype.filter.call(dialog.querySelectorAll(
      "a[href], button:not([disabled]), input:not([disabled]), textarea:not([disabled])"),
    function (el) { return el.offsetParent !== null; });
    if (!items.length) return;
    var first = items[0];
    var last = items[items.length - 1];
    var active = document.activeElement;
    if (event.shiftKey && (active === first || !dialog.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !dialog.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  // ---- wiring --------------------------------------------------------------------------------
  (function brand() {
    document.documentElement.style.setProperty("--sf-accent", cfg.brand.accent);
    var slot = $("sf-brand");
    if (cfg.brand.logo) slot.append(h("img", { src: cfg.brand.logo, alt: cfg.appName, height: "28" }));
    else slot.textContent = cfg.appName;
  })();
  setLocale(cfg.defaultLocale);
  closeBtn.append("×");
  closeBtn.addEventListener("click", close);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); close("escape"); }
    else if (event.key === "Tab") trapFocus(event);
  });
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || event.origin !== hostOrigin) return;
    var m = event.data;
    if (!m || m.saveflow !== 1) return;
    if (m.type === "init" && !S.started) { S.started = true; start(m); }
    else if (m.type === "close") close("escape");
  });
  // The host page navigating away mid-flow closes the widget without a decision.
  window.addEventListener("pagehide", function () {
    if (!S.finished && !S.result) abandon("pagehide");
  });
  post("ready");
})();
