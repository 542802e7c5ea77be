"""Soak test: concurrent clients work tickets for a while, then the database must match exactly.

Clients (threads, one HTTP connection per request) list with filters, search, create with an
Idempotency-Key (now and then retrying the same key), PATCH one field with If-Match after
reading the ETag (a 412 is a legitimate, counted outcome) and comment. Every write the API
acknowledged with a 2xx is recorded; afterwards PostgreSQL is read directly and must hold each
acknowledged create once, each acknowledged field change (or a later one) as the current
value, versions of 1 + the number of changes, each acknowledged comment once, and a history
that matches the acknowledged operations exactly. With --reload the gunicorn master gets a HUP
at one and two thirds of the run, and no request may fail.

Usage: soak.py --base-url URL --database-url URL --users FILE [--duration S] [--clients N]
               [--reload --gunicorn-pid PID] [--seed N]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import psycopg

STATUSES = ["new", "in_progress", "on_hold", "resolved", "closed"]
PRIORITIES = ["low", "medium", "high", "critical"]
AGENT_FIELDS = ["status", "priority", "assignee", "title", "description"]
REQUESTER_FIELDS = ["title", "description"]
# Operation mix: kind -> weight.
MIX = {"list": 28, "search": 14, "create": 16, "patch": 27, "comment": 15}
RETRY_SHARE = 0.15  # creates retried with the same Idempotency-Key
REQUEST_TIMEOUT_S = 30
MAX_REQUESTS_PER_CLIENT = 100_000  # a bound besides the duration


@dataclass
class Created:
    key: str
    ticket_id: int
    user: str
    values: dict[str, Any]


@dataclass
class Patched:
    ticket_id: int
    field: str
    value: Any
    version: int


@dataclass
class Commented:
    ticket_id: int
    comment_id: int
    text: str
    internal: bool


@dataclass
class Record:
    """Everything the clients saw, shared between them under a lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    created: list[Created] = field(default_factory=list)
    patched: list[Patched] = field(default_factory=list)
    commented: list[Commented] = field(default_factory=list)
    timings: dict[str, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    tickets_by_user: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    all_tickets: list[int] = field(default_factory=list)

    def timing(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.timings[kind].append((status, seconds))

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)


class Api:
    """A tiny JSON client over http.client: one connection per request, like most clients."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.token = token

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], Any, float]:
        sent = {"Accept": "application/json", **(headers or {})}
        if self.token:
            sent["Authorization"] = f"Token {self.token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        started = time.monotonic()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT_S)
        try:
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            raw = response.read()
            answer_headers = {key.lower(): value for key, value in response.getheaders()}
            try:
                data = json.loads(raw) if raw else None
            except ValueError:
                data = raw[:200].decode(errors="replace")
            return response.status, answer_headers, data, time.monotonic() - started
        except (OSError, http.client.HTTPException) as error:
            return 0, {}, repr(error), time.monotonic() - started
        finally:
            connection.close()


class Client(threading.Thread):
    """One simulated user session: a closed loop of mixed requests until the deadline."""

    def __init__(
        self,
        *,
        number: int,
        user: dict[str, Any],
        agents: list[int],
        api: Api,
        run: str,
        record: Record,
        deadline: float,
        seed: int,
    ) -> None:
        super().__init__(name=f"client-{number}", daemon=True)
        self.number = number
        self.user = user
        self.agents = agents
        self.api = api
        self.run_id = run
        self.record = record
        self.deadline = deadline
        self.random = random.Random(seed * 1000 + number)
        self.sequence = 0

    @property
    def is_agent(self) -> bool:
        return self.user["role"] == "agent"

    def run(self) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        try:
            for _ in range(2):
                self.create()
            for _ in range(MAX_REQUESTS_PER_CLIENT):
                if time.monotonic() >= self.deadline:
                    break
                getattr(self, self.random.choices(kinds, weights)[0])()
        except Exception as error:  # a broken client must fail the run, not vanish
            self.record.fail(f"{self.name} crashed: {error!r}")

    def expect(self, kind: str, status: int, data: Any, seconds: float, *ok: int) -> bool:
        self.record.timing(kind, status, seconds)
        if status in ok:
            return True
        if status != 412:
            self.record.fail(f"{self.name} {kind}: {status or 'no answer'} {str(data)[:200]}")
        return False

    def pick_ticket(self) -> int | None:
        with self.record.lock:
            pool = (
                self.record.all_tickets
                if self.is_agent
                else self.record.tickets_by_user[self.user["username"]]
            )
            return self.random.choice(pool) if pool else None

    def list(self) -> None:
        query: dict[str, Any] = {}
        if self.random.random() < 0.5:
            query["status"] = self.random.sample(STATUSES, self.random.randint(1, 2))
        if self.random.random() < 0.4:
            query["priority"] = self.random.choice(PRIORITIES)
        if self.is_agent and self.random.random() < 0.3:
            query["assignee"] = self.random.choice(["me", "none"])
        query["ordering"] = self.random.choice(["-created_at", "priority", "-status", "title"])
        query["page_size"] = self.random.choice([10, 25, 50])
        path = "/api/tickets?" + urllib.parse.urlencode(query, doseq=True)
        status, _, data, seconds = self.api.call("GET", path)
        self.expect("list", status, data, seconds, 200)

    def search(self) -> None:
        text = self.random.choice([self.run_id, "принтер", "Soak", "edit"])
        path = "/api/tickets?" + urllib.parse.urlencode({"search": text})
        status, _, data, seconds = self.api.call("GET", path)
        self.expect("search", status, data, seconds, 200)

    def create(self) -> None:
        self.sequence += 1
        key = f"{self.run_id}-{self.number}-{self.sequence}"
        body = {
            "title": f"Soak {self.run_id} {key}",
            "description": f"soak-key:{key} Принтер не печатает",
            "priority": self.random.choice(PRIORITIES),
        }
        headers = {"Idempotency-Key": key}
        status, _, data, seconds = self.api.call("POST", "/api/tickets", body, headers)
        if not self.expect("create", status, data, seconds, 201):
            return
        created = Created(
            key,
            data["id"],
            self.user["username"],
            {
                "title": body["title"],
                "description": body["description"],
                "priority": body["priority"],
                "status": "new",
                "assignee": None,
            },
        )
        with self.record.lock:
            self.record.created.append(created)
            self.record.tickets_by_user[self.user["username"]].append(data["id"])
            self.record.all_tickets.append(data["id"])
        if self.random.random() < RETRY_SHARE:
            status, _, again, seconds = self.api.call("POST", "/api/tickets", body, headers)
            if (
                self.expect("create-retry", status, again, seconds, 201)
                and again["id"] != data["id"]
            ):
                self.record.fail(
                    f"{self.name} retry of {key} gave #{again['id']}, not #{data['id']}"
                )

    def new_value(self, field_name: str, current: dict[str, Any]) -> Any:
        if field_name == "status":
            return self.random.choice([s for s in STATUSES if s != current["status"]])
        if field_name == "priority":
            return self.random.choice([p for p in PRIORITIES if p != current["priority"]])
        if field_name == "assignee":
            return self.random.choice([a for a in [*self.agents, None] if a != current["assignee"]])
        edit = uuid.UUID(int=self.random.getrandbits(128)).hex[:10]
        if field_name == "title":
            return f"Soak {self.run_id} edit {edit}"
        # The key stays at the start of the description: it is how the check finds the create.
        return current["description"].split(" ", 1)[0] + f" edit {edit}"

    def patch(self) -> None:
        ticket_id = self.pick_ticket()
        if ticket_id is None:
            return self.create()
        status, headers, current, seconds = self.api.call("GET", f"/api/tickets/{ticket_id}")
        if not self.expect("retrieve", status, current, seconds, 200):
            return None
        etag = headers.get("etag", "")
        field_name = self.random.choice(AGENT_FIELDS if self.is_agent else REQUESTER_FIELDS)
        value = self.new_value(field_name, current)
        status, _, data, seconds = self.api.call(
            "PATCH", f"/api/tickets/{ticket_id}", {field_name: value}, {"If-Match": etag}
        )
        if not self.expect("patch", status, data, seconds, 200):
            return None
        if data[field_name] != value or data["version"] != current["version"] + 1:
            self.record.fail(
                f"{self.name} PATCH #{ticket_id} {field_name}={value!r} on version "
                f"{current['version']} answered {data[field_name]!r} at version {data['version']}"
            )
        with self.record.lock:
            self.record.patched.append(Patched(ticket_id, field_name, value, data["version"]))
        return None

    def comment(self) -> None:
        ticket_id = self.pick_ticket()
        if ticket_id is None:
            return self.create()
        internal = self.is_agent and self.random.random() < 0.2
        text = f"Soak {self.run_id} comment {uuid.UUID(int=self.random.getrandbits(128)).hex}"
        status, _, data, seconds = self.api.call(
            "POST", f"/api/tickets/{ticket_id}/comments", {"text": text, "internal": internal}
        )
        if self.expect("comment", status, data, seconds, 201):
            with self.record.lock:
                self.record.commented.append(Commented(ticket_id, data["id"], text, internal))
        return None


def verify(database_url: str, record: Record, run: str) -> list[str]:
    """Reads PostgreSQL directly and lists every difference from the acknowledged writes."""
    problems: list[str] = []
    ids = sorted({created.ticket_id for created in record.created})
    with psycopg.connect(database_url) as connection:
        tickets = {
            row[0]: row
            for row in connection.execute(
                "SELECT id, title, description, status, priority, assignee_id, version,"
                " deleted_at FROM tickets_ticket WHERE id = ANY(%s)",
                [ids],
            )
        }
        keyed = connection.execute(
            "SELECT split_part(description, ' ', 1), array_agg(id ORDER BY id) FROM tickets_ticket"
            " WHERE description LIKE %s GROUP BY 1",
            [f"soak-key:{run}-%"],
        ).fetchall()
        comments = connection.execute(
            "SELECT id, ticket_id, text, internal FROM tickets_comment WHERE ticket_id = ANY(%s)",
            [ids],
        ).fetchall()
        history = connection.execute(
            "SELECT ticket_id, action, field, old_value, new_value, comment_id"
            " FROM tickets_ticketchange WHERE ticket_id = ANY(%s) ORDER BY id",
            [ids],
        ).fetchall()

    # Creates: each acknowledged key exactly once, under the id the API answered.
    by_key = {marker.removeprefix("soak-key:"): found for marker, found in keyed}
    for created in record.created:
        found = by_key.get(created.key, [])
        if found != [created.ticket_id]:
            problems.append(
                f"create {created.key}: acknowledged #{created.ticket_id}, found {found}"
            )
    acknowledged_keys = {created.key for created in record.created}
    for key, found in by_key.items():
        if key not in acknowledged_keys:
            problems.append(f"create {key}: in the database as {found} but never acknowledged")

    # Field values and versions.
    columns = {"title": 1, "description": 2, "status": 3, "priority": 4, "assignee": 5}
    patches: dict[int, list[Patched]] = defaultdict(list)
    for patched in record.patched:
        patches[patched.ticket_id].append(patched)
    for created in record.created:
        row = tickets.get(created.ticket_id)
        if row is None:
            problems.append(f"ticket #{created.ticket_id} is missing")
            continue
        mine = sorted(patches[created.ticket_id], key=lambda p: p.version)
        versions = [p.version for p in mine]
        if versions != list(range(2, 2 + len(mine))):
            problems.append(f"#{created.ticket_id}: acknowledged versions {versions}")
        if row[6] != 1 + len(mine):
            problems.append(f"#{created.ticket_id}: version {row[6]}, expected 1 + {len(mine)}")
        for name, column in columns.items():
            expected = created.values[name]
            for patched in mine:
                if patched.field == name:
                    expected = patched.value  # the latest acknowledged write wins
            if row[column] != expected:
                problems.append(
                    f"#{created.ticket_id}.{name} = {row[column]!r}, expected {expected!r}"
                )
        if row[7] is not None:
            problems.append(f"#{created.ticket_id} was deleted")

    # Comments: each acknowledged one exactly once, and no others.
    stored = {row[0]: row for row in comments}
    for commented in record.commented:
        row = stored.pop(commented.comment_id, None)
        if row is None or (row[1], row[2], row[3]) != (
            commented.ticket_id,
            commented.text,
            commented.internal,
        ):
            problems.append(f"comment {commented.comment_id} on #{commented.ticket_id}: {row}")
    for row in stored.values():
        problems.append(f"comment {row[0]} on #{row[1]} was never acknowledged")

    # History: one `created`, one `changed` per acknowledged field change in version order with
    # chained old values, one `commented` per acknowledged comment; nothing else.
    entries: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in history:
        entries[row[0]].append(row)
    comment_ids: dict[int, set[int]] = defaultdict(set)
    for commented in record.commented:
        comment_ids[commented.ticket_id].add(commented.comment_id)
    for created in record.created:
        rows = entries[created.ticket_id]
        actions = Counter(row[1] for row in rows)
        mine = sorted(patches[created.ticket_id], key=lambda p: p.version)
        expected_actions = Counter(
            {"created": 1, "changed": len(mine), "commented": len(comment_ids[created.ticket_id])}
        )
        if actions != +expected_actions:
            problems.append(
                f"#{created.ticket_id} history {dict(actions)}, expected {dict(+expected_actions)}"
            )
        commented_ids = {row[5] for row in rows if row[1] == "commented"}
        if commented_ids != comment_ids[created.ticket_id]:
            problems.append(f"#{created.ticket_id} commented entries {sorted(commented_ids)}")
        for name in columns:
            changes = [(row[3], row[4]) for row in rows if row[1] == "changed" and row[2] == name]
            previous = created.values[name]
            expected_changes = []
            for patched in mine:
                if patched.field == name:
                    expected_changes.append((previous, patched.value))
                    previous = patched.value
            if changes != expected_changes:
                problems.append(
                    f"#{created.ticket_id} {name} history {changes[:4]}..., "
                    f"expected {expected_changes[:4]}..."
                )
    return problems


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(record: Record, elapsed: float) -> tuple[str, int, int]:
    lines = [
        f"{'kind':<14}{'requests':>9}{'2xx':>8}{'412':>6}{'other':>7}{'p50 ms':>9}{'p99 ms':>9}"
    ]
    total = failed = 0
    for kind in ["list", "search", "create", "create-retry", "retrieve", "patch", "comment"]:
        timings = record.timings.get(kind, [])
        ok = sum(1 for status, _ in timings if 200 <= status < 300)
        conflicts = sum(1 for status, _ in timings if status == 412)
        other = len(timings) - ok - conflicts
        total += len(timings)
        failed += other
        seconds = [s for _, s in timings]
        lines.append(
            f"{kind:<14}{len(timings):>9}{ok:>8}{conflicts:>6}{other:>7}"
            f"{statistics.median(seconds) * 1000 if seconds else 0:>9.0f}"
            f"{percentile(seconds, 0.99) * 1000:>9.0f}"
        )
    lines.append(
        f"{'all':<14}{total:>9}  in {elapsed:.1f}s = {total / max(elapsed, 0.001):.0f} req/s"
    )
    return "\n".join(lines), total, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--users", required=True, help="JSON: [{username, password, role}]")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--reload", action="store_true", help="HUP gunicorn twice mid-run")
    parser.add_argument("--gunicorn-pid", type=int)
    parser.add_argument("--gunicorn-log", help="to report how many workers were booted")
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()
    if args.reload and not args.gunicorn_pid:
        parser.error("--reload needs --gunicorn-pid")

    with open(args.users) as users_file:
        users = json.load(users_file)
    anonymous = Api(args.base_url)
    for user in users:
        status, _, data, _ = anonymous.call(
            "POST", "/api/auth/token", {"username": user["username"], "password": user["password"]}
        )
        if status != 200:
            print(f"cannot log in as {user['username']}: {status} {data}")
            return 1
        user["token"] = data["token"]
    me = {
        u["username"]: Api(args.base_url, u["token"]).call("GET", "/api/auth/me")[2] for u in users
    }
    agents = [me[u["username"]]["id"] for u in users if u["role"] == "agent"]
    by_role = {role: [u for u in users if u["role"] == role] for role in ("agent", "requester")}

    run = uuid.uuid4().hex[:8]
    record = Record()
    started = time.monotonic()
    deadline = started + args.duration
    clients = []
    for number in range(args.clients):
        role = "agent" if number < args.clients // 2 else "requester"
        pool = by_role[role]
        user = pool[number % len(pool)]
        clients.append(
            Client(
                number=number,
                user=user,
                agents=agents,
                api=Api(args.base_url, user["token"]),
                run=run,
                record=record,
                deadline=deadline,
                seed=args.seed,
            )
        )
    print(
        f"soak {run}: {args.clients} clients for {args.duration:.0f}s against {args.base_url}"
        + (" with two gunicorn reloads (HUP)" if args.reload else "")
    )
    for client in clients:
        client.start()
    if args.reload:
        for share in (1 / 3, 2 / 3):
            time.sleep(max(0.0, started + args.duration * share - time.monotonic()))
            os.kill(args.gunicorn_pid, signal.SIGHUP)
            print(
                f"  HUP sent to gunicorn {args.gunicorn_pid} at {time.monotonic() - started:.1f}s"
            )
    for client in clients:
        client.join(timeout=args.duration + 2 * REQUEST_TIMEOUT_S)
    elapsed = time.monotonic() - started
    if any(client.is_alive() for client in clients):
        record.fail("a client did not finish in time")

    table, total, _other = summary(record, elapsed)
    print(table)
    print(
        f"acknowledged: {len(record.created)} creates, {len(record.patched)} field changes, "
        f"{len(record.commented)} comments"
    )
    if args.gunicorn_log:
        with open(args.gunicorn_log, errors="replace") as log:
            booted = sum("Booting worker" in line for line in log)
        print(f"gunicorn booted {booted} workers (at start, per reload, recycled by max_requests)")
    problems = verify(args.database_url, record, run)
    for failure in record.failures[:20]:
        print(f"FAILED REQUEST {failure}")
    if len(record.failures) > 20:
        print(f"... and {len(record.failures) - 20} more failed requests")
    for problem in problems[:30]:
        print(f"MISMATCH {problem}")
    if len(problems) > 30:
        print(f"... and {len(problems) - 30} more mismatches")
    checks = len(record.created) + len(record.patched) + len(record.commented)
    bad = len(record.failures) + len(problems)
    verdict = "PASS" if bad == 0 and total else "FAIL"
    print(f"{verdict}: {len(record.failures)} failed requests, {len(problems)} database mismatches")
    passed = total - len(record.failures) + max(0, checks - len(problems))
    print(f"{passed} passed, {bad} failed")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
