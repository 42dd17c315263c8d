from urllib.parse import urlsplit

from django.utils.http import url_has_allowed_host_and_scheme

from .roles import Role, user_roles


def roles(request):
    held = user_roles(getattr(request, "user", None))
    return {"user_roles": held, "ROLES": {r.name: r.value for r in Role}}


def language_next(request):
    """Where the language switcher comes back to: this page, or, for a page shown in answer to a form (a
    refused form is shown again at the address it was sent to, which answers only POST), the page the form
    was on."""
    if request.method in ("GET", "HEAD"):
        return {"language_next": request.get_full_path()}
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return {"language_next": parts.path + (f"?{parts.query}" if parts.query else "")}
    return {"language_next": "/"}
