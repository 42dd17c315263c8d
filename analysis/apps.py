from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = _("Broad listening")

    def ready(self):
        from accounts import gdpr
        from consultation import hooks

        from . import services
        from .report import contribution_fate

        hooks.register_contribution_fate(contribution_fate)
        gdpr.register_exporter("analysis", services.export_user_data)
        gdpr.register_eraser("analysis", services.erase_user_data)
