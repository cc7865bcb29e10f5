/* Form behaviour that once sat in onchange= attributes, which the Content-Security-Policy refuses.
   One listener on the document serves every page; the markup says what it wants:
   - <select data-autosubmit>: choosing an option sends its form (a <noscript> button stays for
     browsers without script);
   - <input type="checkbox" data-check-all="NAME">: ticks or clears every box NAME of its form, and
     is cleared again when one of those boxes is changed by hand. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.form) {
      return;
    }
    if (target.matches("select[data-autosubmit]")) {
      target.form.submit();
    } else if (target.matches("input[data-check-all]")) {
      var boxes = target.form.querySelectorAll('input[name="' + target.dataset.checkAll + '"]');
      for (var i = 0; i < boxes.length; i++) {
        boxes[i].checked = target.checked;
      }
    } else if (target.type === "checkbox") {
      var all = target.form.querySelector('input[data-check-all="' + target.name + '"]');
      if (all) {
        all.checked = false;
      }
    }
  });
})();
