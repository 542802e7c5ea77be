"""Drops the indexes that Django makes for four foreign keys and that serve no query.

The ticket of a history entry or a comment leads change_ticket_time_idx and
comment_ticket_time_idx already; a history entry's comment and a ticket's deleted_by are empty
on most rows and get partial indexes instead. Fewer indexes to keep up on every write and to
rebuild after a bulk load.

Only the indexes go: the foreign key constraints stay as they are (AlterField would drop and
re-add them, checking every row again under a table lock).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0006_filter_on_rank_columns"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="ticket",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comments",
                        to="tickets.ticket",
                        verbose_name="ticket",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="deleted_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="deleted by",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticketchange",
                    name="comment",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tickets.comment",
                        verbose_name="comment",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticketchange",
                    name="ticket",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="changes",
                        to="tickets.ticket",
                        verbose_name="ticket",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
                )
                for table, column, index in [
                    ("tickets_comment", "ticket_id", "tickets_comment_ticket_id_36a9497d"),
                    ("tickets_ticket", "deleted_by_id", "tickets_ticket_deleted_by_id_76df6ca3"),
                    (
                        "tickets_ticketchange",
                        "comment_id",
                        "tickets_ticketchange_comment_id_99b5638d",
                    ),
                    (
                        "tickets_ticketchange",
                        "ticket_id",
                        "tickets_ticketchange_ticket_id_3b7d8d6d",
                    ),
                ]
            ],
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("deleted_by__isnull", False)),
                fields=["deleted_by"],
                name="ticket_deleted_by_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ticketchange",
            index=models.Index(
                condition=models.Q(("comment__isnull", False)),
                fields=["comment"],
                name="change_comment_idx",
            ),
        ),
    ]
