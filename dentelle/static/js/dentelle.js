// Dentelle's few behaviours, without inline handlers (the Content-Security-Policy allows scripts from
// this site only): submit a form when a select changes, print, copy a text, filter a long select.
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
  // A « select all » checkbox (data-select-all="name") ticks every checkbox of that name in its form.
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    master.addEventListener("change", function () {
      var name = master.getAttribute("data-select-all");
      master.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
        box.checked = master.checked;
      });
    });
  });
  // A long select (data-filterable="label") gets a text box above it: typing keeps only the options whose
  // text contains every word typed (accents and case ignored); the select stays the submitted field.
  document.querySelectorAll("select[data-filterable]").forEach(function (select) {
    var fold = function (text) {
      return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    };
    var box = document.createElement("input");
    box.type = "search";
    box.className = "fr-input fr-mb-1w";
    box.id = select.id + "_filter";
    box.setAttribute("aria-label", select.getAttribute("data-filterable"));
    box.placeholder = select.getAttribute("data-filterable") + "…";
    select.parentNode.insertBefore(box, select);
    var options = Array.prototype.slice.call(select.options).map(function (option) {
      return { option: option, text: fold(option.text) };
    });
    box.addEventListener("input", function () {
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      var first = null;
      options.forEach(function (entry) {
        var keep = !entry.option.value || words.every(function (word) { return entry.text.indexOf(word) !== -1; });
        entry.option.hidden = !keep;
        entry.option.disabled = !keep;
        if (keep && entry.option.value && first === null) { first = entry.option; }
      });
      if (select.selectedOptions.length && select.selectedOptions[0].disabled && first) { first.selected = true; }
      if (words.length && first && !select.value) { first.selected = true; }
    });
  });
});
