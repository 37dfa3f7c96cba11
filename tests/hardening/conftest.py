from __future__ import annotations

from django.db import connection

from tests.support.services import unavailable


def require_postgres() -> None:
    """These checks are about what PostgreSQL refuses to store: SQLite would prove nothing."""
    if connection.vendor != "postgresql":
        unavailable("needs PostgreSQL: set DATABASE_URL")
