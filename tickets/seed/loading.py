"""Bulk loading on PostgreSQL: COPY in its text format, from several processes at once.

The columns are read from the models when the run starts: every stored column but the generated
ones (the database computes those), so a field added, dropped or turned into a generated column
needs nothing here. Each table's rows are turned into COPY text by one f-string per row, built
from the fields' types and compiled once: as fast as a hand-written one, which matters at a
million tickets, and never out of step with the model.
"""

import datetime
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.management.base import CommandError
from django.db import connection, models

from .tickets import Batch, Plan, TicketGenerator

EPOCH_DAY = datetime.date(1970, 1, 1)
NULL = "\\N"
# The characters that COPY's text format escapes.
SPECIAL = ("\\", "\n", "\r", "\t")


class Days(dict[int, str]):
    """ISO dates by day number since the epoch, each made once."""

    def __missing__(self, day: int) -> str:
        text = self[day] = (EPOCH_DAY + datetime.timedelta(days=day)).isoformat()
        return text


@cache
def copy_helpers() -> dict[str, Any]:
    """What the compiled row formats use. A time is written as its day's date and its second's
    clock, both looked up: several times faster than formatting a datetime."""
    days = Days()
    clock = [f"{h:02d}:{m:02d}:{s:02d}+00" for h in range(24) for m in range(60) for s in range(60)]

    def stamp(seconds: int | None) -> str:
        if seconds is None:
            return NULL
        return f"{days[seconds // 86_400]} {clock[seconds % 86_400]}"

    return {"n": NULL, "text": escape, "stamp": stamp, "days": days, "clock": clock}


def escape(value: str) -> str:
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if "\n" in value or "\r" in value or "\t" in value:
        value = value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return value


