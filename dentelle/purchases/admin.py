from django.contrib import admin

from dentelle.core.admin import CompactInline
from dentelle.purchases.models import Finding, LineItem, Lot, Operation, PurchasePlan, Site


class LotInline(CompactInline):
    model = Lot
    fields = ["number", "title", "cpv_code", "estimated_amount", "reservation_kind"]
    show_change_link = True


class LineItemInline(CompactInline):
    model = LineItem
    raw_id_fields = ["carved_out_lot"]


class FindingInline(CompactInline):
    model = Finding
    fields = ["rule_id", "kind", "estimated_hours", "status"]
    readonly_fields = ["rule_id", "kind", "estimated_hours"]
    show_change_link = True


@admin.register(PurchasePlan)
class PurchasePlanAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "year", "source_file"]


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "buyer_service", "nature", "estimated_amount", "status"]
    list_filter = ["nature", "status", "buyer_service"]
    search_fields = ["reference", "title"]
    inlines = [LotInline, LineItemInline]
    raw_id_fields = ["plan"]


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "operation", "cpv_code", "estimated_amount", "reservation_kind"]
    search_fields = ["title", "operation__reference"]
    raw_id_fields = ["operation"]
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["rule_id", "kind", "lot", "estimated_hours", "status", "decided_by"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["lot", "decided_by"]


@admin.register(LineItem)
class LineItemAdmin(admin.ModelAdmin):
    list_display = ["reference", "description", "operation", "cpv_code", "amount"]
    raw_id_fields = ["operation", "carved_out_lot"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "commune_name", "department", "operation", "lot", "amount"]
    list_filter = ["department"]
    search_fields = ["name", "commune_name", "operation__reference"]
    raw_id_fields = ["operation", "lot"]
