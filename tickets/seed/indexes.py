"""Dropping the seeded tables' secondary indexes and foreign keys for a bulk load, and putting
them back, several at a time, following the manual's "Populating a Database" advice.

Which indexes and foreign keys there are is read from the catalog when the run starts, never
named here: what the migrations made is what comes back.
"""

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.management.base import CommandError
from django.db import connection

RESTORE_TABLE = "seed_tickets_restore"
# Enough for the biggest sort of a million tickets' history in memory; GIN builds gain nothing
# from more.
MAINTENANCE_WORK_MEM = "512MB"
INDEX_KEYS = re.compile(r" USING (\w+) \((.*?)\)(?: WHERE .*)?$")


@dataclass
class Dropped:
    """Secondary indexes and foreign keys that a bulk load dropped: (table, name, definition)."""

    indexes: list[tuple[str, str, str]]
    foreign_keys: list[tuple[str, str, str]]

    def __len__(self) -> int:
        return len(self.indexes) + len(self.foreign_keys)


class IndexKeeper:
    """Drops the tables' secondary indexes and foreign keys for a bulk load, and puts them back.

    The definitions are written to a table of their own in the transaction that drops them, and
    that table goes once everything is back: a run that fails or is interrupted in between leaves
    it behind, and the next run rebuilds what it lists before doing anything else.
    """

    @staticmethod
    def pending(cursor: Any) -> Dropped | None:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [RESTORE_TABLE])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(
            f"SELECT kind, table_name, name, definition FROM {RESTORE_TABLE} ORDER BY position"
        )
        dropped = Dropped([], [])
        for kind, *row in cursor.fetchall():
            (dropped.indexes if kind == "index" else dropped.foreign_keys).append(tuple(row))
        return dropped

    @staticmethod
    def drop(cursor: Any, tables: Sequence[str]) -> Dropped:
        # Dropping a foreign key alters the referenced table too, which must have no deferred
        # checks pending (the reset's deletions leave some).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)"
            " ORDER BY 1, 2",
            [list(tables)],
        )
        foreign_keys = [tuple(row) for row in cursor.fetchall()]
        # Secondary indexes only: primary keys and unique constraints stay.
        cursor.execute(
            "SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text,"
            " pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid::regclass::text = ANY(%s)"
            " AND NOT i.indisprimary AND NOT i.indisunique ORDER BY 1, 2",
            [list(tables)],
        )
        indexes = [tuple(row) for row in cursor.fetchall()]
        cursor.execute(
            f"CREATE TABLE {RESTORE_TABLE} (position serial PRIMARY KEY, kind text NOT NULL,"
            " table_name text NOT NULL, name text NOT NULL, definition text NOT NULL)"
        )
        rows = [("index", *row) for row in indexes] + [("foreign key", *fk) for fk in foreign_keys]
        cursor.executemany(
            f"INSERT INTO {RESTORE_TABLE} (kind, table_name, name, definition)"
            " VALUES (%s, %s, %s, %s)",
            rows,
        )
        for table, name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for _table, name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        return Dropped(indexes, foreign_keys)

    @staticmethod
    def add_foreign_keys(cursor: Any, dropped: Dropped) -> None:
        """Adds the missing foreign keys unchecked, at once: their checks run later, beside the
        index builds, which adding a checked one would have to wait for."""
        for table, name, definition in dropped.foreign_keys:
            cursor.execute(
                "SELECT 1 FROM pg_constraint WHERE conrelid = %s::regclass AND conname = %s",
                [table, name],
            )
            if cursor.fetchone() is None:
                unchecked = "" if definition.endswith(" NOT VALID") else " NOT VALID"
                cursor.execute(
                    f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}{unchecked}'
                )

    @staticmethod
    def forget(cursor: Any) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {RESTORE_TABLE}")


# A table's tasks run in stages, since each stage locks out the next: statistics first, for the
# planner and for choosing the longest index builds first; then the indexes, several at a time;
# then the checks of the foreign keys; last the vacuum that marks the pages all-visible.
ANALYZE, INDEX, CHECK, VACUUM = range(4)


@dataclass
class Task:
    """One statement of the work after a load."""

    table: str
    stage: int
    sql: str
    label: str
    cost: float = 0.0


