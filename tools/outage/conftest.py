"""The outage test stack: gunicorn as in production, reaching PostgreSQL only through TcpProxy.

With root (CI, developer machines) gunicorn and the database end of the proxy live in a private
network namespace, so the tests can also blackhole the link with that namespace's firewall;
the HTTP side is forwarded out of it by a second, never-cut proxy. Without one, gunicorn runs
on the host and only the reset outage is tested.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from tcp_proxy import Netns, TcpProxy

ROOT = Path(__file__).resolve().parents[2]
PYTHON = os.environ.get("PYTHON", sys.executable)
PASSWORD = secrets.token_urlsafe(18)
APP_PORT_IN_NETNS = 8000
DB_PORT_IN_NETNS = 15432


@dataclass
class Answer:
    """One HTTP exchange as the client saw it; status 0 when no answer came."""

    method: str
    path: str
    status: int
    seconds: float
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str = ""

    def json(self) -> Any:
        return json.loads(self.body)

    def __str__(self) -> str:
        what = f"{self.status}" if self.status else f"no answer ({self.error})"
        text = self.body[:300].decode(errors="replace")
        return f"{self.method} {self.path} -> {what} in {self.seconds:.2f}s: {text}"


@dataclass
class Ledger:
    """Every write the API acknowledged (2xx) and every create it did not, for the final check."""

    created: dict[str, int] = field(default_factory=dict)  # Idempotency-Key -> ticket id
    unacknowledged: list[str] = field(default_factory=list)  # keys of creates without a 2xx
    titles: dict[str, str] = field(default_factory=dict)  # key -> title sent
    patched: list[tuple[int, str, int]] = field(default_factory=list)  # ticket, title, version


class Stack:
    """The running app and the proxies in front of the database and of the app."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.netns: Netns | None = None
        self.db_proxy: TcpProxy | None = None
        self.http_proxy: TcpProxy | None = None
        self.gunicorn: subprocess.Popen[bytes] | None = None
        self.base = ("127.0.0.1", 0)
        self.tokens: dict[str, str] = {}
        self.figures: list[tuple[str, Answer]] = []
        self.ledger = Ledger()
        self.database_url = os.environ["DATABASE_URL"]

    # Setup and teardown.

    def start(self) -> Stack:
        try:
            if shutil.which("iptables") is None:
                raise OSError("iptables is not installed")
            self.netns = Netns().start()
            assert self.netns.process is not None
            (self.work / "netns.pid").write_text(str(self.netns.process.pid))
            self.netns.run("iptables", "-L", "-n")
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"No network namespace ({error}): the blackhole outage is skipped.")
            if self.netns is not None:
                self.netns.stop()
            self.netns = None
        database = urllib.parse.urlsplit(self.database_url)
        netns_path = self.netns.path if self.netns else None
        self.db_proxy = TcpProxy(
            upstream=(database.hostname or "127.0.0.1", database.port or 5432),
            listen=("127.0.0.1", DB_PORT_IN_NETNS if self.netns else 0),
            listen_netns=netns_path,
        ).start()
        self._manage("migrate", "--noinput")
        self._manage("createcachetable")
        self._manage("ensure_user", "outage-agent", f"--password={PASSWORD}", "--agent")
        self._manage("ensure_user", "outage-requester", f"--password={PASSWORD}")
        app_port = APP_PORT_IN_NETNS if self.netns else free_port()
        self._start_gunicorn(app_port)
        if self.netns:
            self.http_proxy = TcpProxy(
                upstream=("127.0.0.1", app_port), upstream_netns=netns_path
            ).start()
            self.base = self.http_proxy.address
        else:
            self.base = ("127.0.0.1", app_port)
        self._wait_until_ready()
        for role in ("agent", "requester"):
            answer = self.call(
                "POST",
                "/api/auth/token",
                body={"username": f"outage-{role}", "password": PASSWORD},
            )
            assert answer.status == 200, str(answer)
            self.tokens[role] = answer.json()["token"]
        return self

    def stop(self) -> None:
        if self.gunicorn is not None and self.gunicorn.poll() is None:
            self.gunicorn.send_signal(signal.SIGTERM)
            try:
                self.gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.gunicorn.pid, signal.SIGKILL)
                self.gunicorn.wait()
        for proxy in (self.http_proxy, self.db_proxy):
            if proxy is not None:
                proxy.stop()
        if self.netns is not None:
            self.netns.stop()

    def _manage(self, *args: str) -> None:
        subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self._env(self.database_url),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def _env(self, database_url: str) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "GUNICORN_WORKERS": "2",
        }

    def proxied_database_url(self) -> str:
        """DATABASE_URL with the proxy as host:port, plus OUTAGE_DB_OPTIONS as query options."""
        assert self.db_proxy is not None
        parts = urllib.parse.urlsplit(self.database_url)
        credentials = parts.netloc.rpartition("@")[0]
        netloc = f"{credentials}@127.0.0.1:{self.db_proxy.port}"
        query = "&".join(filter(None, [parts.query, os.environ.get("OUTAGE_DB_OPTIONS", "")]))
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc, query=query))

    def _start_gunicorn(self, port: int) -> None:
        env = self._env(self.proxied_database_url())
        env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
        log = open(self.work / "gunicorn.log", "wb")  # noqa: SIM115 (closed with the process)
        # The image's command line (Dockerfile CMD); only the bind address comes from the env.
        self.gunicorn = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "--config",
                "config/gunicorn.conf.py",
                "config.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=self.netns.enter if self.netns else None,
            start_new_session=True,
        )
        (self.work / "gunicorn.pid").write_text(str(self.gunicorn.pid))

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.gunicorn is not None and self.gunicorn.poll() is None, self.log_tail()
            if self.call("GET", "/readyz", timeout=2).status == 200:
                return
            time.sleep(0.2)
        raise AssertionError(f"gunicorn never became ready:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        path = self.work / "gunicorn.log"
        return (
            "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            if path.exists()
            else ""
        )

    # Outages.

    def cut(self, mode: str) -> None:
        assert self.db_proxy is not None
        if mode == "reset":
            self.db_proxy.cut()
        else:
            assert self.netns is not None
            self.netns.drop(self.db_proxy.port)

    def restore(self, mode: str) -> None:
        assert self.db_proxy is not None
        if mode == "reset":
            self.db_proxy.restore()
        else:
            assert self.netns is not None
            with contextlib.suppress(subprocess.CalledProcessError):  # already restored
                self.netns.undrop(self.db_proxy.port)

    def warm(self, requests: int = 8) -> None:
        """Makes both workers hold a database connection, so an outage hits pooled ones."""
        threads = [
            threading.Thread(
                target=self.call, args=("GET", "/api/tickets"), kwargs={"role": "agent"}
            )
            for _ in range(requests)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    # HTTP.

    def call(
        self,
        method: str,
        path: str,
        *,
        role: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        timeout: float = 20,
    ) -> Answer:
        sent = {"Accept": "application/json", **(headers or {})}
        if role is not None:
            sent["Authorization"] = f"Token {self.tokens[role]}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        started = time.monotonic()
        connection = http.client.HTTPConnection(*self.base, timeout=timeout)
        try:
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            data = response.read()
            return Answer(
                method,
                path,
                response.status,
                time.monotonic() - started,
                {key.lower(): value for key, value in response.getheaders()},
                data,
            )
        except (OSError, http.client.HTTPException) as error:
            return Answer(method, path, 0, time.monotonic() - started, error=repr(error))
        finally:
            connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    work = Path(os.environ.get("OUTAGE_WORK") or tmp_path_factory.mktemp("outage"))
    running = Stack(work)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        STACKS.append(running)


STACKS: list[Stack] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Prints how long each request took during and after the outages."""
    for running in STACKS:
        if not running.figures:
            continue
        terminalreporter.section("outage figures")
        for scenario, answer in running.figures:
            what = str(answer.status or f"no answer: {answer.error[:40]}")
            request = f"{answer.method} {answer.path}"
            terminalreporter.write_line(
                f"{scenario:<22} {request:<28} {what:<8} {answer.seconds:6.2f}s"
            )
