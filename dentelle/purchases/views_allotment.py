"""Lot page, fine allotment section: the lot's sites, the optimiser's proposal beside the split by
department (table and map), the officer's limits recomputed on the page, acceptance (the lots are
created with their sites and measures), XLSX export, and the site file that replaces the lot's sites."""

import math

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from dentelle.core.downloads import download_response
from dentelle.core.exports import xlsx_bytes
from dentelle.core.formatting import format_number, format_share
from dentelle.core.permissions import (
    CAN_DECIDE_FINDINGS,
    CAN_EDIT_PLANS,
    CAN_SEE_PROGRESS,
    has_role,
    require_role,
)
from dentelle.purchases.allotment_map import colour, site_map
from dentelle.purchases.allotment_sites import (
    accept_allotment,
    allot_lot,
    lot_annual_amount,
    lot_limits,
    proposal_dict,
    replace_lot_sites,
    site_table,
)
from dentelle.purchases.permissions import visible_lots
from dentelle.purchases.sitefile import read_site_file

MAX_SITE_FILE_BYTES = 5 * 1024 * 1024
SAME_UNITS = [("", "Aucune"), ("department", "Même département"), ("ept", "Même EPT"), ("epci", "Même EPCI")]


class NumberField(forms.FloatField):
    """A number as people write it in French: « 53,5 », « 1 000 000 » (spaces, no-break spaces) or « 53.5 »."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").replace(",", ".")
        return super().to_python(value)


class AllotmentForm(forms.Form):
    """The officer's limits (docs/adr/0008); blank = the lot's default."""

    min_lots = forms.IntegerField(label="Nombre minimal de lots", min_value=1, max_value=30, required=False)
    max_lots = forms.IntegerField(label="Nombre maximal de lots", min_value=1, max_value=30, required=False)
    max_km = NumberField(
        label="Distance maximale site → centre du lot (km)", min_value=1, max_value=300, required=False
    )
    min_lot_amount = NumberField(label="Montant minimal d'un lot (€/an)", min_value=0, required=False)
    max_lot_amount = NumberField(label="Montant maximal d'un lot (€/an)", min_value=1, required=False)
    same_unit = forms.ChoiceField(label="Lots dans un même territoire", choices=SAME_UNITS, required=False)
    min_able = forms.IntegerField(
        label="Structures aptes proches pour réserver un lot", min_value=1, max_value=20, required=False
    )
    radius_km = NumberField(
        label="Rayon des structures aptes autour du centre (km)", min_value=1, max_value=100, required=False
    )

    def clean(self):
        data = super().clean()
        low, high = data.get("min_lots"), data.get("max_lots")
        if low and high and low > high:
            raise ValidationError(
                "Le nombre minimal de lots dépasse le nombre maximal : corrigez l'un des deux."
            )
        low, high = data.get("min_lot_amount"), data.get("max_lot_amount")
        if low and high and low > high:
            raise ValidationError(
                "Le montant minimal d'un lot dépasse le montant maximal : corrigez l'un des deux."
            )
        return data

    def limits(self):
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def _lot(request, pk):
    return get_object_or_404(visible_lots(request.user).select_related("operation__buyer_service"), pk=pk)


def _stored(lot):
    """The current R4 finding of the lot when it comes from the optimiser."""
    finding = lot.findings.filter(rule_id="R4-allotment", is_current=True).first()
    if finding is not None and finding.proposal.get("method") == "optimiseur":
        return finding
    return None


def _lots_rows(method, sites_by_key):
    rows = []
    for k, part in enumerate(method.get("lots", [])):
        members = [sites_by_key[key] for key in part["sites"] if key in sites_by_key]
        communes = sorted({s.commune_name or s.department for s in members})
        rows.append(
            {
                **part,
                "colour": colour(k),
                "count": len(part["sites"]),
                "communes": ", ".join(communes[:6])
                + (f" et {len(communes) - 6} autres" if len(communes) > 6 else ""),
            }
        )
    return rows


def _figures_rows(proposal):
    best, base = proposal["optimiser"].get("figures", {}), proposal["baseline"].get("figures", {})
    min_able = proposal["params"]["min_able"]
    spec = [
        ("lots", "Nombre de lots", "int"),
        ("able_share", f"Part du montant dans des lots avec ≥ {min_able} structures aptes proches", "share"),
        ("reserved_lots", "Lots réservables aux SIAE", "int"),
        ("reserved_share", "Part du montant réservable aux SIAE", "share"),
        (
            "hours",
            "Heures d'insertion estimées par an (calcul de la clause sociale, ramené à l'année)",
            "int",
        ),
        ("max_km", "Site le plus loin du centre de son lot (km)", "km"),
        ("mean_km", "Distance moyenne site → centre, pondérée par le montant (km)", "km"),
    ]
    return [
        {
            "label": label,
            "best": best.get(key),
            "base": base.get(key),
            "best_text": _text(best.get(key), kind),
            "base_text": _text(base.get(key), kind),
        }
        for key, label, kind in spec
    ]


def _text(value, kind):
    if value is None:
        return "—"
    if kind == "share":
        return format_share(value)
    if kind == "km":
        return format_number(value, 1)
    return format_number(value)


def input_number(value):
    """A limit as the form shows it: « 30 » for a whole number (was « 30,0 »), « 51,5 » otherwise;
    ``NumberField`` reads both back."""
    return format_number(value, 0 if float(value).is_integer() else 1)


def allotment_context(request, lot):
    """Context of the lot page's allotment section (None when the lot has no sites and the user may
    not give any)."""
    sites = list(lot.sites.order_by("id"))
    can_edit = has_role(request.user, CAN_EDIT_PLANS)
    if not sites:
        return {"sites_count": 0, "can_edit": can_edit} if can_edit else None
    stored = _stored(lot)
    asked = "allot" in request.GET
    form = AllotmentForm(request.GET if asked else None)
    proposal, computed = None, False
    if asked and form.is_valid():
        params, _sites, structures, best, base = allot_lot(lot, **form.limits())
        proposal, computed = proposal_dict(params, structures, best, base), True
    elif stored is not None:
        proposal = stored.proposal
    if not asked:
        # lazy: allotment_supply loads HiGHS (highspy, 0.26 s of imports); not needed at start-up
        from dentelle.purchases.allotment_supply import solver_sites

        initial = dict(lot_limits(solver_sites(sites, lot_annual_amount(lot))))
        if proposal:
            initial.update({k: v for k, v in proposal["params"].items() if v is not None})
        initial.pop("time_limit", None)
        form = AllotmentForm(
            initial={
                k: (input_number(v) if isinstance(v, float) else v)
                for k, v in initial.items()
                if not (isinstance(v, float) and math.isinf(v))
            }
        )
    by_key = {str(s.pk): s for s in sites}
    context = {
        "sites_count": len(sites),
        "can_edit": can_edit,
        "can_decide": has_role(request.user, CAN_DECIDE_FINDINGS),
        "form": form,
        "proposal": proposal,
        "computed": computed,
        "stored": stored,
        "query": request.GET.urlencode() if asked else "",
        "annual_amount": lot_annual_amount(lot),
    }
    if proposal:
        best = proposal["optimiser"]
        context.update(
            best_lots=_lots_rows(best, by_key),
            base_lots=_lots_rows(proposal["baseline"], by_key),
            figures=_figures_rows(proposal),
            map=site_map(sites, best.get("lots", []) if not best.get("error") else []),
            can_accept=not best.get("error") and len(best.get("lots", [])) >= 2,
        )
    context["site_rows"] = site_table(sites[:500], (proposal or {}).get("optimiser", {}).get("lots"))
    context["hidden_sites"] = max(0, len(sites) - 500)
    return context


@login_required
@require_POST
def lot_allot_accept(request, pk):
    """Recompute with the limits shown on the page (deterministic) and create the lots."""
    require_role(request.user, CAN_DECIDE_FINDINGS)
    lot = _lot(request, pk)
    form = AllotmentForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Paramètres refusés : " + " ".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("purchases:lot", pk=lot.pk)
    params, _sites, structures, best, base = allot_lot(lot, **form.limits())
    if not best.ok:
        messages.error(request, f"Pas de découpage à accepter : {best.error}")
        return redirect("purchases:lot", pk=lot.pk)
    try:
        lots = accept_allotment(lot, proposal_dict(params, structures, best, base), request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("purchases:lot", pk=lot.pk)
    messages.success(
        request,
        f"Découpage accepté : {len(lots)} lots territoriaux (ce lot est le premier), avec leurs sites et "
        "leurs mesures. Relancez le balayage de la programmation pour leurs autres propositions.",
    )
    return redirect("purchases:lot", pk=lot.pk)


def _number(value):
    return None if value is None or (isinstance(value, float) and math.isinf(value)) else value


@login_required
def lot_allot_export(request, pk):
    """XLSX of the proposal shown (recomputed from the page's limits, else the scanner's), both methods
    and the sites; text cells can never start a formula (core.exports)."""
    require_role(request.user, CAN_SEE_PROGRESS)
    lot = _lot(request, pk)
    sites = list(lot.sites.order_by("id"))
    form = AllotmentForm(request.GET)
    stored = _stored(lot)
    if "allot" in request.GET and form.is_valid():
        params, _sites, structures, best, base = allot_lot(lot, **form.limits())
        proposal = proposal_dict(params, structures, best, base)
    elif stored is not None:
        proposal = stored.proposal
    else:
        params, _sites, structures, best, base = allot_lot(lot)
        proposal = proposal_dict(params, structures, best, base)
    header = [
        "Méthode",
        "Lot",
        "Sites",
        "Montant annuel HT (€)",
        "Structures aptes proches",
        "Mesure",
        "Heures d'insertion par an",
        "Site le plus loin (km)",
        "Motif",
    ]
    rows = []
    for key in ("optimiser", "baseline"):
        method = proposal[key]
        if method.get("error"):
            rows.append([method["method"], "", "", "", "", "", "", "", method["error"]])
        for part in method.get("lots", []):
            rows.append(
                [
                    method["method"],
                    part["label"],
                    len(part["sites"]),
                    part["amount"],
                    part["able_structures"],
                    part["measure"],
                    part["hours"],
                    part["max_km"],
                    part["reason"],
                ]
            )
    figures = [
        [label, best, base]
        for label, best, base in (
            (row["label"], _number(row["best"]), _number(row["base"])) for row in _figures_rows(proposal)
        )
    ]
    site_rows = [
        [
            r["name"],
            r["commune_code"],
            r["commune"],
            r["address"],
            r["latitude"],
            r["longitude"],
            r["amount"],
            r["weight"],
            r["group"],
            r["department"],
            r["lot"],
            r["km"],
        ]
        for r in site_table(sites, proposal["optimiser"].get("lots"))
    ]
    params = [[k, "" if v is None else v] for k, v in proposal["params"].items()]
    content = xlsx_bytes(
        [
            ("Lots", header, rows),
            ("Comparaison", ["Chiffre", "Optimiseur", "Découpage par département"], figures),
            (
                "Sites",
                [  # the first nine columns read back as a site file (« Remplacer les sites »)
                    "Site",
                    "Commune (code INSEE)",
                    "Nom de la commune",
                    "Adresse",
                    "Latitude",
                    "Longitude",
                    "Montant annuel HT (€)",
                    "Poids",
                    "Groupe",
                    "Département",
                    "Lot proposé",
                    "Distance au centre (km)",
                ],
                site_rows,
            ),
            ("Paramètres", ["Paramètre", "Valeur"], params),
        ]
    )
    return download_response(
        content, f"allotissement-lot-{lot.pk}.xlsx", "xlsx", export="allotissement", rows=len(site_rows)
    )


@login_required
@require_POST
def lot_sites_upload(request, pk):
    """Replace the lot's sites with a CSV or JSON site file (docs/plan-format.md §4); a file with a bad
    row changes nothing and every bad row is listed."""
    # lazy: allotment_supply loads HiGHS (highspy, 0.26 s of imports); not needed at start-up
    from dentelle.purchases.allotment_supply import resolver

    require_role(request.user, CAN_EDIT_PLANS)
    lot = _lot(request, pk)
    upload = request.FILES.get("sites")
    if upload is None:
        messages.error(request, "Choisissez un fichier de sites (CSV ou JSON).")
        return redirect("purchases:lot", pk=lot.pk)
    if not upload.name.lower().endswith((".csv", ".json", ".xlsx")):
        messages.error(
            request,
            f"{upload.name} : format attendu CSV, JSON ou XLSX (voir le format des fichiers de sites).",
        )
        return redirect("purchases:lot", pk=lot.pk)
    if upload.size > MAX_SITE_FILE_BYTES:
        messages.error(request, f"{upload.name} : fichier de plus de 5 Mo, découpez-le.")
        return redirect("purchases:lot", pk=lot.pk)
    rows, report = read_site_file(upload.read(), upload.name, resolver())
    if not report.ok:
        problems = [str(p) for p in report.errors]
        more = f" (et {len(problems) - 20} autres)" if len(problems) > 20 else ""
        messages.error(
            request, "Fichier de sites refusé, rien n'a changé : " + " ; ".join(problems[:20]) + more
        )
        return redirect("purchases:lot", pk=lot.pk)
    if not rows:
        messages.error(request, f"{upload.name} : aucun site.")
        return redirect("purchases:lot", pk=lot.pk)
    replace_lot_sites(lot, rows)
    messages.success(request, f"{len(rows)} sites enregistrés sur ce lot (les précédents sont remplacés).")
    return redirect("purchases:lot", pk=lot.pk)
