from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from dentelle.accounts.models import ApiToken, BuyerService, Organisation, User
from dentelle.core.admin import CompactInline


class BuyerServiceInline(CompactInline):
    model = BuyerService


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region_code"]
    inlines = [BuyerServiceInline]


@admin.register(BuyerService)
class BuyerServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "organisation"]
    list_filter = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "role", "organisation", "buyer_service", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Dentelle", {"fields": ["role", "organisation", "buyer_service", "siae"]}),
    )
    raw_id_fields = ["siae"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["key_prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "key_prefix", "last_used_at"]
    actions = ["revoke"]

    @admin.action(description="Révoquer les clés sélectionnées")
    def revoke(self, request, queryset):
        for token in queryset:
            token.revoke()
