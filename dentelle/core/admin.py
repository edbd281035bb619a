from django.contrib import admin

from dentelle.core.models import AuditLog, DataVersion


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


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]


@admin.register(DataVersion)
class DataVersionAdmin(ReadOnlyAdmin):
    """The database triggers own these counters (core.versions); deleting one would only invalidate caches
    for nothing."""

    list_display = ["name", "counter", "token"]

    def has_delete_permission(self, request, obj=None):
        return False
