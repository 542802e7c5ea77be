"""Load benchmark: the service under production gunicorn settings against a raw WSGI baseline.

Run it through `bench/run` (which installs what it needs); see bench/README.md.
"""

import argparse
import concurrent.futures
import contextlib
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = ROOT / ".venv" / "bin" / "python"
DEFAULT_URL = "postgres://bench:bench@127.0.0.1:5432/servicedesk_bench"
SERVICE_PORT, RAW_PORT = 8101, 8102
PASSWORD = "bench-password-2026"  # the seeded users', given to seed_tickets --password
AGENT, REQUESTER = "agent001", "user0100"
USERS = [f"user{n:04d}" for n in range(1, 201)]  # one API token each: list (200 users)
SEARCH = "принтер"
DEEP_PAGES = 40  # a deep scenario requests the pages DEEP_PAGES - DEEP_SET + 1 to DEEP_PAGES
DEEP_SET = 20
WRITES = 2000  # PATCHes per write-cost measurement
STATUSES = ["new", "in_progress", "on_hold", "resolved", "closed"]
PRIORITIES = ["low", "medium", "high", "critical"]
# 200 words the seed writes (tickets/management/commands/seed_tickets.py), Russian and
# English, spread over their frequency in the seeded tickets from the rarest (a few in a
# thousand tickets: "zoom") to the most common (a third of them: "спасибо"), in that order:
# search (200 words).
WORDS = (BENCH / "words.txt").read_text(encoding="utf-8").split()
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", None)  # None: a Unix socket


@dataclass
class Scenario:
    name: str
    method: str
    path: str  # {id}: varied ticket ids; {word}: varied WORDS
    role: str = "agent"  # or "users": USERS, each with their own token, in turn
    body: str | None = None  # Lua expression for the body
    # Requests the pages DEEP_PAGES - DEEP_SET + 1 to DEEP_PAGES of `path`, reached by
    # following `next` links (collected from each server beforehand, with its own tokens).
    deep: bool = False


SCENARIOS = [
    Scenario("list", "GET", "/api/tickets"),
    Scenario(
        "filtered",
        "GET",
        "/api/tickets?status=new&status=in_progress&priority=high&ordering=-priority",
    ),
    Scenario("search", "GET", f"/api/tickets?search={quote(SEARCH)}"),
    Scenario("retrieve", "GET", "/api/tickets/{id}"),
    # One created ticket in 13 matches SEARCH, as one seeded ticket in 13 does: a later run on
    # the same database searches what a fresh one does (1 in 1 made its search short, 0 in 1
    # long: it read through all of the previous run's tickets).
    Scenario(
        "create",
        "POST",
        "/api/tickets",
        role="requester",
        body=(
            "'{\"title\": \"' .. (i % 13 == 0 and 'Принтер' or 'Монитор') .. ' в кабинете '"
            ' .. (300 + i % 600) .. \' не работает", "description": "Индикатор мигает,'
            ' перезагрузка не помогла. Run \' .. nonce .. \'.", "priority": "high"}\''
        ),
    ),
    Scenario(
        "update",
        "PATCH",
        "/api/tickets/{id}",
        body=(
            "'{\"description\": \"Обновлено: прогон ' .. nonce .. '-' .. tid .. '-' .. i .. '\"}'"
        ),
    ),
    Scenario(
        "update (status)",
        "PATCH",
        "/api/tickets/{id}",
        # Each pass over the ids moves every ticket on by one status and one priority, so
        # that every PATCH (but where the two wrk threads meet) writes.
        body=(
            '\'{"status": "\' .. statuses[(k + pass) % #statuses + 1] .. \'", '
            '"priority": "\' .. priorities[(k + pass) % #priorities + 1] .. \'"}\''
        ),
    ),
    Scenario("list (requester)", "GET", "/api/tickets", role="requester"),
    Scenario("list (deep)", "GET", "/api/tickets", deep=True),
    Scenario("search (deep)", "GET", f"/api/tickets?search={quote(SEARCH)}", deep=True),
    Scenario("search (200 words)", "GET", "/api/tickets?search={word}"),
    Scenario("list (200 users)", "GET", "/api/tickets", role="users"),
]
WRITE_COST = "write cost"  # not a wrk scenario: --only "write cost" selects it


