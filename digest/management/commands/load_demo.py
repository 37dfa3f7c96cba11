import os

from django.core.management.base import BaseCommand

from digest.demo import ensure_editor, load_demo


class Command(BaseCommand):
    help = "Load the sample digest and create the editor account (safe to re-run)."

    def handle(self, *args, **options) -> None:
        issue = load_demo()
        self.stdout.write(f"Demo digest ready: {issue} at {issue.get_absolute_url()}")
        username = os.environ.get("BRIEFROOM_EDITOR_USERNAME", "editor")
        generated = ensure_editor(username, os.environ.get("BRIEFROOM_EDITOR_PASSWORD"))
        if generated:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Editor account created. Log in at /admin/ as {username} "
                    f"with password {generated} (shown only this once)."
                )
            )
        else:
            self.stdout.write(f"Editor account {username!r} is ready.")
