import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Do at start what the first requests would otherwise do while people wait (about half a second
    per process, several seconds on a busy machine): import every view through the URLconf and load
    the translation catalogs. With gunicorn's preload_app (config/gunicorn.py) this runs once, before
    the workers are forked."""
    from django.conf import settings
    from django.db import connections
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and every view)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Consultations")
    connections.close_all()  # no connection may be shared with forked workers


_warm_up()