class Output:
    """Prints and keeps every line for the results file."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")


out = Output()


def database_urls(base: str, count: int) -> tuple[str, str, str]:
    """(URL of the benchmark database, its name, URL of the server's `postgres` database)."""
    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/') or 'servicedesk_bench'}_{count}"
    return (
        urlunsplit(parts._replace(path=f"/{name}")),
        name,
        urlunsplit(parts._replace(path="/postgres")),
    )


def one_row(cursor: psycopg.Cursor[Any]) -> tuple[Any, ...]:
    """The row of a statement that always returns one (an aggregate, SHOW)."""
    row = cursor.fetchone()
    assert row is not None
    return row


def ensure_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        out(f"Creating database {name}")
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str, stream: bool = False) -> str:
    command = [str(PYTHON), "manage.py", *args]
    if not stream:
        return subprocess.run(
            command, cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        last = line.split("\r")[-1].rstrip("\n")
        if last.startswith(("Seeded", "  rebuilt")):
            lines.append(last)  # printed by the caller
            sys.stdout.write(line[: len(line) - len(last) - 1] + "\n" if "\r" in line else "")
        else:
            sys.stdout.write(line)  # the progress bar, rewriting its own line
    if process.wait():
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return "\n".join(lines)


def prepare_database(env: dict[str, str], url: str, count: int, reseed: bool) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    with psycopg.connect(url) as conn:
        have = one_row(conn.execute("SELECT count(*) FROM tickets_ticket"))[0]
    if have >= count and not reseed:
        out(f"Reusing {have:,} tickets (>= {count:,} requested).")
        stand_in_for_autovacuum(url)
        return
    out(f"Seeding {count:,} tickets (the database has {have:,}) ...")
    started = time.monotonic()
    # DEBUG is off as in production: the seed needs to be told that this database is meant.
    seed = ["--count", str(count), "--reset", "--no-input", "--allow-production"]
    summary = manage(env, "seed_tickets", *seed, "--password", PASSWORD, stream=True)
    out(f"Seed: {time.monotonic() - started:.1f} s wall, including process start")
    for line in summary.splitlines():
        if line.startswith(("Seeded", "  rebuilt")):
            out(f"  {line.strip()}")
    settle()


def stand_in_for_autovacuum(url: str) -> None:
    """Vacuums and analyzes the tables where the server's autovacuum is off, as it would have
    after earlier runs' writes. Left stale, the statistics still say what the seed wrote: the
    requester's list at 20k tickets, which by then held 10,000 of their tickets rather than 4,
    read and sorted all of them (11 ms), and the service's and the raw app's both fell to
    170 req/s."""
    with psycopg.connect(url, autocommit=True) as conn:
        if one_row(conn.execute("SHOW autovacuum"))[0] == "on":
            return
        started = time.monotonic()
        for table in ("tickets_ticket", "tickets_ticketchange", "tickets_comment"):
            conn.execute(f"VACUUM (ANALYZE) {table}")
    out(
        f"The server's autovacuum is off: vacuumed and analyzed the tables in its stead "
        f"({time.monotonic() - started:.1f} s)."
    )


def idle_share(seconds: float) -> float:
    """The share of CPU time the machine spent idle over the next `seconds` (/proc/stat)."""

    def times() -> list[int]:
        with open("/proc/stat") as stat:
            return [int(field) for field in stat.readline().split()[1:]]

    before = times()
    time.sleep(seconds)
    spent = [after - earlier for after, earlier in zip(times(), before, strict=True)]
    return spent[3] / max(1, sum(spent))


def settle(limit: float = 120.0) -> None:
    """Waits for the machine to go quiet after a seed. Left alone, the kernel goes on writing
    the seed's gigabytes to disk in bursts of tens of MB/s during the first measurements (seen
    here, with the service's search 20-25% slower in those runs than in later ones)."""
    started = time.monotonic()
    os.sync()
    idle = 0.0
    while time.monotonic() - started < limit and (idle := idle_share(1.0)) < 0.9:
        pass
    out(
        f"Settled {time.monotonic() - started:.1f} s after the seed "
        f"(written to disk, CPU {idle:.0%} idle)"
    )


def sample_ids(url: str, size: int = 2000) -> list[int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT id FROM tickets_ticket TABLESAMPLE SYSTEM (2) REPEATABLE (7)"
            " WHERE deleted_at IS NULL LIMIT %s",
            [size],
        ).fetchall()
        if len(rows) < size:
            rows = conn.execute(
                "SELECT id FROM tickets_ticket WHERE deleted_at IS NULL ORDER BY random() LIMIT %s",
                [size],
            ).fetchall()
    return [r[0] for r in rows]


class Server:
    """One gunicorn, started with the production config file and stopped at the end."""

    def __init__(self, name: str, app: str, port: int, env: dict[str, str], log: TextIO) -> None:
        self.name, self.port = name, port
        command = [
            str(PYTHON),
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "config" / "gunicorn.conf.py"),
            *(["--pythonpath", str(BENCH)] if app.startswith("raw_app") else []),
            app,
        ]
        server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"}
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.process.returncode}")
            with contextlib.suppress(OSError):
                status, _ = http("GET", f"http://127.0.0.1:{self.port}/healthz")
                if status == 200:
                    return
            time.sleep(0.2)
        raise SystemExit(f"{self.name} did not answer /healthz within {timeout} s")

    def workers(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    if int(fields[1]) == self.process.pid:
                        pids.append(int(entry.name))
        return pids

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def memory_kib(pid: int, field: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return 0


def private_kib(pid: int) -> int:
    """Memory of a process that no other process shares: what one more worker costs."""
    with contextlib.suppress(OSError):
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        return sum(int(line.split()[1]) for line in rollup if line.startswith("Private_"))
    return 0


def _stat(pid: str) -> tuple[str, int, int] | None:
    """(command name, parent pid, CPU clock ticks of the process and its reaped children)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat.rsplit(")", 1)[1].split()
    return name, int(fields[1]), sum(int(f) for f in fields[11:15])


def tree_cpu_seconds(root: int) -> float:
    """CPU time of a process and its children, those that exited included (a parent's reaped
    children count in its own figures): a gunicorn master and its workers, recycled or not; a
    postmaster and its backends, disconnected or not.

    The parent is read after its children, and the reading is taken again if a child was
    reaped in between: its time would then count twice, once as its own and once in its
    parent's (or, read the other way round, not at all)."""
    for _ in range(10):
        children = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (found := _stat(entry)) and found[1] == root:
                children[entry] = found[2]
        parent = _stat(str(root))
        if parent is None:
            return sum(children.values()) / os.sysconf("SC_CLK_TCK")
        if all(Path(f"/proc/{pid}").exists() for pid in children):
            break
    assert parent is not None  # returned above otherwise
    return (parent[2] + sum(children.values())) / os.sysconf("SC_CLK_TCK")


def local_postmaster() -> int | None:
    """The pid of this machine's PostgreSQL server: the `postgres` process whose parent is not
    one; None if there is none (the database runs elsewhere) or more than one."""
    stats = {int(e): found for e in os.listdir("/proc") if e.isdigit() and (found := _stat(e))}
    roots = [
        pid
        for pid, (name, parent, _) in stats.items()
        if name == "postgres" and stats.get(parent, ("",))[0] != "postgres"
    ]
    return roots[0] if len(roots) == 1 else None


def worker_memory(pids: list[int]) -> tuple[int, int]:
    """The highest VmHWM and the most private memory among `pids`, in KiB."""
    hwm = max((memory_kib(pid, "VmHWM") for pid in pids), default=0)
    return hwm, max((private_kib(pid) for pid in pids), default=0)


class RssSampler(threading.Thread):
    """Highest resident size any worker of a server reached, sampled twice a second."""

    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.server, self.peak, self.stopped = server, 0, threading.Event()
        self.pids: set[int] = set()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            for pid in self.server.workers():
                self.pids.add(pid)
                self.peak = max(self.peak, memory_kib(pid, "VmRSS"))


def http(
    method: str, url: str, body: dict[str, Any] | None = None, token: str | None = None
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw


def token_for(username: str, password: str) -> str:
    status, body = http(
        "POST",
        f"http://127.0.0.1:{SERVICE_PORT}/api/auth/token",
        {"username": username, "password": password},
    )
    if status != 200:
        raise SystemExit(f"POST /api/auth/token for {username}: {status} {body}")
    return body["token"]


def seeded_password(env: dict[str, str]) -> str:
    """The password the seeded users have: PASSWORD (set again, hashed once for all, if the
    database was seeded with another)."""
    status, _ = http(
        "POST",
        f"http://127.0.0.1:{SERVICE_PORT}/api/auth/token",
        {"username": AGENT, "password": PASSWORD},
    )
    if status != 200:
        out("The seeded users have another password: setting the bench's")
        code = (
            "from django.contrib.auth import get_user_model;"
            "from django.contrib.auth.hashers import make_password;"
            "get_user_model().objects.filter(username__regex=r'^(agent[0-9]{3}|user[0-9]{4})$')"
            f".update(password=make_password({PASSWORD!r}))"
        )
        manage(env, "shell", "-c", code)
    return PASSWORD


def user_tokens(usernames: list[str], password: str, cache: Path) -> list[str]:
    """API tokens of many users, got the way a client gets them (POST /api/auth/token). A login
    checks the password hash, most of a second of CPU: tokens are kept in `cache` between runs
    and only those the service no longer accepts are asked for again."""
    known: dict[str, str] = json.loads(cache.read_text()) if cache.exists() else {}

    def token(username: str) -> str:
        if username in known:
            status, _ = http(
                "GET",
                f"http://127.0.0.1:{SERVICE_PORT}/api/tickets?page_size=1",
                token=known[username],
            )
            if status == 200:
                return known[username]
        return token_for(username, password)

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        tokens = list(pool.map(token, usernames))
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({**known, **dict(zip(usernames, tokens, strict=True))}))
    return tokens


def deep_paths(port: int, path: str, token: str) -> list[str]:
    """The paths of the pages DEEP_PAGES - DEEP_SET + 1 to DEEP_PAGES of a list, found by
    following its `next` links from the first page, whatever they carry (a cursor, a page)."""
    url, paths = f"http://127.0.0.1:{port}{path}", []
    for page in range(1, DEEP_PAGES + 1):
        status, body = http("GET", url, token=token)
        if status != 200:
            raise SystemExit(f"GET {url}: {status} {body!r:.300}")
        if page > DEEP_PAGES - DEEP_SET:
            parts = urlsplit(url)
            paths.append(f"{parts.path}?{parts.query}" if parts.query else parts.path)
        if not body.get("next"):
            break
        url = body["next"]
    return paths or [path]


def lua_list(values: list[str]) -> str:
    """A Lua table of strings (ASCII: paths are percent-encoded, tokens hex)."""
    return "{" + ", ".join(json.dumps(value) for value in values) + "}"


def lua_script(scenario: Scenario, tokens: list[str], paths: list[str], nonce: str) -> str:
    """wrk's script: request i goes to paths[i % #paths] with tokens[i % #tokens]."""
    body = scenario.body or "nil"
    return f"""
local paths = {lua_list(paths)}
local tokens = {lua_list(tokens)}
local statuses = {lua_list(STATUSES)}
local priorities = {lua_list(PRIORITIES)}
local nonce = "{nonce}"
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function init(args)
  i = (tid or 1) * 7919
end
wrk.headers["Accept"] = "application/json"
wrk.headers["Content-Type"] = "application/json"
function request()
  i = i + 1
  local k = i % #paths
  local pass = math.floor(i / #paths)
  wrk.headers["Authorization"] = "Token " .. tokens[(i % #tokens) + 1]
  return wrk.format("{scenario.method}", paths[k + 1], nil, {body})
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {{"requests": %d, "duration_us": %d, "p50_us": %.0f, "p99_us": %.0f, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def scenario_paths(scenario: Scenario, ids: list[int], deep: dict[str, list[str]]) -> list[str]:
    """The paths wrk rotates through for a scenario (a deep one's are per server: `deep`)."""
    if scenario.deep:
        return deep[scenario.name]
    if "{id}" in scenario.path:
        return [scenario.path.replace("{id}", str(i)) for i in ids]
    if "{word}" in scenario.path:
        return [scenario.path.replace("{word}", quote(word)) for word in WORDS]
    return [scenario.path]


def run_wrk(port: int, script: Path, seconds: float, connections: int) -> dict[str, Any]:
    result = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("BENCH "))
    stats = json.loads(line[6:])
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    stats["errors"] = sum(stats[k] for k in ("connect", "read", "write", "status", "timeout"))
    return stats


def normalised(body: Any) -> Any:
    """A response without what legitimately differs between the two servers: ports, and the
    tokens in `next` and `previous` (each server has its own cursor format), of which only
    whether there is a link counts."""
    if isinstance(body, dict) and "results" in body:
        body = {
            **body,
            **{key: "LINK" if body.get(key) else body.get(key) for key in ("next", "previous")},
        }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    for port in (RAW_PORT, SERVICE_PORT):
        text = text.replace(f":{port}/", ":PORT/")
    return json.loads(text)


def compare_responses(
    tokens: dict[str, list[str]], ids: list[int], deep: dict[int, dict[str, list[str]]]
) -> None:
    """The baseline must serve what the service serves, or the ratio means nothing. A deep
    scenario compares the deepest page each server's own `next` links led to."""
    out("Same answers from both servers (GET scenarios, first request; deep: the deepest page):")
    for scenario in SCENARIOS:
        if scenario.method != "GET":
            continue
        answers = []
        for port in (SERVICE_PORT, RAW_PORT):
            if scenario.deep:
                path = deep[port][scenario.name][-1]
            else:
                path = scenario_paths(scenario, ids, {})[0]
            answers.append(
                http("GET", f"http://127.0.0.1:{port}{path}", token=tokens[scenario.role][0])
            )
        same = answers[0][0] == answers[1][0] and normalised(answers[0][1]) == normalised(
            answers[1][1]
        )
        detail = "" if same else f"  service {answers[0]!r:.300}\n      raw {answers[1]!r:.300}"
        out(f"  {scenario.name:<18} {'identical' if same else 'DIFFERENT'}{detail}")


def table(results: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    head = (
        f"{'scenario':<18} | {'service req/s':>13} {'p50 ms':>7} {'p99 ms':>7} {'err':>5} |"
        f" {'raw req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'err':>5} | {'ratio':>5}"
    )
    lines = [head, "-" * len(head)]
    for name, pair in results.items():
        s, r = pair["service"], pair["raw"]
        lines.append(
            f"{name:<18} | {s['rps']:>13.0f} {s['p50_us'] / 1000:>7.1f} {s['p99_us'] / 1000:>7.1f}"
            f" {s['errors']:>5} | {r['rps']:>9.0f} {r['p50_us'] / 1000:>7.1f}"
            f" {r['p99_us'] / 1000:>7.1f} {r['errors']:>5} | {s['rps'] / r['rps']:>5.2f}"
        )
    return lines


def cpu_seconds(server: Server, postmaster: int | None) -> tuple[float, float | None]:
    """CPU time spent so far by a server's processes and by PostgreSQL's (None if unknown)."""
    return (
        tree_cpu_seconds(server.process.pid),
        tree_cpu_seconds(postmaster) if postmaster else None,
    )


def per_request(
    before: tuple[float, float | None], after: tuple[float, float | None], requests: int
) -> tuple[float, float | None]:
    """Milliseconds of CPU per request between two `cpu_seconds` readings."""
    per = 1000 / max(1, requests)
    database = None if after[1] is None or before[1] is None else (after[1] - before[1]) * per
    return (after[0] - before[0]) * per, database


def cpu_text(ms: float | None, unit: str = "") -> str:
    return "unknown" if ms is None else f"{ms:.2f}{unit}"


def cpu_table(results: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """CPU time per request, by where it went: a steadier figure than req/s on a shared machine,
    and the one that says what the service spends beyond the baseline."""
    head = (
        f"{'CPU ms per request':<18} | {'service workers':>15} {'PostgreSQL':>10} |"
        f" {'raw workers':>11} {'PostgreSQL':>10} | {'workers, service - raw':>22}"
    )
    lines = [head, "-" * len(head)]
    for name, pair in results.items():
        (s_workers, s_pg), (r_workers, r_pg) = pair["service"]["cpu_ms"], pair["raw"]["cpu_ms"]
        lines.append(
            f"{name:<18} | {s_workers:>15.2f} {cpu_text(s_pg):>10} |"
            f" {r_workers:>11.2f} {cpu_text(r_pg):>10} |"
            f" {s_workers - r_workers:>22.2f}"
        )
    return lines


@dataclass
class WalReading:
    """Where the server's WAL and the tickets table's update counters stood at one moment."""

    lsn: str  # flushed
    position: int  # bytes since 0/0
    records: int
    full_pages: int
    updates: int
    hot_updates: int
    last_change: int  # the newest history entry's id


def wal_reading(conn: psycopg.Connection) -> WalReading:
    row = one_row(
        conn.execute(
            "SELECT pg_current_wal_flush_lsn()::text,"
            " (pg_current_wal_flush_lsn() - '0/0'::pg_lsn)::bigint, w.wal_records, w.wal_fpi,"
            " t.n_tup_upd, t.n_tup_hot_upd,"
            " (SELECT COALESCE(max(id), 0) FROM tickets_ticketchange)"
            " FROM pg_stat_wal w, pg_stat_user_tables t"
            " WHERE t.relid = 'tickets_ticket'::regclass"
        )
    )
    return WalReading(*row)


def own_wal(
    conn: psycopg.Connection, before: WalReading, after: WalReading
) -> tuple[int, int, int, int] | None:
    """(WAL bytes, records, records with a full-page image, bytes of those images) written by
    the transactions that added history entries between two readings, the PATCHes' own, read
    back from the WAL with pg_walinspect; None where the extension or the right to use it is
    missing."""
    try:
        return conn.execute(
            "WITH xids AS (SELECT DISTINCT xmin::text AS xid FROM tickets_ticketchange"
            "              WHERE id > %s AND id <= %s)"
            " SELECT COALESCE(sum(r.record_length), 0)::bigint, count(*),"
            "        count(*) FILTER (WHERE r.fpi_length > 0),"
            "        COALESCE(sum(r.fpi_length), 0)::bigint"
            " FROM pg_get_wal_records_info(%s::pg_lsn, %s::pg_lsn) r"
            " WHERE r.xid::text IN (SELECT xid FROM xids)",
            [before.last_change, after.last_change, before.lsn, after.lsn],
        ).fetchone()
    except psycopg.Error:
        return None


def write_cost(
    port: int, token: str, kind: str, ids: list[int], url: str, writes: int, nonce: str
) -> dict[str, Any]:
    """WAL bytes, WAL records and full-page images per PATCH, and the share of HOT updates, for
    `writes` PATCHes of one kind ("status": status only, "description") sent one at a time.

    Where pg_walinspect may be used (README), the WAL figures are those of the PATCHes' own
    transactions, read back from the WAL. Otherwise they are the whole server's: the WAL
    position's move over the loop, and pg_stat_wal's counters, in which other databases' writes
    meanwhile count too. pg_stat_wal and pg_stat_user_tables get each backend's counts at most
    once a second, and, once it is idle, ten seconds after its last write: so a second after
    the loop each server worker gets a request that ends a transaction, which makes its
    backend hand them in at once (pg_stat_force_next_flush() acts on the calling backend only).
    """
    with psycopg.connect(url, autocommit=True) as db:
        status: dict[int, str] = dict(
            db.execute("SELECT id, status FROM tickets_ticket WHERE id = ANY(%s)", [ids]).fetchall()
        )
        client = HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {
            "Authorization": f"Token {token}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        before = wal_reading(db)
        started = time.monotonic()
        for i in range(writes):
            ticket = ids[i % len(ids)]
            if kind == "status":  # the next status: every PATCH changes the ticket
                status[ticket] = STATUSES[(STATUSES.index(status[ticket]) + 1) % len(STATUSES)]
                body: dict[str, str] = {"status": status[ticket]}
            else:
                body = {"description": f"Стоимость записи: {nonce}-{port}-{i}"}
            # Gunicorn's sync workers close each connection; the client opens the next one.
            client.request("PATCH", f"/api/tickets/{ticket}", json.dumps(body), headers)
            response = client.getresponse()
            answer = response.read()
            if response.status != 200:
                raise SystemExit(f"PATCH /api/tickets/{ticket}: {response.status} {answer!r:.300}")
        seconds = time.monotonic() - started
        ended = wal_reading(db)
        time.sleep(1.1)
        for _ in range(8):
            client.request("GET", f"/api/tickets/{ids[0]}", headers=headers)
            client.getresponse().read()
        client.close()
        deadline = time.monotonic() + 15
        while (after := wal_reading(db)).updates - before.updates < writes:
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)
        own: tuple[int, int, int, int | None] | None = own_wal(db, before, ended)
    updates = after.updates - before.updates
    inspected = own is not None
    if own is None:
        own = (
            ended.position - before.position,
            after.records - before.records,
            after.full_pages - before.full_pages,
            None,
        )
    return {
        "bytes": own[0] / writes,
        "page_bytes": None if own[3] is None else own[3] / writes,
        "records": own[1] / writes,
        "full_pages": own[2] / writes,
        "hot": (after.hot_updates - before.hot_updates) / max(1, updates),
        "updates": updates,
        "rate": writes / seconds,
        "own": inspected,
    }


def write_cost_report(
    tokens: dict[str, list[str]], ids: list[int], url: str, writes: int, nonce: str
) -> None:
    out(f"Write cost: {writes:,} PATCHes per row, one at a time, as agent {AGENT}")
    head = (
        f"{'PATCH':<12} {'server':<8} | {'WAL bytes':>9} {'w/o FPI':>7} {'records':>7}"
        f" {'FPI':>5} {'HOT':>5} | {'PATCH/s':>7}"
    )
    out(head)
    out("-" * len(head))
    own = True
    # Each server its own half of the ids, and the order turned round for the second kind: the
    # first change of a page after a checkpoint writes the whole page to the WAL, so a server
    # that followed the other over the same pages would find them already written.
    halves = {SERVICE_PORT: ids[0::2], RAW_PORT: ids[1::2]}
    order = [("service", SERVICE_PORT), ("raw", RAW_PORT)]
    for kind in ("status", "description"):
        for target, port in order:
            cost = write_cost(port, tokens["agent"][0], kind, halves[port], url, writes, nonce)
            own = own and cost["own"]
            note = "" if cost["updates"] >= writes else f"  (stats saw {cost['updates']:.0f})"
            lean = (
                "-" if cost["page_bytes"] is None else f"{cost['bytes'] - cost['page_bytes']:.0f}"
            )
            out(
                f"{kind:<12} {target:<8} | {cost['bytes']:>9.0f} {lean:>7}"
                f" {cost['records']:>7.1f} {cost['full_pages']:>5.2f} {cost['hot']:>5.0%} |"
                f" {cost['rate']:>7.0f}{note}"
            )
        order.reverse()
    out(
        "per PATCH; w/o FPI: the bytes less the full-page images in them; FPI: records with a"
        " full-page image; HOT: share of the tickets table's row updates that were HOT (no new"
        " index entries)"
    )
    if own:
        out("WAL: the PATCHes' own transactions, read back with pg_walinspect")
    else:
        out(
            "WAL: the whole server's while the PATCHes ran (pg_walinspect not usable here, see"
            " bench/README.md): other databases' writes count too"
        )


def environment_lines(url: str) -> Iterator[str]:
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    yield f"commit: {commit}{' (plus uncommitted changes)' if dirty else ''}"
    yield f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start"
    with psycopg.connect(url) as conn:
        version = one_row(conn.execute("SHOW server_version"))[0]
        size_sql = "SELECT pg_size_pretty(pg_database_size(current_database()))"
        size = one_row(conn.execute(size_sql))[0]
        autovacuum = one_row(conn.execute("SHOW autovacuum"))[0]
        yield f"PostgreSQL {version}, database {size}, autovacuum {autovacuum}"
        counts = one_row(
            conn.execute(
                "SELECT (SELECT count(*) FROM tickets_ticket),"
                " (SELECT count(*) FROM tickets_ticketchange),"
                " (SELECT count(*) FROM tickets_comment)"
            )
        )
        yield f"rows: {counts[0]:,} tickets, {counts[1]:,} history entries, {counts[2]:,} comments"
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    yield f"load generator: {(wrk.stdout or wrk.stderr).splitlines()[0].split(' Copyright')[0]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000, help="tickets (default 1M)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up before each")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--quick", action="store_true", help="smoke run: 20k tickets, 3 s each")
    parser.add_argument("--reseed", action="store_true", help="seed even if the data are there")
    parser.add_argument("--no-explain", action="store_true", help="skip the EXPLAIN ANALYZE part")
    parser.add_argument(
        "--only",
        action="append",
        help=f"run only these scenarios (repeatable, by name; {WRITE_COST!r} for that report)",
    )
    parser.add_argument(
        "--writes", type=int, default=WRITES, help=f"PATCHes per write-cost row ({WRITES:,})"
    )
    args = parser.parse_args()
    if args.quick:
        args.count, args.duration, args.warmup = 20_000, 3.0, 1.0
        args.writes = min(args.writes, 500)
    known = {s.name for s in SCENARIOS} | {WRITE_COST}
    if unknown := set(args.only or ()) - known:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")

    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    url, name, admin_url = database_urls(base, args.count)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    results_file = BENCH / "results" / f"{stamp}.txt"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-" + "x" * 50,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
        # list (200 users) logs 200 requesters in from one address at the start.
        "THROTTLE_LOGIN_ADDRESS": "100000/min",
    }
    out(f"Service Desk benchmark, {stamp}: {args.count:,} tickets, {args.connections} connections")
    out(f"database: {name}")
    ensure_database(admin_url, name)
    prepare_database(env, url, args.count, args.reseed)
    for line in environment_lines(url):
        out(line)
    ids = sample_ids(url)
    scenarios = [s for s in SCENARIOS if not args.only or s.name in args.only]

    workdir = Path(tempfile.mkdtemp(prefix="servicedesk-bench-"))
    service_log = (workdir / "service.log").open("w")
    raw_log = (workdir / "raw.log").open("w")
    service = Server("service", "config.wsgi:application", SERVICE_PORT, env, service_log)
    raw = Server("raw", "raw_app:application", RAW_PORT, env, raw_log)
    sampler = RssSampler(service)
    postmaster = local_postmaster() if urlsplit(url).hostname in LOCAL_HOSTS else None
    try:
        service.wait_ready()
        raw.wait_ready()
        password = seeded_password(env)
        tokens = {
            "agent": [token_for(AGENT, password)],
            "requester": [token_for(REQUESTER, password)],
        }
        if any(s.role == "users" for s in SCENARIOS if not args.only or s.name in args.only):
            started = time.monotonic()
            tokens["users"] = user_tokens(USERS, password, BENCH / "results" / f".tokens-{name}")
            out(f"tokens of {len(USERS)} requesters: {time.monotonic() - started:.1f} s")
        else:
            tokens["users"] = tokens["requester"]
        out(f"clients: agent {AGENT}, requester {REQUESTER}, token authentication")
        deep = {
            port: {s.name: deep_paths(port, s.path, tokens[s.role][0]) for s in SCENARIOS if s.deep}
            for port in (SERVICE_PORT, RAW_PORT)
        }
        reached = {n: len(p) for n, p in deep[SERVICE_PORT].items()}
        out(
            f"deep pages: {DEEP_PAGES - DEEP_SET + 1} to {DEEP_PAGES} of each list, by its next"
            f" links ({', '.join(f'{n}: {c} found' for n, c in reached.items())})"
        )
        compare_responses(tokens, ids, deep)
        out(
            f"wrk: 2 threads, {args.connections} connections, {args.warmup:g} s warm-up then "
            f"{args.duration:g} s per measurement; service and raw alternate per scenario"
        )
        out()
        sampler.start()
        nonce = stamp.replace("-", "")
        results: dict[str, dict[str, dict[str, Any]]] = {}
        for number, scenario in enumerate(scenarios):
            order = [("service", SERVICE_PORT), ("raw", RAW_PORT)]
            if number % 2:
                order.reverse()
            results[scenario.name] = {}
            for target, port in order:
                script = workdir / f"scenario{number}-{target}.lua"
                paths = scenario_paths(scenario, ids, deep[port])
                script.write_text(lua_script(scenario, tokens[scenario.role], paths, nonce))
                run_wrk(port, script, args.warmup, args.connections)
                server = service if target == "service" else raw
                before = cpu_seconds(server, postmaster)
                stats = run_wrk(port, script, args.duration, args.connections)
                stats["cpu_ms"] = workers, database = per_request(
                    before, cpu_seconds(server, postmaster), stats["requests"]
                )
                results[scenario.name][target] = stats
                out(
                    f"  {scenario.name:<18} {target:<8} {stats['rps']:8.0f} req/s"
                    f"  p50 {stats['p50_us'] / 1000:6.1f} ms  p99 {stats['p99_us'] / 1000:6.1f} ms"
                    f"  errors {stats['errors']}  CPU per request: workers"
                    f" {cpu_text(workers, ' ms')}, PostgreSQL {cpu_text(database, ' ms')}"
                )
        sampler.stopped.set()
        if results:
            out()
            for line in table(results):
                out(line)
            out()
            for line in cpu_table(results):
                out(line)
        out()
        hwm, private = worker_memory(service.workers())
        out(
            f"service worker memory: peak RSS {sampler.peak / 1024:.0f} MiB over the run "
            f"(sampled, {len(sampler.pids)} worker processes seen: gunicorn recycles them "
            f"after max_requests), VmHWM of the current workers {hwm / 1024:.0f} MiB, "
            f"{private / 1024:.0f} MiB of it private (not shared with the master)"
        )
        hwm, private = worker_memory(raw.workers())
        out(f"raw worker memory: VmHWM {hwm / 1024:.0f} MiB, {private / 1024:.0f} MiB private")
        if not args.only or WRITE_COST in args.only:
            out()
            with psycopg.connect(url) as conn:
                version = one_row(conn.execute("SHOW server_version_num"))[0]
            if int(version) >= 140000:
                write_cost_report(tokens, ids, url, args.writes, nonce)
            else:
                out("Write cost: needs pg_stat_wal, PostgreSQL 14 or later")
    finally:
        sampler.stopped.set()
        service.stop()
        raw.stop()
        service_log.close()
        raw_log.close()

    if not args.no_explain:
        out()
        out("EXPLAIN ANALYZE of the SQL the service issues for each scenario:")
        explained = subprocess.run(
            [str(PYTHON), str(BENCH / "explain.py"), str(ids[0]), AGENT, REQUESTER],
            cwd=ROOT,
            env={**env, "ALLOWED_HOSTS": "testserver"},
            capture_output=True,
            text=True,
        )
        for line in (explained.stdout + explained.stderr).splitlines():
            out(line)
    out()
    out(f"Saved to {results_file.relative_to(ROOT)}")
    out.save(results_file)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
