"""Instructions the service's Python process spends per API request, counted by callgrind.

Wall-clock figures on a shared two-core machine swing by 20% from one minute to the next;
instruction counts do not. Each scenario of the load benchmark runs in-process through the
WSGI handler (no server, no network; the database is the benchmark's), twice under callgrind:
with the warm-up only, then with N more requests. The difference over N is what one request
costs the service's process, the database's work excluded. With --against REV the same is
measured, in the same run, for that revision (checked out into a temporary worktree), and the
ratio printed; the same code against itself gives 0.97-0.99, so smaller differences are noise.

    .venv/bin/python bench/instructions.py [--against REV] [--requests N] [scenario ...]

It reuses the benchmark's database: run bench/run once first.
"""

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import (
    AGENT,
    DEEP_PAGES,
    DEEP_SET,
    DEFAULT_URL,
    PRIORITIES,
    REQUESTER,
    SCENARIOS,
    STATUSES,
    USERS,
    database_urls,
    scenario_paths,
)

ROOT = Path(__file__).resolve().parent.parent
WARMUP = 30
COLLECTED = re.compile(r"Collected : (\d+)")


def request_for(scenario: Any, i: int, paths: list[str], nonce: str) -> tuple[str, str, Any]:
    """(method, path, JSON body or None) of the i-th request, as the load benchmark makes it."""
    path = paths[i % len(paths)]
    if scenario.name == "create":
        device = "Принтер" if i % 13 == 0 else "Монитор"
        title = f"{device} в кабинете {300 + i % 600} не работает"
        text = f"Индикатор мигает, перезагрузка не помогла. Run {nonce}."
        return "POST", path, {"title": title, "description": text, "priority": "high"}
    if scenario.name == "update":
        return "PATCH", path, {"description": f"Обновлено: прогон {nonce}-{i}"}
    if scenario.name == "update (status)":
        turn = i % len(paths) + i // len(paths)
        status, priority = STATUSES[turn % len(STATUSES)], PRIORITIES[turn % len(PRIORITIES)]
        return "PATCH", path, {"status": status, "priority": priority}
    return scenario.method, path, None


def caller(name: str, application: Any) -> Callable[[int], None]:
    """A function that makes the i-th request of scenario `name` to `application`, as the load
    benchmark's client would, and fails unless it succeeds."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.authtoken.models import Token

    [scenario] = [s for s in SCENARIOS if s.name == name]
    usernames = {"agent": [AGENT], "requester": [REQUESTER], "users": USERS}[scenario.role]
    users = get_user_model().objects.filter(username__in=usernames)
    tokens = [Token.objects.get_or_create(user=user)[0].key for user in users]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM tickets_ticket WHERE deleted_at IS NULL ORDER BY id LIMIT 200"
        )
        ids = [row[0] for row in cursor.fetchall()]
    connection.close()
    nonce = str(time.time_ns())

    def send(method: str, path: str, body: Any, token: str) -> Any:
        path, _, query = path.partition("?")
        data = json.dumps(body).encode() if body is not None else b""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Token {token}",
            "HTTP_ACCEPT": "application/json",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(data)),
            "wsgi.input": io.BytesIO(data),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        answered: list[str] = []
        body_out = b"".join(application(environ, lambda status, *_: answered.append(status)))
        if not answered[0].startswith("20"):
            raise SystemExit(f"{name}: {method} {path} answered {answered[0]}: {body_out[:300]!r}")
        return json.loads(body_out) if body_out else None

    if scenario.deep:
        # The deep pages, reached by following `next` as the load benchmark does.
        paths, path = [], scenario.path
        for page in range(1, DEEP_PAGES + 1):
            if page > DEEP_PAGES - DEEP_SET:
                paths.append(path)
            following = send("GET", path, None, tokens[0]).get("next")
            if not following:
                break
            parts = urlsplit(following)
            path = f"{parts.path}?{parts.query}"
    else:
        paths = scenario_paths(scenario, ids, {})

    def call(i: int) -> None:
        method, path, body = request_for(scenario, i, paths, nonce)
        send(method, path, body, tokens[i % len(tokens)])

    return call


def child(tree: Path, name: str, requests: int) -> None:
    """Runs in the measured process: WARMUP + `requests` requests of scenario `name`."""
    sys.path.insert(0, str(tree))
    os.chdir(tree)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # Under valgrind a run takes fifty times as long: caches that expire by the clock would run
    # out at random points, so they last the whole run and every request counted is a
    # steady-state one (as far as settings reach: a cache whose lifetime no setting names
    # expires as it would).
    os.environ["DB_HEALTH_CHECK_IDLE_MS"] = "86400000"
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    call = caller(name, get_wsgi_application())
    for i in range(WARMUP + requests):
        call(i)


def instructions(tree: Path, name: str, requests: int, env: dict[str, str]) -> int:
    """Instructions per request of scenario `name` in `tree`."""
    totals = []
    for n in (0, requests):
        command = [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--child",
            str(tree),
            name,
            str(n),
        ]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        found = COLLECTED.search(done.stderr)
        if done.returncode or not found:
            raise SystemExit(f"{name} in {tree} failed:\n{done.stderr[-2000:]}")
        totals.append(int(found.group(1)))
    return (totals[1] - totals[0]) // requests


def scenario_parser(description: str, requests: int) -> argparse.ArgumentParser:
    """Arguments of a script that runs the benchmark's scenarios in-process."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: all)")
    parser.add_argument(
        "--requests", type=int, default=requests, help=f"measured requests ({requests})"
    )
    parser.add_argument("--count", type=int, default=1_000_000, help="the benchmark's size")
    return parser


def chosen_scenarios(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    names = args.scenarios or [s.name for s in SCENARIOS]
    unknown = set(names) - {s.name for s in SCENARIOS}
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return names


def measured_environment(count: int) -> dict[str, str]:
    """The environment of a measured process: the benchmark's database, production settings."""
    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    return {
        **os.environ,
        "DATABASE_URL": database_urls(base, count)[0],
        "SECRET_KEY": "bench-" + "x" * 50,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": str(ROOT / "bench"),
        # String hashes seeded at random move dict and set work around between runs.
        "PYTHONHASHSEED": "0",
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
        return
    parser = scenario_parser(__doc__.split("\n\n")[0], requests=100)
    parser.add_argument("--against", metavar="REV", help="a git revision to compare with")
    args = parser.parse_args()
    names = chosen_scenarios(parser, args)
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    env = measured_environment(args.count)
    trees = {"this tree": ROOT}
    worktree = None
    if args.against:
        worktree = Path(tempfile.mkdtemp(prefix="servicedesk-against-"))
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(worktree), args.against],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        trees = {args.against: worktree, **trees}
    try:
        print(f"instructions per request (callgrind, {args.requests} requests after {WARMUP})")
        header = "".join(f" | {label[:14]:>14}" for label in trees)
        print(f"{'scenario':18}{header}" + (" |  ratio" if worktree else ""))
        for name in names:
            counts = [instructions(tree, name, args.requests, env) for tree in trees.values()]
            row = "".join(f" | {count / 1e6:12.2f} M" for count in counts)
            ratio = f" | {counts[1] / counts[0]:6.2f}" if worktree else ""
            print(f"{name:18}{row}{ratio}", flush=True)
    finally:
        if worktree is not None:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False
            )


if __name__ == "__main__":
    main()
