"""Declaring, correcting and validating hours. Corrections are new versions, never silent overwrites."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dentelle.core.permissions import CAN_DECLARE_HOURS, CAN_VALIDATE_DECLARATIONS, has_role
from dentelle.insertion.enums import DeclarationStatus
from dentelle.insertion.importer import parse_hours
from dentelle.insertion.models import HoursDeclaration

CORRECTABLE_FIELDS = ("month", "fulfilment_mode", "beneficiary", "hours")


def first_of_month(day):
    return day.replace(day=1)


def check_month_in_contract(contract, month):
    if not (first_of_month(contract.start_date) <= month <= contract.end_date):
        raise ValidationError(
            f"Le mois {month:%m/%Y} est hors de la période d'exécution du marché "
            f"({contract.start_date:%d/%m/%Y} – {contract.end_date:%d/%m/%Y})."
        )


ALREADY_DECLARED = (
    "Déjà déclaré pour ce marché, ce mois, ce bénéficiaire et cette modalité : utiliser une correction."
)


def checked_hours(hours):
    """The importer's rule, shared by every path: positive, at most 300 h a month, two decimals."""
    try:
        return parse_hours(hours)
    except ValueError as exc:
        raise ValidationError(f"Heures : {exc}.") from None


def declare(*, contract, month, fulfilment_mode, beneficiary, hours, user=None, comment=""):
    if user is not None and not has_role(user, CAN_DECLARE_HOURS):
        raise PermissionDenied("Votre rôle ne permet pas de déclarer des heures.")
    hours = checked_hours(hours)
    month = first_of_month(month)
    check_month_in_contract(contract, month)
    if beneficiary.organisation_id != contract.organisation_id:
        raise ValidationError("Le bénéficiaire n'appartient pas à l'organisation du marché.")
    key = {
        "contract": contract,
        "month": month,
        "beneficiary": beneficiary,
        "fulfilment_mode": fulfilment_mode,
    }
    if HoursDeclaration.objects.current().filter(**key).exists():
        raise ValidationError(ALREADY_DECLARED)
    try:
        with transaction.atomic():  # a concurrent twin hits the unique constraint
            return HoursDeclaration.objects.create(**key, hours=hours, created_by=user, comment=comment)
    except IntegrityError:
        raise ValidationError(ALREADY_DECLARED) from None


@transaction.atomic
def correct(declaration, *, user, comment, **changes):
    """Record a corrected version. A draft is replaced at once; a validated declaration keeps counting
    until its correction is validated."""
    if not has_role(user, CAN_DECLARE_HOURS):
        raise PermissionDenied("Votre rôle ne permet pas de corriger des heures.")
    if not comment.strip():
        raise ValidationError("Le motif de la correction est obligatoire.")
    old = HoursDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if old.superseded_at is not None or HoursDeclaration.objects.filter(supersedes=old).exists():
        raise ValidationError("Cette déclaration a déjà été corrigée : corrigez la dernière version.")
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"Champs non corrigeables : {sorted(unknown)}")
    values = {name: changes.get(name, getattr(old, name)) for name in CORRECTABLE_FIELDS}
    values["month"] = first_of_month(values["month"])
    if values["hours"] != 0:  # a correction to zero hours cancels a declaration
        values["hours"] = checked_hours(values["hours"])
    check_month_in_contract(old.contract, values["month"])
    new = HoursDeclaration.objects.create(
        contract=old.contract,
        created_by=user,
        version=old.version + 1,
        supersedes=old,
        comment=comment,
        **values,
    )
    if old.status == DeclarationStatus.DRAFT:
        old.superseded_at = timezone.now()
        old.save(update_fields=["superseded_at", "updated_at"])
    return new


@transaction.atomic
def validate(declaration, *, user):
    if not has_role(user, CAN_VALIDATE_DECLARATIONS):
        raise PermissionDenied("Seul un facilitateur valide les déclarations.")
    declaration = HoursDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.superseded_at is not None:
        raise ValidationError("Cette version a été remplacée : validez la dernière version.")
    if declaration.status == DeclarationStatus.VALIDATED:
        return declaration
    now = timezone.now()
    if declaration.supersedes_id:  # first retire the old version, then the save refreshes the totals
        HoursDeclaration.objects.filter(pk=declaration.supersedes_id, superseded_at__isnull=True).update(
            superseded_at=now
        )
    declaration.status = DeclarationStatus.VALIDATED
    declaration.validated_by = user
    declaration.validated_at = now
    declaration.save(update_fields=["status", "validated_by", "validated_at", "updated_at"])
    return declaration


def history(declaration):
    """All versions of a declaration's chain, oldest first."""
    chain = [declaration]
    while chain[0].supersedes_id:
        chain.insert(0, chain[0].supersedes)
    while True:
        nxt = HoursDeclaration.objects.filter(supersedes=chain[-1]).first()
        if nxt is None:
            return chain
        chain.append(nxt)
