"""Authentication that reads users from the shared cache instead of the database.

Two tiers: each process keeps the users it found for AUTH_LOCAL_CACHE_SECONDS (a few
seconds), so a steady client costs no round trip at all, and the shared cache (Redis with
REDIS_URL, else the database cache table) keeps them for TTL_SECONDS across processes. Entries
are dropped whenever a user or token changes: deactivation, password and role changes and token
revocation apply at once in the process that makes them and in the shared cache, and in every
other process within AUTH_LOCAL_CACHE_SECONDS.
"""

import copy
import hashlib
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

TTL_SECONDS = 300
_MISSING = object()
LOCAL_LIMIT = 10_000
_local: dict[str, tuple[float, Any]] = {}


def _cached(key: str) -> Any:
    """The user kept under key, from this process or the shared cache; _MISSING if neither."""
    entry = _local.get(key)
    if entry is not None and entry[0] > time.monotonic():
        # A copy per request: requests in other threads must not see each other's changes.
        return copy.copy(entry[1])
    user = cache.get(key, _MISSING)
    if user is not _MISSING:
        _keep_local(key, user)
    return user


def _keep(key: str, user: Any) -> None:
    cache.set(key, user, TTL_SECONDS)
    _keep_local(key, user)


def _keep_local(key: str, user: Any) -> None:
    seconds = settings.AUTH_LOCAL_CACHE_SECONDS
    if seconds <= 0:
        return
    if len(_local) >= LOCAL_LIMIT:
        _local.clear()
    _local[key] = (time.monotonic() + seconds, copy.copy(user))


def _token_key(key: str) -> str:
    return "auth:token:" + hashlib.sha256(key.encode()).hexdigest()


def _user_key(user_id: Any) -> str:
    return f"auth:user:{user_id}"


class CachedTokenAuthentication(TokenAuthentication):
    """DRF token authentication with the token's user kept in the cache."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user = _cached(_token_key(key))
        if user is _MISSING:
            try:
                token = Token.objects.select_related("user").get(key=key)
            except Token.DoesNotExist:
                raise AuthenticationFailed("Invalid token.") from None
            user = token.user
            _keep(_token_key(key), user)
        if not user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        return user, key


class CachedModelBackend(ModelBackend):
    """Django's model backend, with the session's user kept in the cache."""

    def get_user(self, user_id: Any) -> Any:
        user = _cached(_user_key(user_id))
        if user is _MISSING:
            user = super().get_user(user_id)
            if user is None:
                return None
            _keep(_user_key(user_id), user)
        return user if self.user_can_authenticate(user) else None


def forget_user(user: Any) -> None:
    """Drops every cached copy of a user and of their tokens."""
    forget_users([user])


def forget_users(users: Sequence[Any]) -> None:
    """forget_user() for many users at once: one query for their tokens, one cache deletion."""
    if not users:
        return
    keys = [_user_key(user.pk) for user in users]
    tokens = Token.objects.filter(user__in=[user.pk for user in users])
    keys += [_token_key(key) for key in tokens.values_list("key", flat=True)]
    cache.delete_many(keys)
    for key in keys:
        _local.pop(key, None)


@receiver(post_save, sender=get_user_model())
@receiver(post_delete, sender=get_user_model())
def _user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_user(instance)


@receiver(post_delete, sender=Token)
def _token_deleted(sender: Any, instance: Token, **kwargs: Any) -> None:
    cache.delete(_token_key(instance.key))
    _local.pop(_token_key(instance.key), None)
