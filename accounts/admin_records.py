"""What the admin site may change: never evidence, never a status outside its life cycle.

The admin is a superuser's repair tool, not a second way to do what the services do. Two rules, checked
for every registered model by tests/test_admin_records.py:

- `RecordAdmin`: a record the platform publishes or relies on as evidence (the audit log, consents and
  erasures, a draw's published lottery and result, the versions of a recommendation, decision-makers'
  answers from which the adoption rate is computed) is shown, never added, changed or deleted here.
- `AuditedAdmin`: what a staff member adds, changes or deletes here is recorded in the audit log with
  them as its actor (`admin.added`, `admin.changed` with the names of the fields changed, never their
  values; `admin.deleted`), under the organisers' role when they hold it; `LifeCycleAdmin` is one. A model
  whose changes go through a service here (the consultation's settings) records the service's event.
- `LifeCycleAdmin`: the field of a model's declared life cycle (`accounts.states`) is read-only, since
  only `transition()` checks the step, and so are the counts its services keep (`counted_fields`).
"""

from django.contrib import admin

from .audit import record_event
from .roles import Role, has_role
from .states import machine_for


class RecordAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def admin_role(user) -> str:
    """The role a change made in the admin is recorded under: the organisers', when the person holds it."""
    return Role.ORGANISER if has_role(user, Role.ORGANISER) else ""


class AuditedAdmin(admin.ModelAdmin):
    """Each save and deletion recorded with the staff member as actor, in the admin's transaction."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_event(
            actor=request.user,
            as_role=admin_role(request.user),
            action="admin.changed" if change else "admin.added",
            obj=obj,
            details={"changed": list(form.changed_data)},
        )

    def delete_model(self, request, obj):
        record_event(actor=request.user, as_role=admin_role(request.user), action="admin.deleted", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record_event(
                actor=request.user, as_role=admin_role(request.user), action="admin.deleted", obj=obj
            )
        super().delete_queryset(request, queryset)


class LifeCycleAdmin(AuditedAdmin):
    counted_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        machine = machine_for(self.model)
        locked = ([machine.field] if machine else []) + list(self.counted_fields)
        return fields + [name for name in locked if name not in fields]
