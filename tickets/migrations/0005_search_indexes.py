"""Full-text and substring search indexes.

`search_vector` is a stored generated column, so matching and ranking read it instead of
re-parsing text; the trigram indexes serve case-insensitive substring search (ILIKE).
"""

from django.db import migrations


FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    ALTER TABLE tickets_ticket ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('russian'::regconfig, title), 'A')
        || setweight(to_tsvector('russian'::regconfig, description), 'B')
    ) STORED
    """,
    """
    CREATE INDEX ticket_search_vector_idx ON tickets_ticket
    USING gin (search_vector) WHERE deleted_at IS NULL
    """,
    """
    CREATE INDEX ticket_title_trgm_idx ON tickets_ticket
    USING gin (title gin_trgm_ops) WHERE deleted_at IS NULL
    """,
    """
    CREATE INDEX ticket_description_trgm_idx ON tickets_ticket
    USING gin (description gin_trgm_ops) WHERE deleted_at IS NULL
    """,
]

BACKWARD = [
    "DROP INDEX IF EXISTS ticket_description_trgm_idx",
    "DROP INDEX IF EXISTS ticket_title_trgm_idx",
    "DROP INDEX IF EXISTS ticket_search_vector_idx",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_vector",
]


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_ranks_and_list_indexes")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]  # type: ignore[arg-type]  # a list[str] is valid; the stubs want list[str | tuple]
