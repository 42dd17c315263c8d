"""A page for people who open, as a page, an address that only receives a form."""

from django.shortcuts import render

from accounts.refusals import wants_json


class MethodNotAllowedPageMiddleware:
    """Django answers a GET on a view that takes only POST (``require_POST``: a vote, a new session, a new
    draft recommendation) with an empty 405, which a browser shows as a blank page with no site around
    it. People get the site's page in their language instead, with a way back; scripts and the API (JSON
    clients) keep the bare 405. Placed after the CSP middleware in MIDDLEWARE, so the page it renders
    gets the same Content-Security-Policy as any other."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or request.method not in ("GET", "HEAD")
            or getattr(response, "content", b"")
            or wants_json(request)
        ):
            return response
        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
