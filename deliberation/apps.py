from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Citizen panels")

    def ready(self):
        import_module(f"{self.name}.states")  # declares the app's life cycles (accounts.states)
        from accounts import gdpr
        from accounts import hooks as account_hooks
        from consultation import adoption, hooks

        from .gdpr import export, register_entries
        from .links import account_section, consultation_links
        from .presenters import register_texts
        from .selectors import recommendation_answer_items

        register_texts()  # the panels' published texts, through consultation.publish
        from .audit_events import register_audit_events

        register_audit_events()  # the audit console's labels and object names (accounts.event_types)
        gdpr.register_exporter("citizen_panels", export)
        register_entries()
        hooks.register_consultation_links(consultation_links)
        account_hooks.register_account_section(account_section)
        adoption.register_adoption_source(
            adoption.Source(
                key="recommendations",
                label=_("Panel recommendations"),
                definition=_(
                    "Every recommendation a citizen panel adopted: all are handed to a decision-maker and "
                    "must be answered."
                ),
                items=recommendation_answer_items,
                order=10,
            )
        )
