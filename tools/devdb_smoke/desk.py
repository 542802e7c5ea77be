"""Creates and searches tickets through the API, in this process (Django's test client).

For the embedded server's smoke test, which runs it with the server's DATABASE_URL after
`manage.py migrate`, to spare the Django start-ups of separate commands:

    python tools/devdb_smoke/desk.py [--create TITLE] TEXT...

makes the cache table (as `make migrate` does), creates a ticket titled TITLE when asked, then
searches for each TEXT and prints {text: [titles found]} as JSON.
"""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

AGENT = "devdb-smoke-agent"


def titles(data: Any) -> list[str]:
    """Every `title` in a JSON answer, whatever shape its page has."""
    if isinstance(data, dict):
        found = [data["title"]] if isinstance(data.get("title"), str) else []
        return found + [title for value in data.values() for title in titles(value)]
    if isinstance(data, list):
        return [title for item in data for title in titles(item)]
    return []


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--create", metavar="TITLE")
    parser.add_argument("texts", nargs="+")
    options = parser.parse_args(argv)

    call_command("createcachetable", verbosity=0)
    agent, _ = get_user_model().objects.get_or_create(username=AGENT, defaults={"is_staff": True})
    client = Client()
    client.force_login(agent)
    if options.create:
        response = client.post(
            "/api/tickets",
            {"title": options.create, "description": ""},
            content_type="application/json",
        )
        if response.status_code != 201:
            sys.exit(f"create: {response.status_code} {response.content.decode()}")
    found: dict[str, list[str]] = {}
    for text in options.texts:
        response = client.get("/api/tickets", {"search": text})
        if response.status_code != 200:
            sys.exit(f"search {text!r}: {response.status_code} {response.content.decode()}")
        found[text] = titles(json.loads(response.content))
    print(json.dumps(found, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
