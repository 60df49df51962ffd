// The rule builder's conveniences. Every form works without this file: the Add and Remove
// buttons submit and the server redraws the form with a row more or less.
(function () {
  "use strict";

  // Ask before a destructive post (discard the draft, delete a rule, roll back).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  var conds = document.querySelector("[data-conds]");
  if (!conds) return;

  function nextIndex(container, pattern) {
    var max = -1;
    container.querySelectorAll("[name]").forEach(function (el) {
      var match = pattern.exec(el.name);
      if (match) max = Math.max(max, Number(match[1]));
    });
    return max + 1;
  }

  function renumberLegends() {
    conds.querySelectorAll("fieldset.cond").forEach(function (row, n) {
      var legend = row.querySelector("legend");
      if (legend) legend.textContent = "Condition " + (n + 1);
      var hidden = row.querySelector(".cond-remove .visually-hidden");
      if (hidden) hidden.textContent = " condition " + (n + 1);
    });
  }

  // The value box suggests values that fit the chosen field (categories, yes/no, intervals).
  function suggest(row) {
    var field = row.querySelector('[data-role="field"]');
    var value = row.querySelector('[data-role="value"]');
    if (field && value) value.setAttribute("list", "values-" + field.value);
  }

  conds.addEventListener("change", function (event) {
    if (event.target.matches('[data-role="field"]')) suggest(event.target.closest("fieldset"));
  });

  conds.addEventListener("click", function (event) {
    var button = event.target.closest('button[name="remove_condition"]');
    if (!button) return;
    event.preventDefault();
    var row = button.closest("fieldset.cond");
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumberLegends();
    var focus = next && next.querySelector("select, input");
    (focus || document.querySelector("[data-add-condition]")).focus();
  });

  var template = document.getElementById("condition-template");
  var addCondition = document.querySelector("[data-add-condition]");
  if (template && addCondition) {
    addCondition.addEventListener("click", function (event) {
      event.preventDefault();
      var index = nextIndex(conds, /^conditions-(\d+)-/);
      var html = template.innerHTML.replace(/conditions-0-/g, "conditions-" + index + "-");
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.querySelector("fieldset");
      row.querySelector('button[name="remove_condition"]').value = String(index);
      conds.appendChild(row);
      renumberLegends();
      row.querySelector("select").focus();
    });
  }

  var slots = document.querySelector("[data-offers]");
  var addOffer = document.querySelector("[data-add-offer]");
  if (slots && addOffer) {
    addOffer.addEventListener("click", function (event) {
      var items = slots.querySelectorAll("li");
      if (!items.length || items.length >= 10) return;
      event.preventDefault();
      var index = nextIndex(slots, /^offers-(\d+)$/);
      var copy = items[items.length - 1].cloneNode(true);
      var select = copy.querySelector("select");
      var label = copy.querySelector("label");
      select.name = select.id = "offers-" + index;
      select.value = "";
      select.removeAttribute("aria-invalid");
      select.removeAttribute("aria-describedby");
      label.htmlFor = select.id;
      label.textContent = "Fallback " + items.length;
      copy.classList.remove("invalid");
      copy.querySelectorAll(".error").forEach(function (el) { el.remove(); });
      slots.appendChild(copy);
      select.focus();
    });
  }
})();
