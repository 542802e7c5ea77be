"""Authentication that reads the caller's rows on every request and keeps no copy of them.

When a change takes effect: on the first request that starts after it commits, in every
process, whatever made it (`save()`, `QuerySet.update()`, the admin, a management command, raw
SQL, another process). A token request reads its token joined to its user, so a deleted token,
a deactivated or deleted user is refused then; a session request reads its user by id and
checks the session's HMAC of the password hash, so a deactivated or deleted user or a changed
password ends the session then. Refused API requests get 401; the admin sends them to its login
page. A role change (`is_staff`, `is_superuser`) applies on that request too. A password change
ends sessions but not tokens, as in DRF: revoking a token means deleting it. A request already
running keeps the user it started with.

Why no cache: nothing but the database sees a `QuerySet.update()`, so any check that catches
one reads the user's row, and that one indexed read is the whole lookup. A warm token request
costs one query, a session request its session's read plus one. The user is loaded with the
fields authentication and the API use (USER_FIELDS, and for sessions the password hash, whose
HMAC Django compares with the session's); any other field loads from the database when read.
"""

import functools
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

USER_FIELDS = (
    "id",
    "username",
    "first_name",
    "last_name",
    "is_active",
    "is_staff",
    "is_superuser",
)


@dataclass(frozen=True)
class _Statement:
    """SQL that selects one user's loaded fields by one parameter, as the ORM composes it."""

    sql: str
    alias: str
    names: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]


@functools.cache
def _statement(lookup: str, sample: Any, *more: str) -> _Statement:
    """The statement for the user whose `lookup` equals the parameter, composed once per process:
    composing it per request costs more than the rest of a ticket's retrieve (1.3 M of
    1.9 M instructions). The cache holds SQL, never user data; functools.cache is safe across
    threads (two threads that miss at once compose the same statement each)."""
    user_model = get_user_model()
    queryset = user_model._default_manager.filter(**{lookup: sample}).only(*USER_FIELDS, *more)
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, _params = compiler.as_sql()
    wanted = {*USER_FIELDS, *more}
    names = tuple(f.attname for f in user_model._meta.concrete_fields if f.attname in wanted)
    columns = [column for column, _sql, _alias in compiler.select]
    converters = compiler.get_converters(columns)
    return _Statement(
        sql=sql,
        alias=queryset.db,
        names=names,
        converters=tuple((pos, tuple(convs), col) for pos, (convs, col) in converters.items()),
    )


def _load(statement: _Statement, value: Any) -> Any:
    """The user the statement finds for `value`, with its other fields deferred; None if none."""
    connection = connections[statement.alias]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [value])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for pos, convs, column in statement.converters:
        for convert in convs:
            values[pos] = convert(values[pos], column, connection)
    return get_user_model().from_db(statement.alias, statement.names, values)


class LeanTokenAuthentication(TokenAuthentication):
    """DRF token authentication that loads the token's user with USER_FIELDS, in one query."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user = _load(_statement("auth_token__key", ""), key)
        if user is None:
            raise AuthenticationFailed("Invalid token.")
        if not user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        return user, key


class LeanModelBackend(ModelBackend):
    """Django's model backend, loading a session's user with USER_FIELDS and the password hash
    (the session's auth hash is an HMAC of it)."""

    def get_user(self, user_id: Any) -> Any:
        user = _load(_statement("pk", 0, "password"), user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id: Any) -> Any:
        return await sync_to_async(self.get_user)(user_id)
