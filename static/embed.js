/*! saveflow loader v1 — embedding guide: docs/widget.md. No dependencies. */
(function (w, d) {
  "use strict";
  if (w.Saveflow && w.Saveflow.version) return;

  // Everything saveflow serves lives next to this script, so the base comes from its own src.
  var script = d.currentScript || d.querySelector('script[src*="/embed.js"]');
  var src = script ? script.src : "";
  var base = ((script && script.getAttribute("data-saveflow-base")) ||
    src.replace(/\/embed\.js(\?.*)?$/, "")).replace(/\/$/, "");
  var origin = base ? new URL(base, w.location.href).origin : "";
  var READY_MS = 4000; // the flow page must say "ready" by then
  var START_MS = 4500; // and have a session on screen by then: the host hears within 5 s
  var current = null;

  function open(options) {
    var opts = options || {};
    if (current) return current.promise;
    var onEvent = typeof opts.onEvent === "function" ? opts.onEvent : null;
    var resolve;
    var state = { promise: new Promise(function (r) { resolve = r; }), sessionId: null };
    current = state;
    if (!origin || !opts.appId || !opts.token) {
      current = null;
      resolve({ outcome: "error", offer: null, sessionId: null, reason: "bad_options" });
      return state.promise;
    }
    var opener = d.activeElement;
    var overlay = d.createElement("div");
    overlay.setAttribute("data-saveflow", "overlay");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;margin:0;padding:0;" +
      "background:rgba(15,23,42,.55)";
    var frame = d.createElement("iframe");
    frame.title = opts.title || "Cancel subscription";
    frame.setAttribute("allowtransparency", "true");
    frame.style.cssText = "position:absolute;inset:0;width:100%;height:100%;border:0;" +
      "background:transparent;color-scheme:normal";
    frame.src = base + "/flow/" + encodeURIComponent(opts.appId) +
      "?origin=" + encodeURIComponent(w.location.origin);
    overlay.appendChild(frame);

    // The host page behind the overlay must not take focus or be read out while it is open.
    var inerted = [];
    Array.prototype.forEach.call(d.body.children, function (el) {
      if (!el.inert) { el.inert = true; inerted.push(el); }
    });
    d.body.appendChild(overlay);

    var timer = setTimeout(function () { finish({ outcome: "error", reason: "timeout" }); }, READY_MS);
    var deadline = setTimeout(function () {
      if (!state.sessionId) finish({ outcome: "error", reason: "timeout" });
    }, START_MS);

    function emit(type, data) {
      if (!onEvent) return;
      // The event's name is laid last, so no field of its data can overwrite it.
      try { onEvent(Object.assign({}, data, { type: type })); } catch (e) { /* host's bug */ }
    }

    function send(message) {
      message.saveflow = 1;
      if (frame.contentWindow) frame.contentWindow.postMessage(message, origin);
    }

    function finish(result) {
      if (current !== state) return;
      current = null;
      clearTimeout(timer);
      clearTimeout(deadline);
      w.removeEventListener("message", onMessage);
      d.removeEventListener("keydown", onKey, true);
      inerted.forEach(function (el) { el.inert = false; });
      if (overlay.parentNode) overlay.parentNode.removeChild(overlay);
      if (opener && typeof opener.focus === "function") opener.focus();
      var out = {
        outcome: result.outcome || "error",
        offer: result.offer || null,
        sessionId: result.sessionId || state.sessionId
      };
      if (out.outcome === "error") out.reason = result.reason || "error";
      emit("closed", out);
      resolve(out);
    }

    function onMessage(event) {
      // Only the flow page we opened, on saveflow's origin, may talk to us.
      if (event.origin !== origin || event.source !== frame.contentWindow) return;
      var m = event.data;
      if (!m || m.saveflow !== 1) return;
      if (m.type === "ready") {
        clearTimeout(timer);
        send({ type: "init", token: opts.token, locale: opts.locale || null,
          attributes: opts.attributes || {} });
        frame.focus();
      } else if (m.type === "started") {
        clearTimeout(deadline);
        state.sessionId = m.sessionId;
        emit("started", { sessionId: m.sessionId, step: m.step, locale: m.locale });
      } else if (m.type === "event") {
        emit(m.name, m.data);
      } else if (m.type === "done") {
        finish(m.result || {});
      }
    }

    function onKey(event) {
      if (event.key !== "Escape") return;
      event.preventDefault();
      // With a session, the flow page records the abandon itself (sendBeacon) and reports back.
      if (state.sessionId) send({ type: "close" });
      else finish({ outcome: "abandoned" });
    }

    w.addEventListener("message", onMessage);
    d.addEventListener("keydown", onKey, true);
    emit("opening", {});
    return state.promise;
  }

  w.Saveflow = { version: "1", base: base, open: open };
})(window, document);
