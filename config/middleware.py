"""Middleware that must run before everything else."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import views

PROBES = {
    "/healthz": views.healthz,
    "/healthz/": views.healthz,
    "/readyz": views.readyz,
    "/readyz/": views.readyz,
}


class HealthProbeMiddleware:
    """Answers /healthz and /readyz whatever the Host header says.

    Orchestrators probe pods by IP address, which ALLOWED_HOSTS rightly does not list; the
    probes reveal nothing and change nothing, so they skip host validation and redirects.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
