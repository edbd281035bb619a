"""API: analyse a DECP file, export the organisation's contracts in DECP v2."""

from django.conf import settings
from ninja import File, Form, Router
from ninja.errors import HttpError
from ninja.files import UploadedFile

from config.api_errors import errors
from dentelle.core.api_checks import require_role
from dentelle.core.downloads import download_response
from dentelle.core.logs import mark_export
from dentelle.decp.adapters import export_organisation
from dentelle.decp.forms import upload_problem
from dentelle.decp.permissions import CAN_ANALYSE_DECP, CAN_EXPORT_DECP
from dentelle.decp.readers import DecpFileError
from dentelle.decp.services import analyse_file
from dentelle.decp.writer import dumps

router = Router(tags=["données essentielles (DECP)"])


@router.post(
    "/analyse",
    response={200: dict, **errors(403, 413)},
    summary="Analyser un fichier DECP",
    description=(
        "Envoyer un fichier DECP (JSON v1 ou v2, éventuellement .gz, ou CSV v1 aplati) en multipart, champ "
        "`file`, et optionnellement `region` (code INSEE). Renvoie la part des marchés ≥ 40 000 € HT avec "
        "considération sociale (v2) face à l'objectif PNAD de 30 %, les marchés des divisions CPV intensives "
        "en main-d'œuvre, les comptes par division CPV, les titulaires connus comme SIAE et les anomalies."
    ),
)
def analyse(
    request,
    file: File[UploadedFile],
    region: str = Form("", pattern=r"^\s*\d*\s*$", description="Code INSEE"),
):
    require_role(request, CAN_ANALYSE_DECP)
    if file.size > settings.DENTELLE_MAX_UPLOAD_BYTES:
        raise HttpError(
            413, f"Fichier trop volumineux : {settings.DENTELLE_MAX_UPLOAD_BYTES} octets au maximum."
        )
    problem = upload_problem(file.name, file.size)
    if problem:
        raise HttpError(400, problem)
    region = (region or "").strip()
    if region and not region.isdigit():
        raise HttpError(400, "Code de région INSEE attendu (chiffres, ex. 11).")

    try:
        fmt, result, problems = analyse_file(file, region=region or None)
    except DecpFileError as exc:
        raise HttpError(400, str(exc)) from None
    return {
        "file": file.name,
        "format": fmt,
        **result.as_dict(),
        "anomalies": problems.total,
        "anomalies_by_field": problems.by_field,
        "first_anomalies": [
            {"record": p.index, "id": p.record_id, "field": p.field, "reason": p.reason}
            for p in list(problems)[:50]
        ],
    }


@router.get(
    "/export",
    response={200: dict, **errors(403, 503)},
    summary="Exporter les marchés attribués au format DECP v2",
    description=(
        "Document DECP v2 (schéma 2.0.3) des marchés attribués de l'organisation de l'utilisateur, en pièce "
        "jointe `decp_v2_export.json` (jamais mise en cache). "
        "L'en-tête `X-Decp-Ecarts-Schema` donne le nombre d'écarts au schéma (champs à compléter)."
    ),
)
def export(request):
    require_role(request, CAN_EXPORT_DECP)
    organisation = request.user.organisation
    if organisation is None:
        raise HttpError(400, "Votre compte n'est rattaché à aucune organisation.")

    document, violations = export_organisation(organisation)
    # The same file as the DECP page's download (attachment, not cached).
    response = download_response(dumps(document), "decp_v2_export.json", "json")
    response["X-Decp-Ecarts-Schema"] = str(len(violations))
    return mark_export(response, "decp", len(document["marches"]["marche"]))
