"""Time a wide sample of the list requests the SPA can make, in-process, at the bench's size.

The load benchmark drives a handful of scenarios hard; this drives many request shapes once:
random combinations of status and priority filters, assignee, date range, ordering, search
text and page (1 or 200: page 200 as clients reach it, by the cursor of page 199's next link,
or with --deep number by its number, an offset read), as an agent and as a requester. Each
request runs three times and the fastest counts (the others warm caches and absorb noise).
Prints the spread, every statement sent whose plan reads the whole tickets table (a `Seq Scan`;
there should be none), and the slowest shapes, with the plan of the slowest statement of each.

Usage, against the database bench/run seeds (BENCH_DATABASE_URL and the size name it, as
for bench/run), or another one named by DATABASE_URL:
    .venv/bin/python bench/shapes.py [--shapes 300] [--seed 7] [--deep cursor|number]
        [--answers FILE]

With --answers, each request's time and answer (status, count and ids) are written to FILE, one
JSON line per request, so that two runs of the same sample can be compared: a change in how a
page is read must not change what it shows. bench/compare_shapes.py compares two such files.
"""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path
from random import Random
from typing import Any
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import AGENT, DEFAULT_URL, PRIORITIES, REQUESTER, STATUSES, database_urls

os.environ.setdefault(
    "DATABASE_URL",
    database_urls(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL), 1_000_000)[0],
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

TICKETS = "tickets_ticket"  # the table whose whole-table scans are reported
SEARCHES = ["принтер", "принтеры", "printers", "пароль", "VPN", "4242", "zqxv", "ошибка 0x8007"]
ORDERINGS = ["id", "title", "status", "priority", "created_at", "updated_at"]


def shape(rng: Random, agent_id: int) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = []
    if rng.random() < 0.5:
        statuses = rng.sample(STATUSES, rng.randint(1, 4))
        params += [("status", s) for s in statuses]
    if rng.random() < 0.5:
        priorities = rng.sample(PRIORITIES, rng.randint(1, 3))
        params += [("priority", p) for p in priorities]
    if rng.random() < 0.4:
        params.append(("assignee", rng.choice(["me", "none", str(agent_id)])))
    if rng.random() < 0.3:
        today = datetime.date.today()
        start = today - datetime.timedelta(days=rng.choice([30, 200, 500]))
        params.append(("created_after", start.isoformat()))
        if rng.random() < 0.5:
            params.append(("created_before", (start + datetime.timedelta(days=31)).isoformat()))
    if rng.random() < 0.3:
        params.append(("search", rng.choice(SEARCHES)))
    if rng.random() < 0.7:
        params.append(("ordering", rng.choice(["", "-"]) + rng.choice(ORDERINGS)))
    if rng.random() < 0.5:
        params.append(("page", "200"))
    return params


def answer(response: Any) -> dict[str, Any]:
    """What a list response shows: its status, and its count and ticket ids or its errors."""
    body = response.json()
    if response.status_code != 200:
        return {"status": response.status_code, "body": body}
    return {
        "status": 200,
        "count": body["count"],
        "count_exact": body["count_exact"],
        "ids": [ticket["id"] for ticket in body["results"]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--answers", type=Path, help="write each request's answer here")
    parser.add_argument(
        "--deep",
        choices=["cursor", "number"],
        default="cursor",
        help="reach page 200 as clients do, by the next link of page 199 (cursor, the default), "
        "or ask for it by number (an offset read)",
    )
    args = parser.parse_args()

    users = get_user_model().objects
    agent = users.get(username=AGENT)
    clients = {}
    for role, username in (("agent", AGENT), ("requester", REQUESTER)):
        token, _ = Token.objects.get_or_create(user=users.get(username=username))
        clients[role] = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    rng = Random(args.seed)
    timings: list[tuple[float, str, str, int, str]] = []
    answers = []
    statements: dict[str, str] = {}  # each statement sent, and the first request that sent it
    for _ in range(args.shapes):
        role = rng.choice(["agent", "requester"])
        url = f"/api/tickets?{urlencode(shape(rng, agent.pk))}"
        if args.deep == "cursor" and "page=200" in url:
            url = deep_link(clients[role], url)
        best = float("inf")
        for _attempt in range(3):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = clients[role].get(url)
                elapsed = time.perf_counter() - started
            if elapsed < best:
                best = elapsed
                slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
            for query in captured.captured_queries:
                statements.setdefault(query["sql"], f"{role} {url}")
        timings.append((best * 1000, role, url, response.status_code, slowest["sql"]))
        answers.append({"role": role, "url": url, "ms": round(best * 1000, 1), **answer(response)})
    if args.answers:
        args.answers.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in answers))

    timings.sort()
    ms = [t[0] for t in timings]
    statuses: dict[int, int] = {}
    for t in timings:
        statuses[t[3]] = statuses.get(t[3], 0) + 1
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(id) FROM {TICKETS}")
        top = cursor.fetchone()[0]
    print(f"{len(ms)} list requests at {top:,} ticket ids")
    print("answers: " + ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items())))
    for label, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
        print(f"{label} {ms[min(len(ms) - 1, int(q * len(ms)))]:.1f} ms")
    print(f"max {ms[-1]:.1f} ms")
    scans = [
        (sql, sent_by)
        for sql, sent_by in statements.items()
        if reads(sql)
        and any(
            node["Node Type"] == "Seq Scan" and node.get("Relation Name") == TICKETS
            for node in plan_nodes(explained(sql, "FORMAT JSON")[0][0][0]["Plan"])
        )
    ]
    print(f"statements that read the whole tickets table: {len(scans)} of {len(statements)}")
    for sql, sent_by in scans:
        print(f"  {sent_by}\n    {sql[:300]}")
    print("\nslowest:")
    for elapsed, role, url, code, sql in timings[-10:][::-1]:
        print(f"\n{elapsed:7.1f} ms  {code}  {role:9}  {url}")
        for (line,) in explained(sql, "ANALYZE, COSTS OFF"):
            print(f"          {line}")


def deep_link(client: APIClient, url: str) -> str:
    """Page 200 of a list as a client reaches it: the `next` link of page 199 (read untimed);
    the numbered URL when page 199 has no next page (the answer is then the same 400)."""
    response = client.get(url.replace("page=200", "page=199"))
    link = response.json().get("next") if response.status_code == 200 else None
    if not link:
        return url
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def reads(sql: str) -> bool:
    """Whether a statement the app sent is a query to plan: not a transaction's BEGIN or COMMIT
    (a cache write sends them), nor an EXPLAIN of the app's own."""
    query = sql.split("; ", 1)[1] if sql.startswith("SET LOCAL ") else sql
    return query.lstrip().upper().startswith(("SELECT", "WITH"))


def explained(sql: str, options: str) -> list[tuple[Any, ...]]:
    """The rows of EXPLAIN (`options`) of a statement the app sent, with the settings sent
    before it for it alone (`SET LOCAL ...; ` in the same message)."""
    settings, query = sql.split("; ", 1) if sql.startswith("SET LOCAL ") else ("", sql)
    explain = f"EXPLAIN ({options}) {query}"
    with connection.cursor() as cursor:
        cursor.execute(f"{settings}; {explain}" if settings else explain)
        while cursor.description is None and cursor.nextset():
            pass
        return cursor.fetchall()


def plan_nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    nodes, pending = [], [plan]
    while pending:
        node = pending.pop()
        nodes.append(node)
        pending += node.get("Plans", [])
    return nodes


if __name__ == "__main__":
    main()
