from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import signals  # noqa: F401 (connects the cache invalidation receivers)
        from .erasure import register_entries

        register_entries()
        from celery.signals import task_postrun, task_prerun

        from . import platform

        # What a task records without an actor says it was the platform's task (accounts/platform.py).
        task_prerun.connect(platform.task_started, weak=False, dispatch_uid="pacte-platform-task-started")
        task_postrun.connect(platform.task_ended, weak=False, dispatch_uid="pacte-platform-task-ended")
