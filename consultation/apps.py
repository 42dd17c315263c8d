from importlib import import_module

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "consultation"
    verbose_name = _("Consultations")

    def ready(self):
        import_module(f"{self.name}.states")  # declares the app's life cycles (accounts.states)
        from accounts import gdpr, platform
        from accounts import hooks as account_hooks
        from accounts.models import ConsentRecord

        from . import adoption, answers, hooks, services
        from .links import account_section, charter_consent_wording
        from .models import PhaseChange
        from .personal_data import register_entries
        from .search import register_sqlite_unaccent

        platform.register_reasons(dict(PhaseChange.Platform.choices))  # the audit console's wording
        gdpr.register_exporter("consultation", services.export_user_data)
        register_entries()
        from .audit_events import register_audit_events

        register_audit_events()  # the audit console's labels and object names (accounts.event_types)
        account_hooks.register_account_section(account_section)
        account_hooks.register_consent_wording(ConsentRecord.Purpose.CHARTER, charter_consent_wording)
        adoption.register_adoption_source(answers.PROPOSALS_SOURCE)
        hooks.register_contribution_traces(answers.proposal_answer_traces)
        hooks.register_consultation_links(answers.consultation_links)
        connection_created.connect(register_sqlite_unaccent, dispatch_uid="consultation.sqlite_unaccent")
