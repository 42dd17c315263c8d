from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Citizen panels")

    def ready(self):
        from accounts import gdpr
        from accounts import hooks as account_hooks
        from consultation import hooks

        from .gdpr import export, register_entries
        from .links import account_section, consultation_links

        gdpr.register_exporter("citizen_panels", export)
        register_entries()
        hooks.register_consultation_links(consultation_links)
        account_hooks.register_account_section(account_section)
