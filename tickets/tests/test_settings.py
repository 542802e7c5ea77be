"""Settings come from the environment and fail loudly on missing or malformed values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """This interpreter with `args`, in the project's root, with exactly the environment `env`."""
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def check(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    return run(["manage.py", "check"], {**clean, **env})


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = check(DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_starts_in_debug_without_a_secret_key():
    result = check(DEBUG="true")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false, got 'maybe'"),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS must be an integer, got 'a year'"),
    ],
)
def test_it_rejects_malformed_values(variable, value, message):
    result = check(SECRET_KEY="x" * 50, **{variable: value})

    assert result.returncode != 0
    assert message in result.stderr


def after_wsgi_import(code: str) -> list[str]:
    """The words `code` prints in a fresh interpreter that has imported the WSGI module, as
    gunicorn's master does before it forks the workers."""
    result = run(["-c", f"import config.wsgi; {code}"], {**os.environ, "DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_wsgi_module_loads_every_view_before_workers_fork_and_no_connection():
    # gunicorn imports it once and forks the workers from that process (preload_app): what it
    # loads, a recycled worker has at once; a database connection must not cross the fork.
    printed = after_wsgi_import(
        "import sys; from django.db import connections;"
        "print('tickets.views' in sys.modules, 'drf_spectacular.views' in sys.modules,"
        " any(c.connection is not None for c in connections.all()))"
    )

    assert printed == ["True", "True", "False"]


def test_the_wsgi_module_hides_what_it_loaded_from_the_workers_garbage_collector():
    # A worker's full collection would walk all of Django otherwise: a long pause, and pages
    # shared with the master copied. What the app makes later is still collected.
    printed = after_wsgi_import(
        "import gc; frozen = gc.get_freeze_count();"
        "a = []; a.append(a); del a;"
        "print(frozen > 20000, len(gc.get_objects()) < frozen / 4, gc.collect() >= 1)"
    )

    assert printed == ["True", "True", "True"]
