from types import SimpleNamespace

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.urls import reverse

from dentelle.insertion.views_tracking import _recorded


def post_request(rf):
    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


class EmptyForm(forms.Form):
    pass


def test_a_recorded_declaration_says_so_and_goes_to_its_contract(rf):
    request, form, calls = post_request(rf), EmptyForm({}), []

    def record(*args, **kwargs):
        calls.append((args, kwargs))
        return SimpleNamespace(contract_id=7, beneficiary_contract_warning="")

    response = _recorded(request, form, "Déclaration enregistrée.", record, "version", hours=3)
    assert calls == [(("version",), {"hours": 3})]
    assert response.status_code == 302
    assert response.url == reverse("insertion:contract_detail", kwargs={"pk": 7})
    assert [str(m) for m in get_messages(request)] == ["Déclaration enregistrée."]


def test_a_refusal_goes_on_the_form_and_nothing_is_said(rf):
    request, form = post_request(rf), EmptyForm({})
    form.is_valid()

    def refuse(**kwargs):
        raise ValidationError("Ce mois est hors du marché.")

    assert _recorded(request, form, "Déclaration enregistrée.", refuse, hours=3) is None
    assert form.non_field_errors() == ["Ce mois est hors du marché."]
    assert list(get_messages(request)) == []
