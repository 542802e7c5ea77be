"""Login throttles: per client address and per attempted username."""

import hashlib
from typing import Any

from rest_framework.throttling import SimpleRateThrottle


class LoginAddressThrottle(SimpleRateThrottle):
    """Limits login attempts from one address."""

    scope = "login_address"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginUsernameThrottle(SimpleRateThrottle):
    """Limits login attempts at one username, whatever address they come from."""

    scope = "login_username"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None
        # Cache keys must stay short and printable whatever the client sent.
        ident = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}
