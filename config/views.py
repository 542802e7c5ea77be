"""Project-level views: health probes, the single-page app, and JSON error pages for the API."""

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error

FRONTEND_MISSING = """<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Service Desk</title>
<body><h1>Service Desk</h1>
<p>The web app has not been built yet: run <code>make run</code> (or <code>npm run build</code>
in <code>frontend/</code>). The <a href="/api/">API</a> and the <a href="/admin/">admin</a>
work already.</p></body></html>
"""


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers; the database is not consulted."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database answers a query, 503 with the reason when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure to reach the database means "not ready"
        return JsonResponse(
            {"status": "unavailable", "reason": f"database: {type(error).__name__}"},
            status=503,
        )
    return JsonResponse({"status": "ok"})


@never_cache
@ensure_csrf_cookie
def spa(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Every browser route of the single-page app gets its index.html (history-mode fallback)."""
    index = settings.FRONTEND_DIST / "index.html"
    try:
        return HttpResponse(index.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return HttpResponse(FRONTEND_MISSING)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Internal server error."}, status=500)
    return default_server_error(request)
