"""Shared fixtures of the deployment checks, and the closing "N passed, N failed" line."""

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "helm" / "service-desk"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def venv_bin() -> Path:
    """The bin/ folder of the Python running the checks, where the pinned tools are installed."""
    return Path(sys.executable).parent


@pytest.fixture(scope="session")
def database_url() -> str:
    """The PostgreSQL server of the checks (Django's own checks ask it for its version)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        pytest.fail("DATABASE_URL is not set: run `make test-deploy`, which starts a server")
    return url


class _Tally:
    """Counts outcomes per test (a failed setup or teardown counts the test as failed)."""

    def __init__(self) -> None:
        self.outcomes: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.outcomes[report.nodeid] = "failed"
        elif report.skipped:
            self.outcomes.setdefault(report.nodeid, "skipped")
        elif report.when == "call":
            self.outcomes.setdefault(report.nodeid, "passed")

    def pytest_unconfigure(self) -> None:
        counts = {k: list(self.outcomes.values()).count(k) for k in ("passed", "failed", "skipped")}
        line = f"{counts['passed']} passed, {counts['failed']} failed"
        if counts["skipped"]:
            line += f", {counts['skipped']} skipped"
        sys.stdout.write(line + os.linesep)
        sys.stdout.flush()


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_Tally(), "deploy-tally")
