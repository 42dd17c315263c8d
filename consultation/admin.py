"""The consultations in the admin site: their settings (closing time included) are edited through the
organisers' service, with its checks; the phase is read-only (accounts/admin_records.py: only its
declared steps move it, from the organisers' page or the beat). Created on the organisers' page, with
their questionnaire; never deleted here (votes and answers are the record)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_records import LifeCycleAdmin
from accounts.errors import ServiceError
from accounts.refusals import add_refusal

from . import services
from .languages import shown_in_its_language
from .models import Consultation


class ConsultationAdminForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = list(services.CONSULTATION_FIELDS)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not self.errors:
            try:
                services.check_changed_settings(Consultation.objects.get(pk=self.instance.pk), cleaned)
            except ServiceError as error:
                add_refusal(self, error)  # under the field it is about, as on the organisers' page
        return cleaned


@admin.register(Consultation)
class ConsultationAdmin(LifeCycleAdmin):
    form = ConsultationAdminForm
    list_display = ["slug", "title", "phase", "closes_at", "created_at"]
    list_filter = ["phase"]
    search_fields = ["slug", "title_fr", "title_en"]
    fields = ["slug", *services.CONSULTATION_FIELDS, "phase", "created_at"]
    readonly_fields = ["slug", "created_at"]

    @admin.display(description=_("Title"), ordering="title_fr")
    def title(self, obj):
        """The title in the admin's language, else the other one (marked with its language): an
        English-only consultation is not a blank line."""
        return shown_in_its_language(obj, "title")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The service checks and audits the change, with the staff member who made it as its actor (the
        # admin site's permission let them in: the service's organisers' rule is not asked again).
        fields = {
            name: form.cleaned_data[name]
            for name in services.CONSULTATION_FIELDS
            if name in form.cleaned_data
        }
        services.update_consultation(
            actor=request.user, in_admin=True, consultation=Consultation.objects.get(pk=obj.pk), **fields
        )
