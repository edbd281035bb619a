"""Admin of the referentials: read-mostly tables, loaded from files (`dentelle referentials load`)."""

from django.contrib import admin

from dentelle.referentials.models import (
    Commune,
    CpvCode,
    Department,
    Grouping,
    NafCode,
    ReferentialLoad,
    Region,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "zone"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "zone"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


@admin.register(Grouping)
class GroupingAdmin(admin.ModelAdmin):
    list_display = ["siren", "name", "kind", "legal_type", "population"]
    list_filter = ["kind", "legal_type"]
    search_fields = ["siren", "name"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["insee_code", "name", "kind", "department", "postcodes", "population"]
    list_filter = ["kind", "region"]
    search_fields = ["insee_code", "name", "postcodes"]
    raw_id_fields = ["department", "region", "epci", "ept"]
    list_select_related = ["department"]


@admin.register(CpvCode)
class CpvCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "check_digit", "label_fr", "level"]
    list_filter = ["level"]
    search_fields = ["code", "label_fr", "search_text"]
    raw_id_fields = ["parent"]


@admin.register(NafCode)
class NafCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "level"]
    list_filter = ["level"]
    search_fields = ["code", "label"]
    raw_id_fields = ["parent"]


@admin.register(ReferentialLoad)
class ReferentialLoadAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "row_count", "loaded_at"]
