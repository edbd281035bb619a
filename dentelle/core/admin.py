from django.contrib import admin

from dentelle.core.models import AuditLog, DataVersion


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DataVersion)
class DataVersionAdmin(admin.ModelAdmin):
    """Read only: the database triggers own these counters (core.versions); an edit by hand would only
    invalidate caches for nothing."""

    list_display = ["name", "counter", "token"]
    readonly_fields = [f.name for f in DataVersion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
