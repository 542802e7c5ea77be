"""The embedded PostgreSQL server of `make run` and `make test` works for Service Desk.

On a fresh data folder of its own (whatever DATABASE_URL says): `tools/devdb start`, the
migrations, a ticket created through the API and found by a word form (Russian stemming) and by a
substring (trigram index), then `tools/devdb stop` and a second start on the same folder that
still finds it, and a last stop that leaves no server process behind.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEVDB = REPO / "tools" / "devdb"
DESK = REPO / "tools" / "devdb_smoke" / "desk.py"
TITLE = "Принтеры не работают"
# `принтеров` is found only through its stem, `нтер` only as a substring, `ПРИНТЕР` only when the
# server folds Cyrillic case; `сканер` must find nothing.
SEARCHES = ["принтер", "принтеров", "нтер", "ПРИНТЕР", "сканер"]


def devdb(data_dir: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(DEVDB), "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def django(url: str, *args: str) -> str:
    """Runs a Python command of the project with the embedded server as its database."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "DATABASE_URL": url,
        "SECRET_KEY": "devdb-smoke-test-only",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def search(url: str, *create: str) -> dict[str, list[str]]:
    return json.loads(django(url, str(DESK), *create, *SEARCHES).splitlines()[-1])


def postmaster_pid(data_dir: Path) -> int:
    return int((data_dir / "postmaster.pid").read_text().split()[0])


def gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    # Not under pytest's temp folder: as root the server runs as another user, who may not
    # enter it. mkdtemp's folder is the data folder itself, handed to that user.
    path = Path(tempfile.mkdtemp(prefix="devdb-smoke-"))
    try:
        yield path
    finally:
        subprocess.run([sys.executable, str(DEVDB), "--data-dir", str(path), "stop"], timeout=120)
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def first_run(data_dir: Path) -> dict[str, list[str]]:
    """Search results on a freshly initialised server with one migrated, created ticket."""
    url = devdb(data_dir, "start")
    django(url, "manage.py", "migrate", "--noinput")
    return search(url, "--create", TITLE)


@pytest.fixture(scope="module")
def after_restart(data_dir: Path, first_run: dict[str, list[str]]) -> dict[str, list[str]]:
    """Search results after the server was stopped and started again on the same folder."""
    pid = postmaster_pid(data_dir)
    devdb(data_dir, "stop")
    assert gone(pid)
    return search(devdb(data_dir, "start"))


def test_the_server_is_postgresql_with_the_url_that_start_prints(data_dir: Path) -> None:
    url = devdb(data_dir, "start")

    assert url.startswith("postgres://postgres:")
    assert "@127.0.0.1:" in url and url.endswith("/servicedesk")


def test_a_ticket_is_found_by_a_word_form(first_run: dict[str, list[str]]) -> None:
    assert first_run["принтер"] == [TITLE]
    assert first_run["принтеров"] == [TITLE]


def test_a_ticket_is_found_by_a_substring(first_run: dict[str, list[str]]) -> None:
    assert first_run["нтер"] == [TITLE]


def test_a_search_ignores_cyrillic_case(first_run: dict[str, list[str]]) -> None:
    assert first_run["ПРИНТЕР"] == [TITLE]


def test_a_search_for_another_word_finds_nothing(first_run: dict[str, list[str]]) -> None:
    assert first_run["сканер"] == []


def test_the_ticket_and_its_search_survive_a_restart(
    first_run: dict[str, list[str]], after_restart: dict[str, list[str]]
) -> None:
    assert after_restart == first_run


def test_stop_leaves_no_server_process(data_dir: Path, after_restart: object) -> None:
    pid = postmaster_pid(data_dir)

    devdb(data_dir, "stop")

    assert gone(pid)
    assert not (data_dir / "postmaster.pid").exists()
