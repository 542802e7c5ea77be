"""Authentication that reads users from the shared cache instead of the database.

With REDIS_URL set, an authenticated request (token or session) costs no database round trip
for finding its user; entries are dropped whenever a user or token changes, so deactivation,
password changes and token revocation apply at once in every process.
"""

import hashlib
from typing import Any

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


def _token_key(key: str) -> str:
    return "auth:token:" + hashlib.sha256(key.encode()).hexdigest()


def _user_key(user_id: Any) -> str:
    return f"auth:user:{user_id}"


class CachedTokenAuthentication(TokenAuthentication):
    """DRF token authentication with the token's user kept in the cache."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user = cache.get(_token_key(key), _MISSING)
        if user is _MISSING:
            try:
                token = Token.objects.select_related("user").get(key=key)
            except Token.DoesNotExist:
                raise AuthenticationFailed("Invalid token.") from None
            user = token.user
            cache.set(_token_key(key), user, TTL_SECONDS)
        if not user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        return user, key


class CachedModelBackend(ModelBackend):
    """Django's model backend, with the session's user kept in the cache."""

    def get_user(self, user_id: Any) -> Any:
        user = cache.get(_user_key(user_id), _MISSING)
        if user is _MISSING:
            user = super().get_user(user_id)
            if user is None:
                return None
            cache.set(_user_key(user_id), user, TTL_SECONDS)
        return user if self.user_can_authenticate(user) else None


def forget_user(user: Any) -> None:
    """Drops every cached copy of a user and of their tokens."""
    keys = [_user_key(user.pk)]
    keys += [
        _token_key(key) for key in Token.objects.filter(user=user).values_list("key", flat=True)
    ]
    cache.delete_many(keys)


@receiver(post_save, sender=get_user_model())
@receiver(post_delete, sender=get_user_model())
def _user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_user(instance)


@receiver(post_delete, sender=Token)
def _token_deleted(sender: Any, instance: Token, **kwargs: Any) -> None:
    cache.delete(_token_key(instance.key))
