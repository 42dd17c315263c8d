from django.contrib.admin.apps import AdminConfig


class PacteAdminConfig(AdminConfig):
    """Replaces "django.contrib.admin" in INSTALLED_APPS: `admin.site` is then config.admin.PacteAdminSite,
    which only lets people in through allauth's sign-in with their second factor."""

    default_site = "config.admin.PacteAdminSite"
