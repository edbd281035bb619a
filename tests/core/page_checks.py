"""What a page must not show a French public buyer (used by the browser tests of every role):
Django's English defaults, a form field without DSFR styling, a number of five digits or more without
its thousands grouping (« 110000000 € », « 64533 h », « 500000.00 »)."""

import re

# Django's and the admin's defaults that leak when a form, a widget or an error page is not ours.
ENGLISH_DEFAULTS = [
    "---------",
    "This field is required",
    "Enter a valid",
    "Select a valid choice",
    "Ensure this value",
    "Page not found",
    "Server Error",
    "Forbidden",
    "Bad Request",
    "Log in",
    "Log out",
    "Username",
    "Password",
    "Submit",
    "Save",
    "Delete",
    "Search",
    "Filter",
    "Currently",
    "Clear",
    "None",
    "True",
    "False",
    "Unknown",
    "Next",
    "Previous",
]
_ENGLISH = re.compile("|".join(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])" for word in ENGLISH_DEFAULTS))

# A number of 5+ digits with a unit of amount, hours or share, or with a decimal point, or alone in a
# number cell. Identifiers (SIRET, CPV, INSEE codes, references) carry no unit and sit in text cells.
_UNGROUPED_WITH_UNIT = re.compile(r"(?<![\d.,\u202f\u00a0\w])\d{5,}(?:[.,]\d+)?\s?(?:€|h\b|heures\b|%)")
_POINT_DECIMAL = re.compile(r"(?<![\d.\w])\d{5,}\.\d+(?![\d.])")
_UNGROUPED = re.compile(r"(?<![\d\w])\d{5,}(?![\d\w])")

# Run in the page: the visible text, the text of number cells, and the fields without DSFR styling.
PAGE_SCRIPT = """
const main = document.querySelector('main') || document.body;
const fields = [...main.querySelectorAll('input, select, textarea')]
  .filter(e => !['hidden', 'submit', 'button', 'reset'].includes(e.type));
const unstyled = fields.filter(e => {
  if (e.type === 'checkbox' || e.type === 'radio') {
    // DSFR draws the box on the label right after the input: without it the box is invisible.
    const label = e.nextElementSibling;
    return !e.closest('.fr-checkbox-group, .fr-radio-group, .fr-toggle, .fr-radio-rich')
      || !(label && label.tagName === 'LABEL');
  }
  if (e.type === 'file') { return !e.classList.contains('fr-upload'); }
  return !(e.classList.contains('fr-input') || e.classList.contains('fr-select'));
}).map(e => e.name || e.id || e.outerHTML.slice(0, 80));
return {
  text: document.body.innerText,
  numbers: [...document.querySelectorAll('.dentelle-num')].map(e => e.innerText),
  unstyled: unstyled,
  title: document.title,
};
"""


def english_words(text):
    return sorted(set(_ENGLISH.findall(text)))


def ungrouped_numbers(text, number_cells=()):
    found = _UNGROUPED_WITH_UNIT.findall(text) + _POINT_DECIMAL.findall(text)
    for cell in number_cells:
        found += _UNGROUPED.findall(cell)
    return sorted(set(found))


def problems(page):
    """French description of what is wrong on a page read by PAGE_SCRIPT; empty when all is well."""
    found = []
    if words := english_words(page["text"]):
        found.append(f"mots anglais : {words}")
    if page["unstyled"]:
        found.append(f"champs sans style DSFR : {page['unstyled']}")
    if numbers := ungrouped_numbers(page["text"], page["numbers"]):
        found.append(f"nombres sans séparateur de milliers : {numbers}")
    if "Accès refusé" in page["text"] or "Erreur du serveur" in page["text"]:
        found.append("page d'erreur")
    return found
