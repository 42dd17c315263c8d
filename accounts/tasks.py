from celery import shared_task


@shared_task(name="accounts.health_check")
def health_check(value: int) -> dict:
    """Round-trip used by the deployment check and the integration tests: proves a worker consumes
    the queue and can reach the database."""
    from .models import User

    return {"echo": value, "users": User.objects.count()}
