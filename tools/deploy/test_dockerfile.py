"""The Dockerfile lints clean and keeps its promises: stages, non-root, health check, context."""

import subprocess
from pathlib import Path

import dockerfile
import pytest
from conftest import REPO

STAGES = dockerfile.parse(REPO / "Dockerfile")
FINAL = STAGES[-1]


def test_hadolint_finds_nothing_at_warning_level_or_above(venv_bin: Path) -> None:
    result = subprocess.run(
        [str(venv_bin / "hadolint"), "--failure-threshold", "warning", "Dockerfile"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_node_stage_builds_the_spa_and_the_final_image_is_python_slim() -> None:
    assert STAGES[0].base.startswith("node:20")
    assert [i.arguments for i in STAGES[0].all("RUN")] == [
        "npm ci --no-audit --no-fund",
        "npm run build",
    ]
    assert FINAL.base == "python:3.12-slim"


def test_dependencies_come_from_wheels_only_so_no_compiler_is_needed() -> None:
    installs = [i.arguments for s in STAGES for i in s.all("RUN") if "pip install" in i.arguments]
    assert installs and all("--only-binary=:all:" in i for i in installs)
    assert not any("apt-get" in i.arguments for i in FINAL.all("RUN"))


def test_the_image_runs_as_a_numeric_non_root_user() -> None:
    (user,) = FINAL.all("USER")
    uid = user.arguments.split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000


def test_static_files_are_collected_at_build_time_without_a_real_secret() -> None:
    (collect,) = [i for i in FINAL.all("RUN") if "collectstatic" in i.arguments]
    assert "SECRET_KEY=" in collect.arguments
    assert "SECRET_KEY" not in FINAL.env()
    assert "DATABASE_URL" not in FINAL.env()
    assert not FINAL.all("ARG")


def test_it_serves_gunicorn_on_port_8000_with_the_config_file() -> None:
    assert FINAL.all("EXPOSE")[0].arguments == "8000"
    assert FINAL.all("CMD")[-1].exec_form() == [
        "gunicorn",
        "--config",
        "config/gunicorn.conf.py",
        "config.wsgi:application",
    ]


def test_the_health_check_asks_healthz_with_python() -> None:
    (check,) = FINAL.all("HEALTHCHECK")
    command = check.exec_form()
    assert command[0] == "python"
    assert "/healthz" in command[-1]


@pytest.mark.parametrize(
    "path",
    [
        ".git",
        ".venv",
        "frontend/node_modules",
        "frontend/dist",
        ".pgdata",
        "db.sqlite3",
        ".env",
        "tickets/__pycache__",
    ],
)
def test_dockerignore_keeps_local_state_out_of_the_context(path: str) -> None:
    assert dockerfile.ignored(REPO / ".dockerignore", path)


@pytest.mark.parametrize(
    "path", ["manage.py", "requirements.txt", "config/settings.py", "frontend/package.json"]
)
def test_dockerignore_keeps_what_the_image_needs(path: str) -> None:
    assert not dockerfile.ignored(REPO / ".dockerignore", path)
