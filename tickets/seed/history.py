"""A seeded ticket's comments and history entries: what happened to it, as table rows.

A ticket's life is a list of events, each `(time, order, action, actor, field, old, new)` for a
change or `(time, order, "commented", actor, text, internal)` for a comment; sorted, they become
one history entry each, and a comment row for each comment.
"""

from bisect import bisect
from collections.abc import Callable
from typing import Any

from .proportions import COMMENT_COUNT_WEIGHTS, INTERNAL_SHARE, cumulative
from .vocabulary import TextPool

# The fields of the generator's rows (the loader maps them to the models' columns). Comment and
# history ids count from 0 within a batch; a history entry refers to its comment the same way.
COMMENT_FIELDS = ("id", "ticket", "author", "created_at", "text", "internal")
CHANGE_FIELDS = (
    "id",
    "ticket",
    "actor",
    "created_at",
    "action",
    "field",
    "old_value",
    "new_value",
    "comment",
    "internal",
)
# History values are JSON numbers and plain strings: nothing in them needs escaping.
PLAIN_CHANGE_FIELDS = ("field", "old_value", "new_value")

Event = tuple[Any, ...]

COMMENT_COUNTS = cumulative(COMMENT_COUNT_WEIGHTS)


def add_comments(
    random: Callable[[], float],
    events: list[Event],
    pool: TextPool,
    *,
    requester: int,
    assignee: int | None,
    created: int,
    horizon: int,
) -> int:
    """Adds the ticket's comments, written within `horizon` seconds of its creation: the
    requester's, and the assignee's replies and internal notes. Returns how many."""
    count = bisect(COMMENT_COUNTS, random() * COMMENT_COUNTS[-1])
    for order in range(10, 10 + count):
        when = created + int(random() * horizon)
        if assignee is not None and random() < 0.6:
            if random() < INTERNAL_SHARE:
                note = pool.internal_notes[int(len(pool.internal_notes) * random())]
                events.append((when, order, "commented", assignee, note, True))
            else:
                note = pool.agent_comments[int(len(pool.agent_comments) * random())]
                events.append((when, order, "commented", assignee, note, False))
        else:
            note = pool.requester_comments[int(len(pool.requester_comments) * random())]
            events.append((when, order, "commented", requester, note, False))
    return count


def add_rows(
    events: list[Event],
    ticket_id: int,
    comments: list[tuple[Any, ...]],
    changes: list[tuple[Any, ...]],
) -> None:
    """Appends the rows of a ticket's events, in time order, to the batch's comments and changes
    (in the order of COMMENT_FIELDS and CHANGE_FIELDS)."""
    add_comment, add_change = comments.append, changes.append
    for event in events:
        if event[2] == "commented":
            comment_id = len(comments)
            at, actor, internal = event[0], event[3], event[5]
            add_comment((comment_id, ticket_id, actor, at, event[4], internal))
            change = (len(changes), ticket_id, actor, at, "commented", "", None, None)
            add_change((*change, comment_id, internal))
        else:
            at, _, action, actor, name, old, new = event
            add_change((len(changes), ticket_id, actor, at, action, name, old, new, None, False))
