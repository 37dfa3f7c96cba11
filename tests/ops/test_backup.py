"""scripts/backup.sh and manage.py backup_check, against the machine's PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from digest.importer import issue_import_markdown
from ops.backup import SCRATCH_PREFIX, database_url, server_settings
from tests.ops.samples import issue_markdown
from tests.support.services import ROOT, unavailable

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
BACKUP_SCRIPT = ROOT / "scripts" / "backup.sh"


@pytest.fixture(autouse=True)
def _postgres_tools() -> None:
    if "postgresql" not in connection.vendor:
        unavailable("backups need PostgreSQL: set DATABASE_URL=postgres://...")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            unavailable(f"{tool} is not installed (PostgreSQL client tools)")


def backup(dest: Path, **env: str) -> list[Path]:
    """Run scripts/backup.sh on the test database; the paths it printed."""
    url = database_url(server_settings(connection.settings_dict), connection.settings_dict["NAME"])
    result = subprocess.run(
        [str(BACKUP_SCRIPT), str(dest)],
        env={"PATH": os.environ["PATH"], "DATABASE_URL": url, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [Path(line) for line in result.stdout.splitlines()]


def scratch_databases() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [SCRATCH_PREFIX + "%"]
        )
        return {row[0] for row in cursor.fetchall()}


def make_issues() -> None:
    issue_import_markdown(text=issue_markdown(20240105))
    issue_import_markdown(text=issue_markdown(20240112))


def test_backup_restores_into_a_scratch_database_and_passes_the_checks(tmp_path, capsys):
    make_issues()
    before = scratch_databases()
    [dump] = backup(tmp_path)
    assert dump.name.startswith("briefroom-") and dump.suffix == ".dump"
    call_command("backup_check", str(dump))
    out = capsys.readouterr().out
    assert "applied, as this code expects" in out
    for count in ("digests: 1", "issues: 2", "entries: 6", "articles: 6"):
        assert count in out
    assert "export: ops-brief 20240112 to Markdown, 2 entries and 1 others" in out
    assert "backup check passed" in out
    assert scratch_databases() == before


@pytest.mark.parametrize("kept", [2 / 3, -64], ids=["two thirds", "all but the last bytes"])
def test_truncated_dump_fails_clearly_and_leaves_no_scratch_database(tmp_path, kept) -> None:
    make_issues()
    before = scratch_databases()
    [dump] = backup(tmp_path)
    data = dump.read_bytes()
    dump.write_bytes(data[: int(len(data) * kept)] if kept > 0 else data[:kept])
    with pytest.raises(CommandError) as failure:
        call_command("backup_check", str(dump))
    message = str(failure.value)
    assert message.startswith("backup check failed: ")
    assert str(dump) in message
    assert "end of file" in message  # pg_restore's own words follow
    assert scratch_databases() == before


def test_a_file_that_is_not_a_dump_fails_clearly(tmp_path) -> None:
    dump = tmp_path / "briefroom-20240105T000000Z.dump"
    dump.write_text("-- not a pg_dump archive\n")
    with pytest.raises(CommandError, match="is not a readable pg_dump archive"):
        call_command("backup_check", str(dump))


def test_a_dump_with_migrations_unknown_to_this_code_fails(tmp_path) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied)"
            " VALUES ('digest', '9999_future', now())"
        )
    try:
        [dump] = backup(tmp_path)
    finally:  # flushing between tests leaves django_migrations alone
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_migrations WHERE name = '9999_future'")
    with pytest.raises(CommandError, match=r"does not know: digest\.9999_future"):
        call_command("backup_check", str(dump))


def test_backup_archives_local_media_and_prunes_old_backups(tmp_path) -> None:
    media = tmp_path / "media"
    (media / "entries").mkdir(parents=True)
    (media / "entries" / "lead.png").write_bytes(b"\x89PNG")
    dest = tmp_path / "backups"
    dest.mkdir()
    old = dest / "briefroom-20200101T000000Z.dump"
    old.write_bytes(b"old")
    month_ago = time.time() - 30 * 86400
    os.utime(old, (month_ago, month_ago))
    dump, archive = backup(dest, MEDIA_ROOT=str(media), BACKUP_KEEP_DAYS="14")
    with tarfile.open(archive) as tar:
        assert "./entries/lead.png" in tar.getnames()
    assert sorted(dest.iterdir()) == sorted([dump, archive])


def test_backup_leaves_media_on_object_storage_to_the_provider(tmp_path) -> None:
    (tmp_path / "media").mkdir()
    written = backup(
        tmp_path / "backups", MEDIA_ROOT=str(tmp_path / "media"), AWS_STORAGE_BUCKET_NAME="b"
    )
    assert [path.suffix for path in written] == [".dump"]
