from celery import shared_task

from digest.services import issues_publish_due


@shared_task
def publish_due_issues() -> int:
    """Flip scheduled issues whose time has come."""
    return issues_publish_due()
