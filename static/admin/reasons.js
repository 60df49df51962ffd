// Reasons: drag a reason to a new place in the survey. The ↑ and ↓ buttons do the same without
// JavaScript (and by keyboard); this only saves the whole order in one post.
(() => {
  const list = document.querySelector(".reason-list[data-order-url]");
  if (!list) return;
  let dragged = null;

  const clear = () => {
    for (const el of list.querySelectorAll(".drop-before, .drop-after")) {
      el.classList.remove("drop-before", "drop-after");
    }
  };
  const below = (item, event) => {
    const box = item.getBoundingClientRect();
    return event.clientY > box.top + box.height / 2;
  };
  const save = () => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = list.dataset.orderUrl;
    const fields = {
      csrf_token: list.dataset.csrf,
      order: [...list.querySelectorAll(".reason")].map((li) => li.dataset.key).join(","),
    };
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.append(input);
    }
    document.body.append(form);
    form.submit();
  };

  for (const item of list.querySelectorAll(".reason")) {
    item.draggable = true;
    item.addEventListener("dragstart", (event) => {
      dragged = item;
      item.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.key);
    });
    item.addEventListener("dragend", () => {
      item.classList.remove("dragging");
      clear();
      dragged = null;
    });
    item.addEventListener("dragover", (event) => {
      if (!dragged || dragged === item) return;
      event.preventDefault();
      clear();
      item.classList.add(below(item, event) ? "drop-after" : "drop-before");
    });
    item.addEventListener("drop", (event) => {
      if (!dragged || dragged === item) return;
      event.preventDefault();
      item.parentNode.insertBefore(dragged, below(item, event) ? item.nextSibling : item);
      clear();
      save();
    });
  }
})();
