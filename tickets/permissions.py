"""Role checks that DRF views share."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .models import is_agent


class IsAgent(BasePermission):
    """Only agents (active staff users) may use this endpoint."""

    message = _("Only agents can use this endpoint.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return is_agent(request.user)
