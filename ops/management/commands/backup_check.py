from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backup import (
    BackupCheckError,
    inspect_restored,
    pg_restore,
    scratch_database,
    server_settings,
)


class Command(BaseCommand):
    help = (
        "Restore a pg_dump (custom format) into a scratch database, check it is a usable "
        "Briefroom database, then drop it. With --current, check the configured database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dump", nargs="?", type=Path, help="a file made by scripts/backup.sh")
        parser.add_argument(
            "--current",
            action="store_true",
            help="check the configured database instead (e.g. right after a real restore)",
        )
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="with --current: apply pending migrations instead of failing",
        )

    def handle(self, *args, dump: Path | None, current: bool, migrate: bool, **options) -> None:
        if current == (dump is not None):
            raise CommandError("give either a dump file or --current")
        try:
            if dump is None:
                self._check_current(migrate=migrate)
            else:
                self._check_dump(dump)
        except BackupCheckError as exc:
            raise CommandError(f"backup check failed: {exc}") from exc

    def _check_current(self, *, migrate: bool) -> None:
        from ops.sanity import sanity_report  # imports models: only once a database is chosen

        for line in sanity_report(migrate=migrate):
            self.stdout.write(line)

    def _check_dump(self, dump: Path) -> None:
        if not dump.is_file():
            raise CommandError(f"{dump} does not exist")
        database = settings.DATABASES["default"]
        server = server_settings(database)
        with scratch_database(server, maintenance_db=database["NAME"]) as scratch:
            self.stdout.write(f"restoring {dump} into scratch database {scratch}")
            pg_restore(dump, server=server, dbname=scratch)
            self.stdout.write(inspect_restored(server, scratch), ending="")
        self.stdout.write(self.style.SUCCESS(f"backup check passed; dropped {scratch}"))
