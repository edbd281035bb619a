// Dentelle's few behaviours, without inline handlers (the Content-Security-Policy allows scripts from
// this site only): submit a form when a select changes, print, copy a text.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-submit-on-change]").forEach(function (field) {
    field.addEventListener("change", function () { field.form.submit(); });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy-target"));
      navigator.clipboard.writeText(source.innerText).then(function () { button.textContent = "Copié"; });
    });
  });
});