def copy_value(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    return escape(str(value))


def _plain(model_field: models.Field) -> bool:
    """Whether the field's values never need escaping: numbers, or text from fixed choices."""
    if not isinstance(model_field, models.CharField | models.TextField | models.JSONField):
        return True
    values = [str(value) for value, _label in model_field.flatchoices]
    return bool(values) and not any(c in value for value in values for c in SPECIAL)


def _expression(model_field: models.Field, value: str, offset: str | None, plain: bool) -> str:
    """The f-string part that writes `value` (a row item) for the field, in COPY's text format.
    Times are whole seconds since the epoch; JSON values are JSON text already."""
    if isinstance(model_field, models.DateTimeField):
        if model_field.null:
            return f"{{stamp({value})}}"
        return f"{{days[{value} // 86400]}} {{clock[{value} % 86400]}}"
    if isinstance(model_field, models.BooleanField):
        return f"{{'t' if {value} else 'f'}}"
    shown = value if plain or _plain(model_field) else f"text({value})"
    if offset is not None:
        shown = f"{offset} + {value}"
    return f"{{n if {value} is None else {shown}}}" if model_field.null else f"{{{shown}}}"


@dataclass
class Table:
    """Where the generator's rows of one model go: the model's stored columns, in its order.

    A column whose field the rows hold (by name, in the order of `fields`) takes the row's value;
    any other gets the field's default. Ids are written too, since comments and history refer to
    rows made in the same batch; `offsets` names the fields whose values count from the batch's
    first comment or history id (`first_comment`, `first_change`); `plain` those whose values
    the generator makes without any character that COPY escapes, so none is looked for.
    """

    model: type[models.Model]
    fields: Sequence[str]
    offsets: Mapping[str, str] = field(default_factory=dict)
    plain: Collection[str] = ()
    columns: list[str] = field(init=False)
    format: Callable[[list[tuple[Any, ...]], int, int], str] = field(init=False)

    def __post_init__(self) -> None:
        position = {name: i for i, name in enumerate(self.fields)}
        names = dict(copy_helpers())
        parts, self.columns = [], []
        for model_field in self.model._meta.concrete_fields:
            if model_field.generated:
                continue
            assert model_field.column is not None  # what makes a field concrete
            self.columns.append(model_field.column)
            if model_field.name in position:
                value = f"r[{position[model_field.name]}]"
                offset = self.offsets.get(model_field.name)
                plain = model_field.name in self.plain
                parts.append(_expression(model_field, value, offset, plain))
            else:
                default = model_field.get_db_prep_save(model_field.get_default(), connection)
                names[f"default{len(parts)}"] = copy_value(default)
                parts.append(f"{{default{len(parts)}}}")
        row = "\\t".join(parts)
        source = f'lambda rows, first_comment, first_change: "".join([f"{row}\\n" for r in rows])'
        # Built from the model's field types and row positions only, never from data.
        self.format = eval(source, names)

    @property
    def name(self) -> str:
        return self.model._meta.db_table


class CopyBatches:
    """Turns a batch into COPY statements and data for the ticket, comment and history tables."""

    def __init__(self, tables: Sequence[Table], *, freeze: bool) -> None:
        options = " WITH (FREEZE)" if freeze else ""
        self.tables = tables
        self.statements = []
        for table in tables:
            columns = ", ".join(f'"{c}"' for c in table.columns)
            self.statements.append(f"COPY {table.name} ({columns}) FROM STDIN{options}")

    def __call__(
        self, batch: Batch, first_comment: int, first_change: int
    ) -> list[tuple[str, bytes]]:
        rows = (batch.tickets, batch.comments, batch.changes)
        return [
            (sql, text.encode())
            for sql, table, table_rows in zip(self.statements, self.tables, rows, strict=True)
            if (text := table.format(table_rows, first_comment, first_change))
        ]


def copy_all(cursor: Any, items: Sequence[tuple[str, bytes]]) -> None:
    for sql, data in items:
        with cursor.copy(sql) as copy:
            copy.write(data)


class CopyWriter:
    """COPY on one connection, in its current transaction.

    A writer thread streams one batch to the server while the next one is being made, so
    Python and PostgreSQL each keep a core busy; `copied` hears of every batch the server has
    taken in.
    """

    def __init__(
        self, batches: CopyBatches, raw: Any, *, copied: Callable[[int], None] | None = None
    ) -> None:
        self.batches = batches
        self.copied = copied
        self.queue: queue.Queue[tuple[list[tuple[str, bytes]], int] | None] = queue.Queue(2)
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = threading.Thread(target=self._stream, args=(raw,))
        self.thread.start()

    def _stream(self, raw: Any) -> None:
        """Runs the COPY statements handed over by `write`, in order, on the same connection."""
        try:
            with raw.cursor() as cursor:
                while (item := self.queue.get()) is not None:
                    items, tickets = item
                    copy_all(cursor, items)
                    if self.copied is not None:
                        self.copied(tickets)
        except BaseException as error:  # reported by write() or close() in the main thread
            self.error = error
            while self.queue.get() is not None:
                pass

    def write(self, batch: Batch, first_comment: int, first_change: int) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((self.batches(batch, first_comment, first_change), len(batch.tickets)))

    def close(self) -> None:
        """Waits for the writer; raises what it failed with."""
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None
        if self.error is not None:
            raise self.error


class Progress:
    """One line, rewritten in place: done, rate, time left."""

    def __init__(self, stream: Any, total: int) -> None:
        self.stream = stream
        self.total = total
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = -1

    def update(self, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if done == self.shown or (not force and now - self.last < 0.5):
            return
        self.last, self.shown = now, done
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (self.total - done) / rate if rate else 0.0
        width = 30
        filled = int(width * done / self.total) if self.total else width
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(
            f"\r[{bar}] {done:,}/{self.total:,} tickets {rate:,.0f}/s, {left:.0f} s left ",
            ending="",
        )
        self.stream.flush()


class ParallelLoad:
    """COPY from several processes at once, each with its own connection and every n-th batch.

    A batch is made from its number alone, so the data do not depend on how many processes make
    them; its comments and history entries get their ids once the batches before it have counted
    theirs. The processes commit together, after all of them have loaded their share.
    """

    POLL = 0.25

    def __init__(
        self, *, jobs: int, plan: Plan, generator: TicketGenerator, tables: Sequence[Table]
    ) -> None:
        self.plan = plan
        self.generator = generator
        self.batches = CopyBatches(tables, freeze=False)
        self.numbers = list(plan.batches())
        self.jobs = max(1, min(jobs, len(self.numbers)))
        # Forked, the workers share the text pools and the schema read by the parent.
        context = multiprocessing.get_context("fork")
        self.condition = context.Condition()
        # Per batch: its number of comments and history entries, then the first ids it gets.
        self.counts = context.Array("q", [-1] * (2 * len(self.numbers)), lock=False)
        self.firsts = context.Array("q", [-1] * (2 * len(self.numbers)), lock=False)
        self.firsts[0], self.firsts[1] = plan.first_comment, plan.first_change
        self.frontier = context.Value("q", 0, lock=False)  # the last batch with known firsts
        self.loaded = context.Value("q", 0, lock=False)
        self.ready = context.Value("i", 0, lock=False)
        self.verdict = context.Value("i", 0, lock=False)  # 1 commit, -1 give up
        self.errors = context.SimpleQueue()
        self.parent = os.getpid()
        self.processes = [
            context.Process(target=self._work, args=(n,), name=f"seed-{n}", daemon=True)
            for n in range(self.jobs)
        ]

    def run(self, progress: Progress) -> tuple[int, int]:
        """Loads everything; returns the number of comments and history entries written."""
        for process in self.processes:
            process.start()
        try:
            while True:
                with self.condition:
                    self.condition.wait(self.POLL)
                    loaded, ready = self.loaded.value, self.ready.value
                progress.update(loaded)
                failed = [p for p in self.processes if p.exitcode not in (None, 0)]
                if failed or not self.errors.empty():
                    raise CommandError(f"Loading failed: {self._error(failed)}")
                if ready == self.jobs:
                    break
            with self.condition:
                self.verdict.value = 1
                self.condition.notify_all()
            for process in self.processes:
                process.join()
            failed = [p for p in self.processes if p.exitcode != 0]
            if failed:
                raise CommandError(
                    f"Committing failed, some batches may be saved: {self._error(failed)}"
                )
        except BaseException:
            self._stop()
            raise
        counts = self.counts
        return sum(counts[0::2]), sum(counts[1::2])

    def _error(self, failed: list[Any]) -> str:
        if not self.errors.empty():
            return self.errors.get()
        return ", ".join(f"{p.name} exited with {p.exitcode}" for p in failed)

    def _stop(self) -> None:
        with self.condition:
            self.verdict.value = -1
            self.condition.notify_all()
        for process in self.processes:
            if process.is_alive():
                # Its connection closes and the server rolls its transaction back.
                process.terminate()
        for process in self.processes:
            process.join()

    def _work(self, worker: int) -> None:
        """Runs in a forked process: makes and copies batches worker, worker + jobs, ... on a
        connection of its own (the parent's, inherited, is never touched)."""
        try:
            raw = connection.get_new_connection(connection.get_connection_params())
            try:
                writer = CopyWriter(self.batches, raw, copied=self._copied)
                try:
                    for number, offset, size in self.numbers[worker :: self.jobs]:
                        batch = self.plan.make(self.generator, number, offset, size)
                        writer.write(batch, *self._first_ids(number, batch))
                finally:
                    writer.close()
                with self.condition:
                    self.ready.value += 1
                    self.condition.notify_all()
                    self._wait(lambda: self.verdict.value != 0)
                if self.verdict.value > 0:
                    raw.commit()
            finally:
                raw.close()
        except BaseException as error:
            # The parent reports it; a traceback from every process would only bury that.
            self.errors.put(f"{type(error).__name__}: {error}" if str(error) else repr(error))
            raise SystemExit(1) from None

    def _copied(self, tickets: int) -> None:
        with self.condition:
            self.loaded.value += tickets

    def _first_ids(self, number: int, batch: Batch) -> tuple[int, int]:
        """Publishes the batch's counts; waits for the ids that the batches before leave it."""
        counts, firsts, frontier = self.counts, self.firsts, self.frontier
        with self.condition:
            counts[2 * number], counts[2 * number + 1] = len(batch.comments), len(batch.changes)
            last = len(self.numbers) - 1
            while frontier.value < last and counts[2 * frontier.value] >= 0:
                at = 2 * frontier.value
                firsts[at + 2], firsts[at + 3] = (
                    firsts[at] + counts[at],
                    firsts[at + 1] + counts[at + 1],
                )
                frontier.value += 1
            self.condition.notify_all()
            self._wait(lambda: frontier.value >= number)
            return firsts[2 * number], firsts[2 * number + 1]

    def _wait(self, predicate: Callable[[], bool]) -> None:
        """Waits (holding the condition) until `predicate`; gives up when the parent does."""
        while not predicate():
            if self.verdict.value < 0 or os.getppid() != self.parent:
                raise CommandError("the parent process gave up")
            self.condition.wait(self.POLL)
