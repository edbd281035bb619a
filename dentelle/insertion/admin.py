from django.contrib import admin

from dentelle.core.admin import CompactInline, ReadOnlyAdmin
from dentelle.core.audit import log_access
from dentelle.insertion.models import (
    AnnualObjective,
    Beneficiary,
    Contract,
    ContractParty,
    HoursDeclaration,
    RealisedMonth,
)


class ContractPartyInline(CompactInline):
    model = ContractParty


@admin.register(AnnualObjective)
class AnnualObjectiveAdmin(admin.ModelAdmin):
    list_display = ["organisation", "year", "hours"]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "title",
        "holder_name",
        "buyer_service",
        "required_hours",
        "start_date",
        "end_date",
    ]
    search_fields = ["reference", "title", "holder_name", "holder_siret"]
    raw_id_fields = ["lot"]
    inlines = [ContractPartyInline]


@admin.register(Beneficiary)
class BeneficiaryAdmin(admin.ModelAdmin):
    """Personal data: only superusers reach it, and every opened record is logged."""

    list_display = ["pseudonym", "organisation", "age_band", "exit_outcome"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def change_view(self, request, object_id, form_url="", extra_context=None):
        log_access(request.user, "admin_view", object_type="insertion.Beneficiary", object_id=object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        log_access(request.user, "admin_list", object_type="insertion.Beneficiary")
        return super().changelist_view(request, extra_context)


@admin.register(HoursDeclaration)
class HoursDeclarationAdmin(admin.ModelAdmin):
    list_display = ["contract", "month", "fulfilment_mode", "hours", "status", "version"]
    list_filter = ["status", "fulfilment_mode"]
    raw_id_fields = ["contract", "beneficiary", "supersedes", "created_by", "validated_by"]


@admin.register(RealisedMonth)
class RealisedMonthAdmin(ReadOnlyAdmin):
    """The monthly summary the dashboard reads, kept from the validated declarations: deleting a row by hand
    would only make the dashboard disagree with the yearly report (`dentelle insertion refresh-totals`
    rebuilds it)."""

    list_display = ["organisation", "month", "buyer_service", "department_code", "trade_family", "hours"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContractParty)
class ContractPartyAdmin(admin.ModelAdmin):
    list_display = ["contract", "role", "siret", "name"]
    raw_id_fields = ["contract"]
