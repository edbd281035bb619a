from django.contrib import admin

from dentelle.rules.models import RuleOverride


@admin.register(RuleOverride)
class RuleOverrideAdmin(admin.ModelAdmin):
    list_display = ("organisation", "parameter_path", "value", "who", "date", "is_active")
    list_filter = ("organisation", "is_active")
    search_fields = ("parameter_path", "why", "source")
