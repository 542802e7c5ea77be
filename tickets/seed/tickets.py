"""Seeded tickets: who filed them, what they say, and how far through the workflow they got."""

import datetime
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from math import log
from random import Random
from typing import Any

from .history import Event, add_comments, add_rows
from .proportions import (
    DAY,
    DELETED_SHARE,
    EMPTY_DESCRIPTION_SHARE,
    MEAN_STEP_HOURS,
    PRIORITIES,
    PRIORITY_CHANGE_SHARE,
    PRIORITY_WEIGHTS,
    SPAN_DAYS,
    STATUS_WEIGHTS_BY_AGE,
    STATUSES,
    UNASSIGNED_NEW_SHARE,
    WORKFLOW,
    cumulative,
)
from .users import People
from .vocabulary import TextPool

# The fields of the generator's ticket rows (the loader maps them to the model's columns).
TICKET_FIELDS = (
    "id",
    "title",
    "description",
    "status",
    "priority",
    "assignee",
    "requester",
    "created_at",
    "updated_at",
    "resolved_at",
    "version",
    "deleted_at",
    "deleted_by",
)


@dataclass
class Batch:
    """The rows of one batch of tickets, in the field order of TICKET_FIELDS, COMMENT_FIELDS and
    CHANGE_FIELDS; times are whole seconds since the epoch.

    Comment and history ids count from 0 within the batch (a history entry refers to its comment
    the same way): the writer adds the batch's first ids, known once the batches before it are made.
    """

    tickets: list[tuple[Any, ...]] = field(default_factory=list)
    comments: list[tuple[Any, ...]] = field(default_factory=list)
    changes: list[tuple[Any, ...]] = field(default_factory=list)


class TicketGenerator:
    """Makes the rows of consecutive tickets; each batch has its own random stream.

    Every step of a ticket's life comes at or after the one before, none after the end: its
    `updated_at` is never before its `created_at`, whatever the database would do about it.
    """

    def __init__(self, *, seed: int, end: datetime.datetime, people: People) -> None:
        self.seed = seed
        self.end = int(end.timestamp())
        self.start = self.end - int(SPAN_DAYS * DAY)
        self.people = people
        rng = Random(f"{seed}:texts")
        self.pools = (TextPool(rng, ru=True), TextPool(rng, ru=False))
        self.priority_cum = cumulative(PRIORITY_WEIGHTS)
        self.age_limits = [age * DAY for age, _weights in STATUS_WEIGHTS_BY_AGE]
        self.status_cums = [cumulative(weights) for _age, weights in STATUS_WEIGHTS_BY_AGE]

    def batch(self, *, number: int, first_ticket: int, size: int, offset: int, total: int) -> Batch:
        """Tickets `offset .. offset+size` of `total`, spread evenly over the two years."""
        rng = Random(f"{self.seed}:{number}")
        out = Batch()
        step = (self.end - self.start) / total
        start, random, make = self.start, rng.random, self._ticket
        for i in range(size):
            make(rng, first_ticket + i, int(start + (offset + i + random()) * step), out)
        return out

    def _ticket(self, rng: Random, ticket_id: int, created: int, out: Batch) -> None:
        random = rng.random
        people = self.people
        agents, requesters = people.agents, people.requesters
        n_agents = len(agents)

        pool = self.pools[0] if random() < 0.7 else self.pools[1]
        # A few people file most tickets.
        requester = requesters[int(len(requesters) * random() ** 2)]
        title, lead = pool.titles[int(len(pool.titles) * random())]
        if random() < EMPTY_DESCRIPTION_SHARE:
            description = ""
        else:
            closing = pool.closings[int(len(pool.closings) * random())]
            if "{name}" in closing:
                closing = closing.replace("{name}", people.names[requester])
            description = (
                f"{pool.greetings[int(len(pool.greetings) * random())]}{lead}"
                f"{pool.bodies[int(len(pool.bodies) * random())]}{closing}"
            )

        priority = PRIORITIES[bisect(self.priority_cum, random() * self.priority_cum[-1])]
        age = self.end - created
        status_cum = self.status_cums[bisect(self.age_limits, age)]
        status = STATUSES[bisect(status_cum, random() * status_cum[-1])]
        assignee: int | None = agents[int(n_agents * random())]
        if status == "new" and random() < UNASSIGNED_NEW_SHARE:
            assignee = None
        dispatcher = agents[int(n_agents * random())]

        rate = 1.0 / (MEAN_STEP_HOURS[priority] * 3600.0)
        end = self.end
        moment = created
        events: list[Event] = [(created, 0, "created", requester, "", None, None)]
        # The steps come at exponentially distributed intervals (`rng.expovariate`, inlined).
        if random() < PRIORITY_CHANGE_SHARE:
            moment += int(min(-log(1.0 - random()) / rate, (end - moment) * random()))
            first = PRIORITIES[(PRIORITIES.index(priority) + 1) % 4]
            events.append(
                (moment, 1, "changed", dispatcher, "priority", f'"{first}"', f'"{priority}"')
            )
        if assignee is not None:
            moment += int(min(-log(1.0 - random()) / rate, (end - moment) * random()))
            events.append((moment, 2, "changed", dispatcher, "assignee", None, str(assignee)))
        previous = '"new"'
        resolved_at: int | None = None
        for order, step in enumerate(WORKFLOW[status], 3):
            moment += int(min(-log(1.0 - random()) / rate, (end - moment) * random()))
            new = f'"{step}"'
            events.append((moment, order, "changed", assignee, "status", previous, new))
            if step == "resolved":
                resolved_at = moment
            previous = new
        updated = moment
        version = len(events)  # 1 + the changes so far

        n_comments = add_comments(
            random,
            events,
            pool,
            requester=requester,
            assignee=assignee,
            created=created,
            horizon=max(updated - created, min(end - created, int(3 / rate))),
        )

        deleted_at = deleted_by = None
        if random() < DELETED_SHARE:
            last = max(e[0] for e in events)
            deleted_at = updated = last + int(min(DAY * random(), (end - last) * random()))
            deleted_by = dispatcher
            version += 1
            events.append((deleted_at, 99, "deleted", dispatcher, "", None, None))
        if n_comments or deleted_at:
            events.sort()
        add_rows(events, ticket_id, out.comments, out.changes)

        out.tickets.append(
            (
                ticket_id,
                title,
                description,
                status,
                priority,
                assignee,
                requester,
                created,
                updated,
                resolved_at,
                version,
                deleted_at,
                deleted_by,
            )
        )


@dataclass
class Plan:
    """What to load: the batches, and the ids the first ticket, comment and history entry get."""

    count: int
    batch_size: int
    first_ticket: int
    first_comment: int
    first_change: int

    def batches(self) -> Iterator[tuple[int, int, int]]:
        """(number, offset, size) of each batch."""
        for number, offset in enumerate(range(0, self.count, self.batch_size)):
            yield number, offset, min(self.batch_size, self.count - offset)

    def make(self, generator: TicketGenerator, number: int, offset: int, size: int) -> Batch:
        return generator.batch(
            number=number,
            first_ticket=self.first_ticket + offset,
            size=size,
            offset=offset,
            total=self.count,
        )
