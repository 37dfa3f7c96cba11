"""Restore rehearsal: load a pg_dump into a throwaway database and check it is usable.

A backup nobody has restored is a hope, not a backup. The dump is restored into a scratch
database on the same server, a fresh `manage.py backup_check --current` process inspects it
through the ordinary settings (DATABASE_URL pointing at the scratch copy), and the scratch
database is dropped whatever happened.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
from django.conf import settings
from psycopg import sql

SCRATCH_PREFIX = "briefroom_restore_check_"
# libpq options of the OPTIONS dict that pg_restore must honour too, as environment variables.
_LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}
RESTORE_TIMEOUT = 3600  # seconds


class BackupCheckError(Exception):
    """The dump cannot be restored, or the restored database fails a sanity check."""


def server_settings(database: Mapping) -> dict:
    """The server part of a Django DATABASES entry, for pg_restore and psycopg."""
    if "postgresql" not in database["ENGINE"]:
        raise BackupCheckError("backup checks need PostgreSQL (DATABASE_URL=postgres://...)")
    options = {k: v for k, v in database.get("OPTIONS", {}).items() if k in _LIBPQ_ENV}
    return {
        "host": database.get("HOST") or "",
        "port": str(database.get("PORT") or ""),
        "user": database.get("USER") or "",
        "password": database.get("PASSWORD") or "",
        "options": options,
    }


def libpq_env(server: dict, dbname: str) -> dict[str, str]:
    """Connection settings as PG* variables: a password in argv would show in `ps`."""
    env = {
        "PGHOST": server["host"],
        "PGPORT": server["port"],
        "PGUSER": server["user"],
        "PGPASSWORD": server["password"],
        "PGDATABASE": dbname,
    }
    env.update({_LIBPQ_ENV[k]: str(v) for k, v in server["options"].items()})
    return {k: v for k, v in env.items() if v}


def database_url(server: dict, dbname: str) -> str:
    credentials = quote(server["user"], safe="")
    if server["password"]:
        credentials += ":" + quote(server["password"], safe="")
    host = quote(server["host"], safe="")  # a socket directory becomes %2Fvar%2Frun...
    port = f":{server['port']}" if server["port"] else ""
    query = f"?{urlencode(server['options'])}" if server["options"] else ""
    return f"postgres://{credentials}@{host}{port}/{dbname}{query}"


def _admin_connection(server: dict, dbname: str) -> psycopg.Connection:
    params = {k: v for k, v in server.items() if k != "options" and v}
    return psycopg.connect(dbname=dbname, autocommit=True, **params, **server["options"])


@contextmanager
def scratch_database(server: dict, *, maintenance_db: str) -> Iterator[str]:
    """A new empty database, dropped on exit even if the restore or the checks failed."""
    name = SCRATCH_PREFIX + secrets.token_hex(4)
    with _admin_connection(server, maintenance_db) as conn:
        # template0: a dump restores cleanly only into a database with nothing in it.
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with _admin_connection(server, maintenance_db) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _run(args: list[str], *, env: dict[str, str], what: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(  # noqa: S603 - fixed programs, arguments from our own code
            args,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=RESTORE_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise BackupCheckError(f"{args[0]} is not installed (PostgreSQL client tools)") from None
    except subprocess.TimeoutExpired:
        raise BackupCheckError(f"{what} took longer than {RESTORE_TIMEOUT}s") from None


def _last_lines(text: str, count: int = 5) -> str:
    return "\n".join(text.strip().splitlines()[-count:])


def pg_restore(dump: Path, *, server: dict, dbname: str) -> None:
    """Restore a custom-format dump; any error (truncated file, bad archive) fails it."""
    listing = _run(["pg_restore", "--list", str(dump)], env={}, what="reading the dump")
    if listing.returncode != 0:
        raise BackupCheckError(
            f"{dump} is not a readable pg_dump archive:\n{_last_lines(listing.stderr)}"
        )
    restore = _run(
        [
            "pg_restore",
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            "--dbname",
            dbname,
            str(dump),
        ],
        env=libpq_env(server, dbname),
        what="pg_restore",
    )
    if restore.returncode != 0:
        raise BackupCheckError(f"pg_restore failed on {dump}:\n{_last_lines(restore.stderr)}")


def inspect_restored(server: dict, dbname: str) -> str:
    """Run the sanity checks in a child process whose only database is the scratch copy."""
    child = _run(
        [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "backup_check",
            "--current",
            "--migrate",
        ],
        env={"DATABASE_URL": database_url(server, dbname)},
        what="the sanity checks",
    )
    if child.returncode != 0:
        raise BackupCheckError(f"{child.stdout}{_last_lines(child.stderr, 20)}".strip())
    return child.stdout
