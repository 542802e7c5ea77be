"""For migrations with PostgreSQL-only SQL (search columns and indexes): SQLite skips them.

The migration loader ignores modules whose names start with an underscore, so this is no
migration itself.
"""

from collections.abc import Callable
from typing import Any


def postgresql_only(statements: list[str]) -> Callable[[Any, Any], None]:
    """A RunPython function that executes `statements` in order on PostgreSQL only."""

    def apply(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply
