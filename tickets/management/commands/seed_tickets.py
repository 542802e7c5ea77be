"""Fills the database with realistic tickets, history and comments for demos and benchmarks.

The command ships with the app, so it guards the data it could destroy: it runs only with DEBUG
on or `--allow-production`, deletes nothing without `--reset` (confirmed on the terminal unless
`--no-input`), and gives the seeded accounts a password made for the run unless `--password`
sets one. The work itself is in `tickets.seed`.
"""

import datetime
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from tickets.models import Ticket
from tickets.seed.seeder import Options, Seeder
from tickets.seed.users import People, generate_password


class Command(BaseCommand):
    help = (
        "Fill the database (PostgreSQL) with realistic tickets (Russian and English), their "
        "history and comments, ~50 agents (agent001...) and ~5,000 requesters (user0001...). "
        "Adds to what is there unless --reset is given. Deterministic for a given --seed, --end "
        "and --batch. First rebuilds any indexes that an interrupted run left dropped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="tickets to add")
        parser.add_argument("--agents", type=int, default=50)
        parser.add_argument("--requesters", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=10_000, help="tickets per batch")
        parser.add_argument(
            "--password",
            default=None,
            help=(
                "password of the seeded accounts this run creates (or, with --reset, reuses); "
                "default: a random one, printed at the end"
            ),
        )
        parser.add_argument(
            "--end",
            default=None,
            help=(
                "ISO date the two years of tickets end at: everything happens before its "
                "midnight, UTC (default: today)"
            ),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=(
                "first delete ALL tickets, history and comments, and the seeded users that this "
                "run does not reuse (asks for confirmation unless --no-input)"
            ),
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask to confirm --reset",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="run even though DEBUG is off",
        )
        parser.add_argument(
            "--rebuild-indexes",
            choices=("auto", "always", "never"),
            default="auto",
            help=(
                "drop the tables' secondary indexes and foreign keys for the load and rebuild "
                "them afterwards (auto: when the load at least doubles the table)"
            ),
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help=(
                "processes that make and copy tickets at once, and connections that rebuild "
                "indexes (default: the number of CPUs; 1 loads in one transaction)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "seed_tickets writes demo data and is meant for development, and DEBUG is off. "
                "If this database may really get seeded tickets and accounts, pass "
                "--allow-production."
            )
        if connection.vendor != "postgresql":
            raise CommandError(f"seed_tickets needs PostgreSQL, not {connection.vendor}.")
        count, batch, jobs = options["count"], options["batch"], options["jobs"]
        if count < 0 or min(batch, jobs, options["agents"], options["requesters"]) < 1:
            raise CommandError(
                "--count must be >= 0; --batch, --jobs, --agents, --requesters >= 1."
            )
        end_day = options["end"] or timezone.now().date().isoformat()
        try:
            end = datetime.datetime.combine(
                datetime.date.fromisoformat(end_day), datetime.time.min, datetime.UTC
            )
        except ValueError:
            raise CommandError(f"--end must be an ISO date, got {end_day!r}") from None
        if options["reset"] and options["interactive"]:
            self._confirm_reset()
        password = options["password"] or generate_password()

        result = Seeder(
            Options(
                count=count,
                agents=options["agents"],
                requesters=options["requesters"],
                seed=options["seed"],
                batch=batch,
                password=password,
                generated_password=not options["password"],
                end=end,
                reset=options["reset"],
                rebuild_indexes=options["rebuild_indexes"],
                jobs=jobs,
            ),
            stdout=self.stdout,
            stderr=self.stderr,
        ).run()

        people = result.people
        self.stdout.write(
            f"Seeded {count:,} tickets, {result.changes:,} history entries and"
            f" {result.comments:,} comments for {len(people.agents)} agents and"
            f" {len(people.requesters)} requesters in {result.finished - result.started:.1f} s"
            f" (prepare {result.prepared - result.started:.1f} s,"
            f" load {result.loaded - result.prepared:.1f} s,"
            f" indexes and vacuum {result.finished - result.loaded:.1f} s)."
        )
        self.stdout.write(
            self._accounts(people, password=None if options["password"] else password)
        )

    def _confirm_reset(self) -> None:
        database = connection.settings_dict["NAME"]
        question = (
            f"--reset deletes ALL {Ticket.objects.count():,} tickets in database {database!r},"
            " their history and comments, and the seeded accounts (agent001..., user0001...)"
            " that this run does not reuse.\nType 'yes' to continue, or 'no' to cancel: "
        )
        try:
            answer = input(question)
        except EOFError:
            answer = ""
        if answer.strip().lower() != "yes":
            raise CommandError("Reset cancelled: nothing was changed.")

    @staticmethod
    def _accounts(people: People, *, password: str | None) -> str:
        """Which seeded accounts have which password; a generated one is shown only here."""
        given = "the password given with --password" if password is None else password
        if not people.kept:
            return f"Password of the seeded accounts (agent001..., user0001...): {given}"
        if not people.created:
            return (
                f"The {people.kept:,} seeded accounts existed already and keep their passwords"
                " (--reset gives them a new one)."
            )
        return (
            f"Password of the {people.created:,} seeded accounts created now: {given}; the"
            f" {people.kept:,} that existed already keep theirs (--reset gives them the new one)."
        )
