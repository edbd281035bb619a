from django.contrib import admin

from dentelle.core.admin import CompactInline
from dentelle.siaes.models import (
    Capacity,
    Competence,
    Contact,
    Convention,
    ImportedFile,
    Network,
    ServiceArea,
    Siae,
    SourcingNote,
    WonContract,
)


class ConventionInline(CompactInline):
    model = Convention


class CompetenceInline(CompactInline):
    model = Competence


class ServiceAreaInline(CompactInline):
    model = ServiceArea


class CapacityInline(CompactInline):
    model = Capacity
    raw_id_fields = ["recorded_by"]


class ContactInline(CompactInline):
    model = Contact


@admin.register(Siae)
class SiaeAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "kind", "city", "department_code", "is_active"]
    list_filter = ["kind", "is_active", "region_code"]
    search_fields = ["name", "brand", "siret"]
    inlines = [ConventionInline, CompetenceInline, ServiceAreaInline, CapacityInline, ContactInline]
    readonly_fields = ["provenance", "edited_fields"]


@admin.register(SourcingNote)
class SourcingNoteAdmin(admin.ModelAdmin):
    list_display = ["siae", "date", "author", "who_met"]
    raw_id_fields = ["siae", "author"]


@admin.register(WonContract)
class WonContractAdmin(admin.ModelAdmin):
    list_display = ["siae", "decp_id", "buyer_name", "cpv_code", "amount", "date"]
    raw_id_fields = ["siae"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "website"]


@admin.register(ImportedFile)
class ImportedFileAdmin(admin.ModelAdmin):
    list_display = ["source", "path", "changes", "imported_at"]
    readonly_fields = ["source", "path", "fingerprint", "changes", "imported_at"]


for model in (Convention, Competence, ServiceArea, Capacity, Contact):
    admin.site.register(model, list_display=["__str__", "siae"], raw_id_fields=["siae"])
