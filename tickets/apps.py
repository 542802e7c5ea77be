import re
from functools import lru_cache
from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=256)
def _like_regex(pattern: str, escape: str | None) -> re.Pattern[str]:
    parts = []
    chars = iter(pattern)
    for char in chars:
        if escape and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _unicode_like(pattern: str | None, value: str | None, escape: str | None = None) -> bool | None:
    if pattern is None or value is None:
        return None
    return _like_regex(pattern, escape).fullmatch(value) is not None


def _sqlite_unicode_like(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite's LIKE folds only ASCII case; make `принтер` match `Принтер` as PostgreSQL does."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("like", 2, _unicode_like, deterministic=True)
        connection.connection.create_function("like", 3, _unicode_like, deterministic=True)


class TicketsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tickets"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        connection_created.connect(_sqlite_unicode_like)
