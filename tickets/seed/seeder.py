"""One seed run on PostgreSQL: prepare, load, rebuild, in one transaction or on several
connections; the `seed_tickets` command parses the options and decides whether to run at all."""

import datetime
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, OutputWrapper
from django.db import connection, transaction

from tickets.models import Comment, Ticket, TicketChange

from .history import CHANGE_FIELDS, COMMENT_FIELDS, PLAIN_CHANGE_FIELDS
from .indexes import MAINTENANCE_WORK_MEM, Dropped, IndexKeeper, TaskRunner, tasks_for
from .loading import CopyBatches, CopyWriter, ParallelLoad, Progress, Table
from .proportions import MAX_CHANGES, MAX_COMMENTS, SPAN_DAYS
from .tickets import TICKET_FIELDS, Plan, TicketGenerator
from .users import Names, People, delete_seeded_users, seed_accounts

User = get_user_model()

# Held by a run for its whole length (any 64-bit number the app does not use for another lock).
ADVISORY_LOCK = 0x5EED_71C4E75


@dataclass
class Options:
    """What to seed; see the command's help."""

    count: int
    agents: int
    requesters: int
    seed: int
    batch: int
    password: str
    generated_password: bool
    end: datetime.datetime
    reset: bool
    rebuild_indexes: str
    jobs: int


@dataclass
class Setup:
    """What the preparation found out: who the tickets belong to, where the ids start, and what
    was dropped for the load."""

    people: People
    plan: Plan
    dropped: Dropped | None


@dataclass
class Result:
    """What a run wrote, and when its phases ended (time.monotonic())."""

    comments: int
    changes: int
    people: People
    started: float
    prepared: float
    loaded: float
    finished: float


def ticket_tables() -> tuple[Table, Table, Table]:
    """The tables a run writes, in the order their rows refer to each other."""
    return (
        Table(Ticket, TICKET_FIELDS),
        Table(Comment, COMMENT_FIELDS, {"id": "first_comment"}),
        Table(
            TicketChange,
            CHANGE_FIELDS,
            {"id": "first_change", "comment": "first_comment"},
            PLAIN_CHANGE_FIELDS,
        ),
    )


