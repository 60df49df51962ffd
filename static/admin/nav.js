// On a narrow screen the section bar scrolls sideways: bring the current section into view.
(function () {
  var current = document.querySelector(".subnav [aria-current='page']");
  if (current && current.parentElement.scrollWidth > current.parentElement.clientWidth) {
    current.parentElement.scrollLeft = current.offsetLeft - 16;
  }
})();
