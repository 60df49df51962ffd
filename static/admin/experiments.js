// Experiments: an "Add a variant" button that copies the last (empty) variant row.
(function () {
  "use strict";
  var box = document.querySelector(".exp-form .variants");
  if (!box) return;
  var max = parseInt(box.getAttribute("data-max"), 10) || 20;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button ghost add-variant";
  button.textContent = "Add a variant";
  box.insertAdjacentElement("afterend", button);

  function renumber(el, index) {
    ["name", "id", "for"].forEach(function (attr) {
      var value = el.getAttribute(attr);
      if (value) el.setAttribute(attr, value.replace(/^variants-\d+-/, "variants-" + index + "-"));
    });
  }

  function update() {
    button.hidden = box.querySelectorAll("fieldset.variant").length >= max;
  }

  button.addEventListener("click", function () {
    var rows = box.querySelectorAll("fieldset.variant");
    if (rows.length >= max) return;
    var copy = rows[rows.length - 1].cloneNode(true);
    var index = rows.length;
    copy.querySelector("legend").textContent = "Variant " + (index + 1);
    copy.querySelectorAll("[name], [id], label[for]").forEach(function (el) { renumber(el, index); });
    copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    copy.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
    copy.querySelectorAll(".error").forEach(function (p) { p.remove(); });
    copy.querySelectorAll(".invalid").forEach(function (f) { f.classList.remove("invalid"); });
    box.appendChild(copy);
    update();
    copy.querySelector("input").focus();
  });
  update();
})();
