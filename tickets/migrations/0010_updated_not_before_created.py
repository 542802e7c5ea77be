"""A ticket's `updated_at` is never before its `created_at`.

The list filters `created_after` by adding the same bound on `updated_at`, which only this
guarantees: a list ordered by `updated_at` then starts reading its index at the bound instead
of walking every older ticket first. The times come from the application servers' clocks,
which may disagree, so a trigger moves an earlier `updated_at` up to `created_at` rather than
refuse the write; the CHECK states what the trigger keeps true. Only rows that break the rule
reach the trigger's function.

Adding the CHECK reads the whole table once, under a lock that blocks writes.
"""

from django.db import migrations


FORWARD = [
    "UPDATE tickets_ticket SET updated_at = created_at WHERE updated_at < created_at",
    """
    CREATE FUNCTION ticket_updated_not_before_created() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.updated_at := NEW.created_at;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER ticket_updated_not_before_created
    BEFORE INSERT OR UPDATE ON tickets_ticket
    FOR EACH ROW WHEN (NEW.updated_at < NEW.created_at)
    EXECUTE FUNCTION ticket_updated_not_before_created()
    """,
    """
    ALTER TABLE tickets_ticket ADD CONSTRAINT ticket_updated_not_before_created
    CHECK (updated_at >= created_at)
    """,
]

BACKWARD = [
    "ALTER TABLE tickets_ticket DROP CONSTRAINT IF EXISTS ticket_updated_not_before_created",
    "DROP TRIGGER IF EXISTS ticket_updated_not_before_created ON tickets_ticket",
    "DROP FUNCTION IF EXISTS ticket_updated_not_before_created()",
]


class Migration(migrations.Migration):
    dependencies = [("tickets", "0009_assignee_order_indexes")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]  # type: ignore[arg-type]  # a list[str] is valid; the stubs want list[str | tuple]
