from django.contrib import admin

from dentelle.rules.models import RuleOverride


@admin.register(RuleOverride)
class RuleOverrideAdmin(admin.ModelAdmin):
    list_display = ("organisation", "parameter_path", "value", "who", "date", "is_active", "to_confirm")
    list_filter = ("organisation", "is_active", "to_confirm")
    search_fields = ("parameter_path", "why", "source")