class Seeder:
    """Seeds the database the command runs on, and reports to its output streams."""

    def __init__(self, options: Options, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.options = options
        self.stdout = stdout
        self.stderr = stderr
        self.started = 0.0

    def run(self) -> Result:
        self.started = time.monotonic()
        tables = ticket_tables()
        jobs = self.options.jobs
        # A transaction around the command (tests wrap one) must see every row it writes.
        in_transaction = connection.in_atomic_block
        parallel = not in_transaction and jobs > 1 and self.options.count > self.options.batch
        with self._alone():
            self._restore_leftovers(jobs=1 if in_transaction else jobs)
            if parallel:
                result = self._seed_in_parallel(tables, jobs)
            else:
                result = self._seed_in_one_transaction(tables)
        return result

    @contextmanager
    def _alone(self) -> Iterator[None]:
        """Keeps a second run off the database until this one is done: the tables are not locked
        between the steps of a parallel load, and it would take the dropped indexes for
        leftovers of an interrupted run."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK])
            if not cursor.fetchone()[0]:
                raise CommandError("Another seed_tickets is running on this database.")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK])

    def _report(self, line: str) -> None:
        self.stdout.write(f"  {line}")

    def _restore_leftovers(self, *, jobs: int) -> None:
        """Rebuilds what an earlier run dropped and did not get to put back."""
        with connection.cursor() as cursor:
            dropped = IndexKeeper.pending(cursor)
        if dropped is None:
            return
        self.stdout.write(
            f"An earlier run was interrupted before rebuilding {len(dropped)} indexes and foreign"
            " keys; rebuilding them first."
        )
        self._rebuild(dropped, jobs=jobs)

    def _rebuild(self, dropped: Dropped | None, *, jobs: int, tables: Sequence[str] = ()) -> None:
        """Puts back what the load dropped and vacuums the tables, on `jobs` connections at once
        (outside a transaction) or one after the other on the command's connection."""
        if dropped is not None:
            with connection.cursor() as cursor:
                IndexKeeper.add_foreign_keys(cursor, dropped)
        tasks = tasks_for(dropped, tables=tables)
        if connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
                for task in sorted(tasks, key=lambda task: task.stage):
                    started = time.monotonic()
                    cursor.execute(task.sql)
                    self._report(f"{task.label} ({time.monotonic() - started:.1f} s)")
        else:
            TaskRunner(tasks, jobs=jobs, report=self._report).run()
        if dropped is not None:
            with connection.cursor() as cursor:
                IndexKeeper.forget(cursor)

    def _prepare(self, tables: Sequence[Table]) -> Setup:
        """Locks the tables, resets them if asked, makes the users and finds the first ids; for a
        bulk load also drops the indexes. Runs inside the caller's transaction."""
        options = self.options
        with connection.cursor() as cursor:
            locked = ", ".join(t.name for t in tables)
            # Writers wait; readers (a running app's lists) go on.
            cursor.execute(f"LOCK TABLE {locked} IN EXCLUSIVE MODE")
        names = Names(options.agents, options.requesters)
        if options.reset:
            self._reset(tables, keep=set(names.all))
        people = seed_accounts(
            names=names,
            password=options.password,
            seed=options.seed,
            since=options.end - datetime.timedelta(days=SPAN_DAYS),
            refresh=options.reset,
            generated=options.generated_password,
        )
        existing = Ticket.objects.count() if not options.reset else 0
        mode = options.rebuild_indexes
        rebuild = mode == "always" or (mode == "auto" and options.count >= max(existing, 10_000))
        first_ticket, first_comment, first_change = (self._next_id(t) for t in tables)
        plan = Plan(options.count, options.batch, first_ticket, first_comment, first_change)
        dropped = None
        if rebuild:
            with connection.cursor() as cursor:
                dropped = IndexKeeper.drop(cursor, [t.name for t in tables])
        return Setup(people, plan, dropped)

    def _seed_in_one_transaction(self, tables: Sequence[Table]) -> Result:
        outer_transaction = connection.in_atomic_block
        # COPY FREEZE needs the tables truncated in this very transaction.
        freeze = self.options.reset and not outer_transaction
        with transaction.atomic():
            setup = self._prepare(tables)
            plan = setup.plan
            prepared = time.monotonic()
            generator = TicketGenerator(
                seed=self.options.seed, end=self.options.end, people=setup.people
            )
            writer = CopyWriter(CopyBatches(tables, freeze=freeze), connection.connection)
            progress = Progress(self.stdout, plan.count)
            next_comment, next_change = plan.first_comment, plan.first_change
            try:
                for number, offset, size in plan.batches():
                    batch = plan.make(generator, number, offset, size)
                    writer.write(batch, next_comment, next_change)
                    next_comment += len(batch.comments)
                    next_change += len(batch.changes)
                    progress.update(offset + size)
            finally:
                writer.close()
            progress.update(plan.count, force=True)
            self.stdout.write("")
            loaded = time.monotonic()
            if setup.dropped is not None:
                self._rebuild(setup.dropped, jobs=1)
            self._sync_sequences(tables)
        self._analyze(tables, vacuum=not outer_transaction and not freeze)
        return Result(
            comments=next_comment - plan.first_comment,
            changes=next_change - plan.first_change,
            people=setup.people,
            started=self.started,
            prepared=prepared,
            loaded=loaded,
            finished=time.monotonic(),
        )

    def _seed_in_parallel(self, tables: Sequence[Table], jobs: int) -> Result:
        with transaction.atomic():
            setup = self._prepare(tables)
            self._reserve_ids(tables, setup.plan)
        prepared = time.monotonic()
        generator = TicketGenerator(
            seed=self.options.seed, end=self.options.end, people=setup.people
        )
        progress = Progress(self.stdout, setup.plan.count)
        load = ParallelLoad(jobs=jobs, plan=setup.plan, generator=generator, tables=tables)
        try:
            comments, changes = load.run(progress)
        except BaseException as error:
            self.stdout.write("")
            self._sync_sequences(tables)
            if setup.dropped is not None:
                what = "Interrupted" if isinstance(error, KeyboardInterrupt) else "The load failed"
                self.stderr.write(
                    f"{what}; rebuilding the dropped indexes. If this is interrupted too, the "
                    "next run of seed_tickets rebuilds them."
                )
                self._rebuild(setup.dropped, jobs=jobs)
            raise
        progress.update(setup.plan.count, force=True)
        self.stdout.write("")
        loaded = time.monotonic()
        self._sync_sequences(tables)
        names = [t.name for t in tables] + [User._meta.db_table]
        self._rebuild(setup.dropped, jobs=jobs, tables=names)
        return Result(
            comments=comments,
            changes=changes,
            people=setup.people,
            started=self.started,
            prepared=prepared,
            loaded=loaded,
            finished=time.monotonic(),
        )

    def _reserve_ids(self, tables: Sequence[Table], plan: Plan) -> None:
        """Moves the id sequences past every id the load may use, so that the app's inserts
        meanwhile do not collide with it; `_sync_sequences` moves them back afterwards."""
        ticket_table, comment_table, change_table = tables
        reserve = (
            (ticket_table, plan.first_ticket + plan.count),
            (comment_table, plan.first_comment + plan.count * MAX_COMMENTS),
            (change_table, plan.first_change + plan.count * MAX_CHANGES),
        )
        with connection.cursor() as cursor:
            for table, next_id in reserve:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)",
                    [table.name, next_id],
                )

    def _sync_sequences(self, tables: Sequence[Table]) -> None:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)",
                    [table.name],
                )

    def _reset(self, tables: Sequence[Table], *, keep: set[str]) -> None:
        """Deletes every ticket, comment and history entry, and the seeded users but `keep`."""
        with connection.cursor() as cursor:
            # Deferred foreign key checks from earlier writes would block the TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(t.name for t in tables)} RESTART IDENTITY")
        # The seeded users this run reuses stay (`seed_accounts` refreshes them).
        delete_seeded_users(keep=keep)

    def _next_id(self, table: Table) -> int:
        """The first free id: past the rows there and anything the sequence handed out."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table.name}")
            top = cursor.fetchone()[0]
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table.name])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            last_value, is_called = cursor.fetchone()
        return max(top, last_value if is_called else last_value - 1) + 1

    def _analyze(self, tables: Sequence[Table], *, vacuum: bool) -> None:
        names = [t.name for t in tables] + [User._meta.db_table]
        with connection.cursor() as cursor:
            for name in names:
                # VACUUM sets the visibility map, so counts can use index-only scans at once.
                cursor.execute(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {name}")
