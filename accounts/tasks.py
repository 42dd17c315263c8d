from celery import shared_task


@shared_task(name="accounts.health_check")
def health_check(value: int) -> dict:
    """Round-trip used by the deployment check and the integration tests: proves a worker consumes
    the queue and can reach the database."""
    from .models import User

    return {"echo": value, "users": User.objects.count()}


@shared_task(name="accounts.flush_outbox")
def flush_outbox() -> dict:
    """Send the background tasks that could not reach the broker when they were recorded."""
    from .outbox import flush

    sent, pending = flush()
    return {"sent": sent, "pending": pending}
