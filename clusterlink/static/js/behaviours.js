// Behaviour that templates used to write as inline handlers (onclick=, onchange=, onsubmit=),
// which the Content Security Policy refuses. One delegated listener per kind, so content that
// htmx swaps in behaves the same without re-binding.
(function () {
  "use strict";

  // <form data-confirm="Question?"> or <button data-confirm="Question?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.dataset ? form.dataset.confirm : null;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-confirm]") : null;
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
    var printer = event.target.closest ? event.target.closest("[data-print]") : null;
    if (printer) {
      event.preventDefault();
      window.print();
    }
  });

  // <select data-submit-on-change>: submit the form when the choice changes. The language
  // switch first points `next` at the same page in the chosen language.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-submit-on-change]")) {
      return;
    }
    var chosen = select.selectedOptions[0];
    if (chosen && chosen.dataset.next !== undefined && select.form.elements.next) {
      select.form.elements.next.value = chosen.dataset.next + window.location.search;
    }
    select.form.submit();
  });
})();
