"""API routes under /api/; every path works with and without a trailing slash."""

from django.urls import re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views


class OptionalSlashRouter(DefaultRouter):
    """Routes that answer with and without a trailing slash (no redirect, so POST works)."""

    include_format_suffixes = False

    def __init__(self) -> None:
        super().__init__()
        self.trailing_slash = "/?"


router = OptionalSlashRouter()
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register("users", views.UserViewSet, basename="user")

urlpatterns = [
    # The tickets first: their routes are matched on every API request, in this order.
    *router.urls,
    re_path(r"^ticket/?$", views.TicketViewSet.as_view({"post": "create"}), name="ticket-create"),
    re_path(r"^auth/token/?$", views.TokenView.as_view(), name="auth-token"),
    re_path(r"^auth/login/?$", views.LoginView.as_view(), name="auth-login"),
    re_path(r"^auth/logout/?$", views.LogoutView.as_view(), name="auth-logout"),
    re_path(r"^auth/me/?$", views.MeView.as_view(), name="auth-me"),
    re_path(r"^schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"^docs/?$", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    re_path(r"^.*$", views.api_not_found, name="api-not-found"),
]
