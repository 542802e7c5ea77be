"""Database outages: fast JSON 503s while the link is cut, recovery without a restart, no loss.

Two kinds of cut, each against workers that hold pooled connections (DB_CONN_MAX_AGE):
- reset: the proxy resets every connection and refuses new ones (a crashed or restarted server);
- blackhole: the namespace's firewall drops the packets (a dead network path: TCP notices only
  through its own timeouts).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from conftest import Answer, Stack

# "Within a few seconds": DB_CONNECT_TIMEOUT (3 s) for a new connection, the same again for a
# pooled one found dead first, and a margin. The client waits a little longer than this, so a
# slow answer is measured and reported rather than cut off at the limit.
ANSWER_LIMIT_S = 8.0
RECOVERY_LIMIT_S = 20.0


def record(stack: Stack, scenario: str, answer: Answer) -> Answer:
    stack.figures.append((scenario, answer))
    return answer


def assert_quick_json_503(answer: Answer, *, message: str = "detail") -> None:
    assert answer.status, f"no HTTP answer at all: {answer}"
    assert answer.status == 503, str(answer)
    assert answer.headers.get("content-type", "").startswith("application/json"), str(answer)
    body = answer.json()
    assert isinstance(body, dict) and body.get(message), str(answer)
    assert b"Traceback" not in answer.body, str(answer)
    assert answer.seconds <= ANSWER_LIMIT_S, f"took {answer.seconds:.1f}s: {answer}"


def create_ticket(stack: Stack, scenario: str) -> Answer:
    """Files a ticket with a fresh Idempotency-Key, noting in the ledger whether it was acked."""
    key = f"outage-{uuid.uuid4()}"
    title = f"Outage {scenario} {key}"
    answer = record(
        stack,
        scenario,
        stack.call(
            "POST",
            "/api/tickets",
            role="requester",
            body={"title": title, "description": f"Принтер не печатает {key}"},
            headers={"Idempotency-Key": key},
            timeout=ANSWER_LIMIT_S + 2,
        ),
    )
    stack.ledger.titles[key] = title
    if 200 <= answer.status < 300:
        stack.ledger.created[key] = answer.json()["id"]
    else:
        stack.ledger.unacknowledged.append(key)
    return answer


def patch_ticket(stack: Stack, scenario: str, ticket_id: int) -> Answer:
    title = f"Outage {scenario} patch {uuid.uuid4().hex[:8]}"
    answer = record(
        stack,
        scenario,
        stack.call(
            "PATCH",
            f"/api/tickets/{ticket_id}",
            role="agent",
            body={"title": title},
            timeout=ANSWER_LIMIT_S + 2,
        ),
    )
    if 200 <= answer.status < 300:
        stack.ledger.patched.append((ticket_id, title, answer.json()["version"]))
    return answer


def some_ticket(stack: Stack) -> int:
    return next(iter(stack.ledger.created.values()))


def test_api_serves_and_writes_before_any_outage(stack: Stack) -> None:
    created = create_ticket(stack, "before")
    patched = patch_ticket(stack, "before", created.json()["id"])

    assert created.status == 201, str(created)
    assert patched.status == 200, str(patched)


@pytest.fixture(scope="class", params=["reset", "blackhole"])
def outage(request: pytest.FixtureRequest, stack: Stack) -> Iterator[str]:
    mode = request.param
    if mode == "blackhole" and stack.netns is None:
        pytest.skip("a blackhole needs a network namespace and iptables (root)")
    stack.warm()
    stack.cut(mode)
    yield mode
    stack.restore(mode)


@pytest.mark.usefixtures("outage")
class TestWhileTheDatabaseIsCut:
    """Each request is answered quickly with a JSON 503, whatever the kind of cut."""

    def test_list_answers_503_json_quickly(self, stack: Stack, outage: str) -> None:
        answer = stack.call("GET", "/api/tickets", role="agent", timeout=ANSWER_LIMIT_S + 2)

        assert_quick_json_503(record(stack, outage, answer))

    def test_retrieve_answers_503_json_quickly(self, stack: Stack, outage: str) -> None:
        answer = stack.call(
            "GET", f"/api/tickets/{some_ticket(stack)}", role="agent", timeout=ANSWER_LIMIT_S + 2
        )

        assert_quick_json_503(record(stack, outage, answer))

    def test_create_answers_503_json_quickly(self, stack: Stack, outage: str) -> None:
        answer = create_ticket(stack, outage)

        assert_quick_json_503(answer)

    def test_patch_answers_503_json_quickly(self, stack: Stack, outage: str) -> None:
        answer = patch_ticket(stack, outage, some_ticket(stack))

        assert_quick_json_503(answer)

    def test_readyz_answers_503_json(self, stack: Stack, outage: str) -> None:
        answer = record(stack, outage, stack.call("GET", "/readyz", timeout=ANSWER_LIMIT_S + 2))

        assert_quick_json_503(answer, message="reason")
        assert answer.json()["status"] == "unavailable"

    def test_healthz_answers_200(self, stack: Stack, outage: str) -> None:
        answer = record(stack, outage, stack.call("GET", "/healthz", timeout=ANSWER_LIMIT_S + 2))

        assert answer.status == 200, str(answer)
        assert answer.seconds <= 1.0, str(answer)

    def test_requests_succeed_again_after_restore_without_a_restart(
        self, stack: Stack, outage: str
    ) -> None:
        assert stack.gunicorn is not None
        master = stack.gunicorn.pid
        stack.restore(outage)
        restored = time.monotonic()

        answers = []
        while time.monotonic() - restored < RECOVERY_LIMIT_S:
            answers.append(stack.call("GET", "/api/tickets", role="agent", timeout=10))
            if answers[-1].status == 200 and stack.call("GET", "/readyz").status == 200:
                break
            time.sleep(0.2)
        recovered = time.monotonic() - restored
        record(stack, f"{outage}: recovered", answers[-1])
        created = create_ticket(stack, f"after {outage}")
        patched = patch_ticket(stack, f"after {outage}", some_ticket(stack))

        assert answers[-1].status == 200, f"not recovered after {recovered:.1f}s: {answers[-1]}"
        assert [a.status for a in answers if a.status not in (200, 503)] == [], answers
        assert created.status == 201, str(created)
        assert patched.status == 200, str(patched)
        assert stack.gunicorn.poll() is None and stack.gunicorn.pid == master


def test_retried_creates_land_once_and_every_acknowledged_write_is_in_the_database(
    stack: Stack,
) -> None:
    # A create that got no 2xx may or may not have committed: its retry with the same key must
    # either replay the first answer or create it now, never a second ticket.
    for key in list(stack.ledger.unacknowledged):
        answer = stack.call(
            "POST",
            "/api/tickets",
            role="requester",
            body={"title": stack.ledger.titles[key], "description": f"Принтер не печатает {key}"},
            headers={"Idempotency-Key": key},
        )
        assert answer.status == 201, str(answer)
        stack.ledger.created[key] = answer.json()["id"]

    # Straight to PostgreSQL, not through the proxy.
    with psycopg.connect(stack.database_url) as connection:
        rows = connection.execute(
            "SELECT id, description FROM tickets_ticket WHERE description LIKE %s",
            ["Принтер не печатает outage-%"],
        ).fetchall()
        versions: dict[int, int] = dict(
            connection.execute("SELECT id, version FROM tickets_ticket").fetchall()
        )
        titles_now: dict[int, str] = dict(
            connection.execute("SELECT id, title FROM tickets_ticket").fetchall()
        )
        history = connection.execute(
            "SELECT ticket_id, new_value FROM tickets_ticketchange"
            " WHERE action = 'changed' AND field = 'title'"
        ).fetchall()

    by_key: dict[str, list[int]] = {}
    for ticket_id, description in rows:
        by_key.setdefault(description.rsplit(" ", 1)[1], []).append(ticket_id)
    for key, ticket_id in stack.ledger.created.items():
        assert by_key.get(key) == [ticket_id], f"{key}: {by_key.get(key)}"
    assert len(rows) == len(stack.ledger.created), "tickets nobody asked for"

    recorded = {(ticket_id, value) for ticket_id, value in history}
    latest: dict[int, tuple[int, str]] = {}
    for ticket_id, title, version in stack.ledger.patched:
        assert (ticket_id, title) in recorded, f"acknowledged title change lost: {title}"
        if version > latest.get(ticket_id, (0, ""))[0]:
            latest[ticket_id] = (version, title)
    for ticket_id, (version, title) in latest.items():
        assert versions[ticket_id] == version
        assert titles_now[ticket_id] == title