def tasks_for(dropped: Dropped | None, *, tables: Sequence[str] = ()) -> list[Task]:
    """Rebuilds what was dropped, and analyzes and vacuums `tables`."""
    tasks = []
    for table in tables:
        if dropped is None:
            tasks.append(Task(table, VACUUM, f"VACUUM (ANALYZE) {table}", f"vacuumed {table}"))
        else:
            tasks.append(Task(table, ANALYZE, f"ANALYZE {table}", f"analyzed {table}"))
            tasks.append(Task(table, VACUUM, f"VACUUM {table}", f"vacuumed {table}"))
    if dropped is not None:
        for table, name, definition in dropped.indexes:
            sql = definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
            tasks.append(Task(table, INDEX, sql, f"rebuilt index {name}"))
        for table, name, definition in dropped.foreign_keys:
            if not definition.endswith(" NOT VALID"):
                sql = f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"'
                tasks.append(Task(table, CHECK, sql, f"checked foreign key {name}"))
    return tasks


def estimate(cursor: Any, tasks: Sequence[Task], table: str) -> None:
    """Guesses the cost of a table's tasks from its statistics, to start the longest first:
    rows times the width of the indexed columns, trigram GIN indexes the dearest per byte."""
    cursor.execute(
        "SELECT greatest(reltuples, 0), pg_relation_size(oid) FROM pg_class"
        " WHERE oid = %s::regclass",
        [table],
    )
    rows, size = cursor.fetchone()
    cursor.execute(
        "SELECT attname, avg_width FROM pg_stats"
        " WHERE schemaname = current_schema() AND tablename = %s",
        [table],
    )
    widths = dict(cursor.fetchall())
    for task in tasks:
        if task.table != table:
            continue
        if task.stage != INDEX:
            task.cost = float(size)
            continue
        match = INDEX_KEYS.search(task.sql)
        keys = match.group(2).split(", ") if match else []
        width = sum(widths.get(key.split(" ")[0].strip('"'), 8) for key in keys) or 8
        factor = 16 if "gin_trgm_ops" in task.sql else 4 if match and match.group(1) == "gin" else 1
        task.cost = float(rows) * width * factor


class TaskRunner:
    """Runs tasks on several connections at once, each task as soon as its table allows, the
    dearest first; prints each one as it finishes."""

    def __init__(self, tasks: list[Task], *, jobs: int, report: Callable[[str], None]) -> None:
        self.pending = list(tasks)
        self.running: list[Task] = []
        self.jobs = max(1, min(jobs, len(tasks)))
        self.report = report
        self.condition = threading.Condition()
        self.error: str | None = None
        self.connections: list[Any] = []

    def run(self) -> None:
        if not self.pending:
            return
        with connection.cursor() as cursor:
            for table in {task.table for task in self.pending}:
                estimate(cursor, self.pending, table)
        threads = [threading.Thread(target=self._work, daemon=True) for _ in range(self.jobs)]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.5)
        except BaseException:
            with self.condition:
                self.pending.clear()
                for raw in self.connections:
                    raw.cancel_safe()
            for thread in threads:
                thread.join()
            raise
        if self.error is not None:
            raise CommandError(self.error)

    def _next(self) -> Task | None:
        busy = self.pending + self.running
        ready = [
            task
            for task in self.pending
            if not any(o.table == task.table and o.stage < task.stage for o in busy)
        ]
        return max(ready, key=lambda task: task.cost, default=None)

    def _work(self) -> None:
        raw, task = None, None
        try:
            raw = connection.get_new_connection(connection.get_connection_params())
            raw.autocommit = True
            with raw.cursor() as cursor:
                cursor.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
                # The connections build side by side already; workers would only compete.
                cursor.execute("SET max_parallel_maintenance_workers = 0")
                with self.condition:
                    self.connections.append(raw)
                while (task := self._take()) is not None:
                    started = time.monotonic()
                    cursor.execute(task.sql)
                    with self.condition:
                        if task.stage == ANALYZE:
                            estimate(cursor, self.pending, task.table)
                        self.running.remove(task)
                        self.report(f"{task.label} ({time.monotonic() - started:.1f} s)")
                        self.condition.notify_all()
        except BaseException as error:
            with self.condition:
                if self.error is None:
                    self.error = f"{task.sql if task else 'Connecting'} failed: {error}"
                self.pending.clear()
                self.condition.notify_all()
        finally:
            if raw is not None:
                raw.close()

    def _take(self) -> Task | None:
        with self.condition:
            while self.pending:
                task = self._next()
                if task is not None:
                    self.pending.remove(task)
                    self.running.append(task)
                    return task
                self.condition.wait()
        return None
