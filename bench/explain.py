"""EXPLAIN ANALYZE of every SQL statement the service issues for the benchmark's scenarios.

Runs each request in-process through the real URL, authentication, filter and pagination code,
captures the statements Django sends (CaptureQueriesContext, so DEBUG may stay off), and
explains each one inside a transaction that is rolled back, so writes leave nothing behind.
Usage (bench/run calls it): explain.py TICKET_ID AGENT_USERNAME REQUESTER_USERNAME

Only public behaviour is used (requests through the test client, the statements they send), so
that it explains whatever the views do today.
"""

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from bench import DEEP_PAGES, SEARCH, USERS, WORDS  # noqa: E402

SKIP = ("SAVEPOINT", "RELEASE", "ROLLBACK", "SET ", "EXPLAIN", "BEGIN", "COMMIT")


def main() -> None:
    ticket_id, agent_name, requester_name = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    users = get_user_model().objects
    clients = {}
    for role, username in (
        ("agent", agent_name),
        ("requester", requester_name),
        ("user", USERS[0]),
    ):
        token, _ = Token.objects.get_or_create(user=users.get(username=username))
        clients[role] = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    requests: list[tuple[str, str, str, str, dict[str, Any] | None]] = [
        ("list", "agent", "get", "/api/tickets", None),
        (
            "filtered",
            "agent",
            "get",
            "/api/tickets?status=new&status=in_progress&priority=high&ordering=-priority",
            None,
        ),
        ("search", "agent", "get", "/api/tickets?search=принтер", None),
        ("retrieve", "agent", "get", f"/api/tickets/{ticket_id}", None),
        (
            "create",
            "requester",
            "post",
            "/api/tickets",
            {"title": "Монитор в кабинете 305 не работает", "priority": "high"},
        ),
        ("update", "agent", "patch", f"/api/tickets/{ticket_id}", {"description": "EXPLAIN"}),
        (
            "update (status)",
            "agent",
            "patch",
            f"/api/tickets/{ticket_id}",
            {"status": "in_progress", "priority": "high"},
        ),
        ("list (requester)", "requester", "get", "/api/tickets", None),
        ("list (deep)", "agent", "get", deep(clients["agent"], "/api/tickets"), None),
        (
            "search (deep)",
            "agent",
            "get",
            deep(clients["agent"], f"/api/tickets?search={quote(SEARCH)}"),
            None,
        ),
        ("search (200 words)", "agent", "get", f"/api/tickets?search={quote(WORDS[0])}", None),
        ("list (200 users)", "user", "get", "/api/tickets", None),
    ]
    for name, role, method, path, body in requests:
        with transaction.atomic():
            # Warm: the first request of a process fills caches the measured ones find full.
            getattr(clients[role], method)(path, body, format="json")
            if name == "update":
                body = {"description": "EXPLAIN again"}  # a real change, so it is written
            if name == "update (status)":
                body = {"status": "on_hold", "priority": "low"}
            with CaptureQueriesContext(connection) as captured:
                response = getattr(clients[role], method)(path, body, format="json")
            statements = [q for q in captured.captured_queries if not q["sql"].startswith(SKIP)]
            print(
                f"\n=== {name}: {method.upper()} {path} -> {response.status_code}, "
                f"{len(captured.captured_queries)} statements"
            )
            for number, query in enumerate(captured.captured_queries, 1):
                sql = query["sql"]
                print(f"--- [{number}] {float(query['time']) * 1000:.2f} ms (with driver): {sql}")
                if query not in statements:
                    continue
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                    for (line,) in cursor.fetchall():
                        print(f"      {line}")
            transaction.set_rollback(True)


def deep(client: APIClient, path: str) -> str:
    """The path of page DEEP_PAGES of a list (or its last), by following `next` links."""
    for _ in range(DEEP_PAGES - 1):
        following = client.get(path).json().get("next")
        if not following:
            break
        parts = urlsplit(following)
        path = f"{parts.path}?{parts.query}"
    return path


if __name__ == "__main__":
    main()
