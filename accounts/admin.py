from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .admin_records import AuditedAdmin, RecordAdmin
from .models import AuditEvent, ConsentRecord, ErasureRecord, Profile, User


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "pseudonym", "is_active", "date_joined"]
    search_fields = ["email", "pseudonym"]
    fieldsets = [
        (None, {"fields": ["email", "pseudonym", "password"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined", "erased_at"]}),
    ]
    readonly_fields = ["erased_at"]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdmin):
    list_display = ["id", "created_at", "actor_label", "actor_role", "action", "object_type", "object_id"]
    list_filter = ["action"]


admin.site.register(Profile, AuditedAdmin)
admin.site.register(ConsentRecord, RecordAdmin)
admin.site.register(ErasureRecord, RecordAdmin)
