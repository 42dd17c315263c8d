from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = _("Broad listening")

    def ready(self):
        import_module(f"{self.name}.states")  # declares the app's life cycles (accounts.states)
        from accounts import gdpr
        from consultation import adoption, hooks
        from deliberation import hooks as deliberation_hooks

        from . import digest, services
        from .link_views import recommendation_section
        from .opinion import bridging_order
        from .personal_data import register_entries
        from .report import consultation_links, contribution_fate, open_data_downloads
        from .tasks import on_votes_changed
        from .theme_answers import THEMES_SOURCE
        from .theme_answers import register_personal_data as register_theme_answers
        from .trace import contribution_traces

        hooks.register_contribution_fate(contribution_fate)
        hooks.register_proposal_ordering(
            "bridging", _("Bridging (agreed across opinion groups)"), bridging_order
        )
        hooks.register_votes_changed(on_votes_changed)
        hooks.register_consultation_links(consultation_links)
        hooks.register_open_data_downloads(open_data_downloads)
        hooks.register_contribution_traces(contribution_traces)
        deliberation_hooks.register_recommendation_section(recommendation_section)
        adoption.register_adoption_source(THEMES_SOURCE)
        gdpr.register_exporter("analysis", services.export_user_data)
        register_entries()
        from .audit_events import register_audit_events

        register_audit_events()  # the audit console's labels and object names (accounts.event_types)
        register_theme_answers()
        digest.register_personal_data()
