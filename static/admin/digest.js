// The digest email is shown in a sandboxed frame (no scripts run inside it); once it has
// loaded, make the frame as tall as the email so the page scrolls rather than the frame.
(function () {
  "use strict";
  function fit(frame) {
    const doc = frame.contentDocument;
    if (!doc || !doc.documentElement) return;
    frame.style.height = "10rem"; // measure the email, not the frame's last height
    frame.style.height = doc.documentElement.scrollHeight + 2 + "px";
  }
  document.querySelectorAll("iframe.digest-frame").forEach((frame) => {
    frame.addEventListener("load", () => fit(frame));
    if (frame.contentDocument && frame.contentDocument.readyState === "complete") fit(frame);
    window.addEventListener("resize", () => fit(frame));
  });
})();
