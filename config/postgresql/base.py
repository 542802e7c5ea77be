"""Django's PostgreSQL backend, minus a round trip per request for connections in steady use.

With persistent connections and health checks on, Django runs `SELECT 1` at the start of every
request before trusting a pooled connection. A connection that finished the previous request
cleanly a moment ago is checked by that request's own queries just as well, so the check runs
only after the connection has been idle for DB_HEALTH_CHECK_IDLE_MS. A connection that
died in between fails the request's first query, which then answers 503 like any outage, and
Django drops the connection before the next request.
"""

import time

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    idle_since: float | None = None

    def close_if_health_check_failed(self) -> None:
        idle_limit = getattr(settings, "DB_HEALTH_CHECK_IDLE_MS", 0) / 1000
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and self.idle_since is not None
            and time.monotonic() - self.idle_since < idle_limit
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
