"""docker-compose.yaml is valid, demands its secrets, and .env.example documents every setting."""

import json
import re
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from test_chart import app_environment_variables

SECRETS = ("SECRET_KEY", "POSTGRES_PASSWORD")


def env_example() -> dict[str, str]:
    pairs = re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", (REPO / ".env.example").read_text(), re.M)
    return dict(pairs)


def compose(project: Path, venv_bin: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """docker compose on a copy of the compose file, with `.env` beside it (a fresh clone has
    no .env, and a developer's own one must not decide the result)."""
    return subprocess.run(
        [str(venv_bin / "docker-compose"), "-f", "docker-compose.yaml", *args],
        cwd=project,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(REPO / "docker-compose.yaml", tmp_path / "docker-compose.yaml")
    return tmp_path


def write_env(project: Path, **overrides: str) -> None:
    values = env_example() | overrides
    (project / ".env").write_text("".join(f"{k}={v}\n" for k, v in values.items()))


def test_compose_config_is_valid_with_env_example_filled_in(project: Path, venv_bin: Path) -> None:
    write_env(project, **{name: secrets.token_urlsafe(24) for name in SECRETS})

    result = compose(project, venv_bin, "config", "--quiet")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", SECRETS)
def test_compose_refuses_to_start_without_a_secret(
    project: Path, venv_bin: Path, missing: str
) -> None:
    filled = {name: secrets.token_urlsafe(24) for name in SECRETS if name != missing}
    write_env(project, **filled)

    result = compose(project, venv_bin, "config", "--quiet")

    assert result.returncode != 0
    assert missing in result.stderr


def test_env_example_has_no_secret_values() -> None:
    values = env_example()
    assert all(values[name] == "" for name in (*SECRETS, "ADMIN_PASSWORD"))


def test_env_example_documents_every_setting_the_app_reads() -> None:
    documented = set(env_example())
    text = (REPO / ".env.example").read_text()
    # DATABASE_URL is assembled by compose from the POSTGRES_* values; the file explains it.
    assert "DATABASE_URL" in text

    assert app_environment_variables() - documented - {"DATABASE_URL", "GUNICORN_BIND"} == set()
    for name in ("WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "ADMIN_USERNAME", "ADMIN_PASSWORD"):
        assert name in documented


def test_every_variable_in_env_example_has_a_comment() -> None:
    lines = (REPO / ".env.example").read_text().splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):
            block = lines[max(0, number - 3) : number]
            assert any(b.startswith("#") for b in block), line


@pytest.fixture
def services(project: Path, venv_bin: Path) -> dict[str, Any]:
    write_env(project, **{name: "x" for name in SECRETS})
    result = compose(project, venv_bin, "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["services"]


def test_web_starts_after_the_database_is_healthy_and_migrations_completed(
    services: dict[str, Any],
) -> None:
    depends = services["web"]["depends_on"]
    assert depends["db"]["condition"] == "service_healthy"
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["web"]["ports"][0]["published"] == "8000"


def test_migrate_and_web_share_one_image(services: dict[str, Any]) -> None:
    assert services["migrate"]["image"] == services["web"]["image"]
    command = " ".join(services["migrate"]["command"])
    assert "manage.py migrate --noinput" in command
    assert "manage.py createcachetable" in command
    assert services["migrate"]["restart"] == "no"


def test_postgres_keeps_its_data_in_a_named_volume_and_has_a_healthcheck(
    services: dict[str, Any],
) -> None:
    db = services["db"]
    assert db["image"] == "postgres:15"
    assert db["volumes"][0]["type"] == "volume"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_the_app_gets_database_url_pointing_at_the_db_service(services: dict[str, Any]) -> None:
    url = services["web"]["environment"]["DATABASE_URL"]
    assert re.fullmatch(r"postgres://service_desk:x@db:5432/service_desk", url)
