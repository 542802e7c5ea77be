"""Security headers on every kind of response."""

import pytest
from django.test import Client

PATHS = ["/", "/tickets/1", "/api/tickets", "/api/schema", "/api/docs", "/admin/login/", "/healthz"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(db, path):
    response = Client().get(path)

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_swagger_ui_needs_no_inline_script(db):
    html = Client().get("/api/docs").content.decode()

    assert "<script>" not in html
    assert 'src="/api/docs?script=' in html or "/api/docs/?script=" in html


def test_session_and_csrf_cookies_are_secure_outside_debug(settings):
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_SECURE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
