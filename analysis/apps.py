from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = _("Broad listening")

    def ready(self):
        from consultation import hooks

        from .report import contribution_fate

        hooks.register_contribution_fate(contribution_fate)
