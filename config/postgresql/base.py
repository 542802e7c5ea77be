"""Django's PostgreSQL backend, minus a round trip per request for connections in steady use.

With persistent connections and health checks on, Django runs `SELECT 1` at the start of every
request before trusting a pooled connection. A connection that finished the previous request
cleanly a moment ago is checked by that request's own queries just as well, so the check runs
only after the connection has been idle for DB_HEALTH_CHECK_IDLE_MS, or when its socket has
something to read: an idle connection is sent nothing unless the server closed it (a restart,
a terminated backend, a reset link), and looking costs a system call, not a round trip. A
connection whose link went silent in between (packets dropped) fails the request's first
query, which then answers 503 like any outage, and Django drops it before the next request.
"""

import select
import time

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base


def _has_input(connection: psycopg.Connection) -> bool:
    """Whether an idle connection's socket has data or an end of stream waiting (or no longer
    has a socket), without blocking."""
    try:
        fd = connection.fileno()
    except psycopg.Error:
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class DatabaseWrapper(base.DatabaseWrapper):
    # Set by Django's BaseDatabaseWrapper; missing from django-stubs.
    health_check_enabled: bool
    health_check_done: bool
    idle_since: float | None = None

    def close_if_health_check_failed(self) -> None:
        idle_limit = getattr(settings, "DB_HEALTH_CHECK_IDLE_MS", 0) / 1000
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and self.idle_since is not None
            and time.monotonic() - self.idle_since < idle_limit
            and not _has_input(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self) -> None:
        # Called as every request starts and ends; the first query of a request sets
        # health_check_done, so it tells the end of a request that used the connection.
        used = self.health_check_done
        super().close_if_unusable_or_obsolete()
        # Still open here means usable: errors, if any, were checked (or the connection closed).
        if self.connection is None:
            self.idle_since = None
        elif used:
            self.idle_since = time.monotonic()

    def close(self) -> None:
        super().close()
        self.idle_since = None
