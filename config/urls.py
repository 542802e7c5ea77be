"""Routes: health probes, the API, the admin, and the single-page app for everything else."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from . import views

handler404 = "config.views.not_found"
handler500 = "config.views.server_error"

urlpatterns = [
    # The API first: it is matched on nearly every request. (HealthProbeMiddleware answers the
    # probes before routing; these routes name them.)
    path("api/", include("tickets.urls")),
    re_path(r"^healthz/?$", views.healthz, name="healthz"),
    re_path(r"^readyz/?$", views.readyz, name="readyz"),
    re_path(r"^api$", RedirectView.as_view(url="/api/")),
    path("admin/", admin.site.urls),
    re_path(r"^admin$", RedirectView.as_view(url="/admin/")),
    re_path(r"^(?!(?:api|admin|static)(?:/|$)).*$", views.spa, name="spa"),
]
