// Progressive enhancement only: every page works without this file.
// - A <select data-autosubmit> submits its form when changed (the button stays for keyboards
//   and for browsers without JavaScript).
// - A form with data-confirm asks before submitting.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) select.form.submit();
    });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
});
