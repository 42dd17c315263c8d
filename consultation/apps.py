from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "consultation"
    verbose_name = _("Consultations")

    def ready(self):
        from accounts import gdpr

        from . import services

        gdpr.register_exporter("consultation", services.export_user_data)
        gdpr.register_eraser("consultation", services.erase_user_data)
