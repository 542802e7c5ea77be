"""Substring search reads one stored, lowercased copy of title and description.

ILIKE lowercases both texts of every row it tests; on a common word the newest-first scan
tests thousands of rows, and that lowercasing was most of a search's time. `search_text` is
lowered once, when a ticket is written, and LIKE on it matches what ILIKE on title and
description did. One trigram index on it replaces the two on title and description.

Adding a stored column rewrites the table under a lock: on a large table, run this migration
in a maintenance window.
"""

from django.db import migrations


FORWARD = [
    r"""
    ALTER TABLE tickets_ticket ADD COLUMN search_text text
    GENERATED ALWAYS AS (lower(title || E'\n' || description)) STORED
    """,
    """
    CREATE INDEX ticket_search_text_trgm_idx ON tickets_ticket
    USING gin (search_text gin_trgm_ops) WHERE deleted_at IS NULL
    """,
    "DROP INDEX IF EXISTS ticket_title_trgm_idx",
    "DROP INDEX IF EXISTS ticket_description_trgm_idx",
    # Statistics for the new column: without them the planner guesses how many rows a
    # pattern matches, and a guess too high picks a scan of the whole table in list order.
    "ANALYZE tickets_ticket",
]

BACKWARD = [
    """
    CREATE INDEX ticket_title_trgm_idx ON tickets_ticket
    USING gin (title gin_trgm_ops) WHERE deleted_at IS NULL
    """,
    """
    CREATE INDEX ticket_description_trgm_idx ON tickets_ticket
    USING gin (description gin_trgm_ops) WHERE deleted_at IS NULL
    """,
    "DROP INDEX IF EXISTS ticket_search_text_trgm_idx",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_text",
]


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_slimmer_foreign_key_indexes")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]  # type: ignore[arg-type]  # a list[str] is valid; the stubs want list[str | tuple]
