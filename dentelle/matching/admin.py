from django.contrib import admin

from dentelle.matching.models import DigestDelivery, DigestOptOut, LotResponse


@admin.register(LotResponse)
class LotResponseAdmin(admin.ModelAdmin):
    list_display = ["lot", "siae", "kind", "score", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["lot", "siae", "responded_by"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ["lot", "siae", "score", "sent_at"]
    raw_id_fields = ["lot", "siae"]


@admin.register(DigestOptOut)
class DigestOptOutAdmin(admin.ModelAdmin):
    list_display = ["siae", "at"]
    raw_id_fields = ["siae"]
