from django.contrib import admin

from dentelle.core.models import AuditLog, DataVersion, audit_action_label


class CompactInline(admin.TabularInline):
    """An inline table without blank extra rows: rows are added on purpose, with the button."""

    extra = 0


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the application writes (logs, counters, jobs, aggregates): shown, never added or edited by hand."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AuditActionFilter(admin.SimpleListFilter):
    """The actions found in the journal, by their French label (the filter still matches the stored code)."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = AuditLog.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((code, audit_action_label(code)) for code in codes), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """The access journal is evidence (who read personal data, when): no one deletes its rows by hand,
    not even a superuser; nothing purges it either (dentelle.core.audit)."""

    list_display = ["at", "user", "action_label", "object_type", "object_id"]
    list_filter = [AuditActionFilter, "object_type"]

    def get_readonly_fields(self, request, obj=None):
        return ["at", "user", "action_label", "action_code", "object_type", "object_id", "detail"]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    @admin.display(description="action", ordering="action")
    def action_label(self, obj):
        return audit_action_label(obj.action)

    @admin.display(description="code de l'action (tel qu'enregistré)")
    def action_code(self, obj):
        return obj.action

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataVersion)
class DataVersionAdmin(ReadOnlyAdmin):
    """The database triggers own these counters (core.versions); deleting one would only invalidate caches
    for nothing."""

    list_display = ["name", "counter", "token"]

    def has_delete_permission(self, request, obj=None):
        return False
