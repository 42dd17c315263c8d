from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "consultation"
    verbose_name = _("Consultations")

    def ready(self):
        from accounts import gdpr
        from accounts import hooks as account_hooks
        from accounts.models import ConsentRecord

        from . import services
        from .links import account_section, charter_consent_wording

        gdpr.register_exporter("consultation", services.export_user_data)
        gdpr.register_eraser("consultation", services.erase_user_data)
        account_hooks.register_account_section(account_section)
        account_hooks.register_consent_wording(ConsentRecord.Purpose.CHARTER, charter_consent_wording)
