"""What the admin site may change: never evidence, never a status outside its life cycle.

The admin is a superuser's repair tool, not a second way to do what the services do. Two rules, checked
for every registered model by tests/test_admin_records.py:

- `RecordAdmin`: a record the platform publishes or relies on as evidence (the audit log, consents and
  erasures, a draw's published lottery and result, the versions of a recommendation, decision-makers'
  answers from which the adoption rate is computed) is shown, never added, changed or deleted here.
- `LifeCycleAdmin`: the field of a model's declared life cycle (`accounts.states`) is read-only, since
  only `transition()` checks the step, and so are the counts its services keep (`counted_fields`).
"""

from django.contrib import admin

from .states import machine_for


class RecordAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LifeCycleAdmin(admin.ModelAdmin):
    counted_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        machine = machine_for(self.model)
        locked = ([machine.field] if machine else []) + list(self.counted_fields)
        return fields + [name for name in locked if name not in fields]
