"""DSFR rendering for every form (django-dsfr's form templates and widget classes), in French.

`DsfrForm` / `DsfrModelForm` replace `forms.Form` / `forms.ModelForm`: `{{ form }}` renders DSFR field groups
(label, hint, error under the field), inputs get `fr-input`/`fr-select`, and a select's empty choice reads
« Choisir » instead of Django's « --------- »."""

from django import forms
from dsfr.forms import DsfrBaseForm

EMPTY_CHOICE_LABEL = "Choisir…"
DJANGO_EMPTY_LABEL = "---------"


class DsfrFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            french_empty_choice(field)

    def get_context(self):
        # Required fields carry DSFR's « * » marker; django-dsfr's own get_context only adds deprecation
        # warnings about that choice.
        context = forms.BaseForm.get_context(self)
        context.setdefault("DSFR_MARK_OPTIONAL_FIELDS", False)
        return context


def french_empty_choice(field):
    if getattr(field, "empty_label", None) == DJANGO_EMPTY_LABEL:
        field.empty_label = EMPTY_CHOICE_LABEL
    if isinstance(field, forms.ModelChoiceField) or not isinstance(field, forms.ChoiceField):
        return
    choices = list(field.choices)
    if choices and tuple(choices[0]) == ("", DJANGO_EMPTY_LABEL):
        # Radio buttons need no empty choice: nothing ticked already says « no answer ».
        radio = isinstance(field.widget, forms.RadioSelect) and not isinstance(
            field.widget, forms.CheckboxSelectMultiple
        )
        field.choices = choices[1:] if radio else [("", EMPTY_CHOICE_LABEL), *choices[1:]]


class DsfrForm(DsfrFormMixin, DsfrBaseForm):
    pass


class DsfrModelForm(DsfrFormMixin, DsfrBaseForm, forms.ModelForm):
    pass
