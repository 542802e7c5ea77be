"""The search columns become model fields; the updated_at trigger and seven list indexes go.

`search_vector` and `search_text` were added by raw SQL (0005, 0008); they are dropped and
added again as `GeneratedField`s with the same values, so the model describes the table.

The trigger of 0010 kept `updated_at >= created_at` for a condition the list added to its
queries, which it no longer does. As a BEFORE UPDATE trigger it also made PostgreSQL recompute
every stored generated column on every update (the search columns included, whose indexes then
took new entries); without it, they are recomputed only when title or description change.

The indexes dropped served list shapes that keyset pages read well enough through the others
(filtered walks of the ordering's own index); each cost every update a write.

Adding the stored columns rewrites the table under a lock: on a large table, run this
migration in a maintenance window.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


REVERSE = [
    """
    ALTER TABLE tickets_ticket ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('russian'::regconfig, title), 'A')
        || setweight(to_tsvector('russian'::regconfig, description), 'B')
    ) STORED
    """,
    r"""
    ALTER TABLE tickets_ticket ADD COLUMN search_text text
    GENERATED ALWAYS AS (lower(title || E'\n' || description)) STORED
    """,
    """
    CREATE INDEX ticket_search_vector_idx ON tickets_ticket
    USING gin (search_vector) WHERE deleted_at IS NULL
    """,
    """
    CREATE INDEX ticket_search_text_trgm_idx ON tickets_ticket
    USING gin (search_text gin_trgm_ops) WHERE deleted_at IS NULL
    """,
]


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0011_owner_indexes_cover_deleted_tickets"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(
            [
                "DROP TRIGGER IF EXISTS ticket_updated_not_before_created ON tickets_ticket",
                "DROP FUNCTION IF EXISTS ticket_updated_not_before_created()",
                "ALTER TABLE tickets_ticket"
                " DROP CONSTRAINT IF EXISTS ticket_updated_not_before_created",
                "DROP INDEX IF EXISTS ticket_search_vector_idx",
                "DROP INDEX IF EXISTS ticket_search_text_trgm_idx",
                "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_vector",
                "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_text",
            ],
            REVERSE,  # type: ignore[arg-type]  # a list[str] is valid; the stubs want list[str | tuple]
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_status_created_idx",
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_priority_created_idx",
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_priority_status_idx",
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_assignee_updated_idx",
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_assignee_title_idx",
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_assignee_status_idx",
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_assignee_priority_idx",
        ),
        migrations.AddField(
            model_name="ticket",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Lower(
                    django.db.models.functions.text.Concat(
                        "title", models.Value("\n"), "description", output_field=models.TextField()
                    )
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.AddField(
            model_name="ticket",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        "title", config="russian", weight="A"
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        "description", config="russian", weight="B"
                    ),
                    django.contrib.postgres.search.SearchConfig("russian"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["search_vector"],
                name="ticket_search_vector_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["search_text"],
                name="ticket_search_text_trgm_idx",
                opclasses=["gin_trgm_ops"],
            ),
        ),
    ]
