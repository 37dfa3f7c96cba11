from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.heartbeat import ROLES, cache_is_shared, heartbeat_age


class Command(BaseCommand):
    help = "Exit non-zero unless the worker or beat heartbeat is recent (container health check)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", choices=ROLES)
        parser.add_argument(
            "--max-age",
            type=int,
            default=None,
            help="seconds; default WORKER_HEARTBEAT_MAX_AGE",
        )

    def handle(self, *args, role: str, max_age: int | None, **options) -> None:
        limit = settings.WORKER_HEARTBEAT_MAX_AGE if max_age is None else max_age
        if not cache_is_shared():
            raise CommandError("heartbeats need a shared cache: set REDIS_URL")
        age = heartbeat_age(role)
        if age is None:
            raise CommandError(f"no {role} heartbeat recorded")
        if age > limit:
            raise CommandError(f"{role} heartbeat is {age:.0f}s old (limit {limit}s)")
        self.stdout.write(f"{role} heartbeat {age:.0f}s old")
