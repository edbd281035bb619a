from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from ninja.errors import HttpError

from dentelle.core.api_checks import refused_as, require_role
from dentelle.core.roles import Role


def request_of(user):
    return SimpleNamespace(user=user)


@pytest.mark.parametrize(
    "user, allowed",
    [
        (SimpleNamespace(is_authenticated=True, is_superuser=False, role=Role.BUYER), True),
        (SimpleNamespace(is_authenticated=True, is_superuser=False, role=Role.READER), False),
        (SimpleNamespace(is_authenticated=True, is_superuser=True, role=""), True),
        (AnonymousUser(), False),
    ],
    ids=["holds-the-role", "other-role", "superuser", "anonymous"],
)
def test_require_role_answers_a_french_403_to_other_roles(user, allowed):
    roles = {Role.BUYER, Role.DIRECTION}
    if allowed:
        assert require_role(request_of(user), roles) is None
    else:
        with pytest.raises(HttpError) as caught:
            require_role(request_of(user), roles)
        assert caught.value.status_code == 403
        assert str(caught.value) == "Votre rôle ne permet pas cette action."


@pytest.mark.parametrize(
    "refusal, message",
    [
        (ValidationError("Motif un."), "Motif un."),
        (ValidationError(["Motif un.", "Motif deux."]), "Motif un. Motif deux."),
        (
            PermissionDenied("Seul un facilitateur valide les déclarations."),
            "Seul un facilitateur valide les déclarations.",
        ),
    ],
    ids=["one-message", "several-messages", "permission"],
)
def test_refused_as_turns_a_service_refusal_into_an_http_error(refusal, message):
    with pytest.raises(HttpError) as caught, refused_as(422):
        raise refusal
    assert (caught.value.status_code, str(caught.value)) == (422, message)
    assert caught.value.__cause__ is refusal


def test_refused_as_lets_other_errors_and_results_through():
    with refused_as(400):
        result = 1 + 1
    assert result == 2
    with pytest.raises(KeyError), refused_as(400):
        raise KeyError("pas un refus")
