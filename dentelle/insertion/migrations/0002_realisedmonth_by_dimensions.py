"""RealisedMonth becomes keyed by the dashboard's dimensions instead of by contract.

It is a summary derivable from the declarations: drop it, recreate it, and rebuild its rows.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Sum

FULFILMENT_CHOICES = [
    ("DIRECT_HIRE", "Embauche directe"),
    ("STAFF_PROVISION", "Mise à disposition (AI, ETTI, GEIQ)"),
    ("SUBCONTRACTING", "Sous-traitance à une SIAE"),
    ("CO_CONTRACTING", "Co-traitance avec une SIAE"),
    ("TRAINING", "Formation"),
]


def rebuild(apps, schema_editor):
    declarations = apps.get_model("insertion", "HoursDeclaration")
    summary = apps.get_model("insertion", "RealisedMonth")
    rows = (
        declarations.objects.filter(status="validated", superseded_at__isnull=True)
        .values_list(
            "contract__organisation_id",
            "month",
            "contract__buyer_service_id",
            "contract__department_code",
            "contract__trade_family",
            "fulfilment_mode",
        )
        .annotate(total=Sum("hours"), n=Count("pk"))
        .order_by()
    )
    summary.objects.bulk_create(
        (
            summary(
                organisation_id=org,
                month=month,
                buyer_service_id=service,
                department_code=department,
                trade_family=family,
                fulfilment_mode=mode,
                hours=total,
                declarations=n,
            )
            for org, month, service, department, family, mode, total, n in rows.iterator()
        ),
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("insertion", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="RealisedMonth"),
        migrations.CreateModel(
            name="RealisedMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(verbose_name="mois")),
                ("department_code", models.CharField(blank=True, max_length=3, verbose_name="département")),
                ("trade_family", models.CharField(blank=True, max_length=60, verbose_name="famille de métiers")),
                ("fulfilment_mode", models.CharField(choices=FULFILMENT_CHOICES, max_length=20, verbose_name="modalité")),
                ("hours", models.DecimalField(decimal_places=2, max_digits=14, verbose_name="heures validées")),
                ("declarations", models.PositiveIntegerField(default=0, verbose_name="déclarations")),
                (
                    "buyer_service",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.buyerservice",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.organisation"
                    ),
                ),
            ],
            options={
                "verbose_name": "heures validées du mois",
                "verbose_name_plural": "heures validées par mois",
                "indexes": [models.Index(fields=["organisation", "month"], name="realised_org_month")],
            },
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
