/* saveflow admin: open the real widget in test mode as the sample customer, and log the run. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("preview-config").textContent);
  var button = document.getElementById("open-widget");
  var log = document.getElementById("run-log");
  var shown = [];

  function line(kids, cls) {
    var li = document.createElement("li");
    if (cls) li.className = cls;
    kids.forEach(function (k) { li.append(k); });
    log.append(li);
  }
  function code(text) {
    var c = document.createElement("code");
    c.textContent = text;
    return c;
  }
  function sessionLink(id) {
    var a = document.createElement("a");
    a.href = cfg.sessionUrl.replace("SESSION", encodeURIComponent(id));
    a.className = "mono";
    a.textContent = id;
    return a;
  }

  function onEvent(e) {
    if (e.type === "started") line(["Session ", sessionLink(e.sessionId), " started in test mode."]);
    else if (e.type === "offer_shown") {
      shown.push(e.offer);
      line(["Offer shown: ", code(e.offer), " (" + e.offer_type + ")."], "shown-offer");
    }
  }

  function open() {
    button.disabled = true;
    log.replaceChildren();
    shown = [];
    window.Saveflow.open({ appId: cfg.appId, token: cfg.token, locale: cfg.locale,
      attributes: cfg.attributes, onEvent: onEvent }).then(function (result) {
      var kids = ["Outcome: ", code(result.outcome)];
      if (result.offer) kids.push(" with offer ", code(result.offer.id));
      if (result.reason) kids.push(" (" + result.reason + ")");
      kids.push(shown.length ? "." : ". No offer was shown.");
      line(kids, "outcome");
      // The token has started its session; a new run needs a new token and a new customer.
      button.textContent = "Run again as a new customer";
      button.disabled = false;
      button.onclick = function () {
        var url = new URL(window.location.href);
        url.searchParams.delete("customer");
        window.location.assign(url.toString());
      };
    });
  }

  function ready() {
    if (!window.Saveflow) return;
    button.disabled = false;
    button.onclick = open;
  }
  if (document.readyState === "complete") ready();
  else window.addEventListener("load", ready);
})();
