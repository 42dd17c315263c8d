import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.audit import record_event, verify_chain
from accounts.models import AuditEvent


@pytest.fixture
def chain(citizen):
    return [
        record_event(actor=citizen, action=f"test.step{i}", obj=citizen, details={"i": i}) for i in range(5)
    ]


def test_chain_verifies(chain, capsys):
    report = verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count()
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out.lower()


def test_altered_row_is_detected(chain):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET details = %s WHERE id = %s", ['{"i": 99}', chain[2].pk]
        )
    report = verify_chain()
    assert report.broken_at == chain[2].pk
    with pytest.raises(CommandError, match=rf"\b{chain[2].pk}\b"):
        call_command("verify_audit")


def test_deleted_row_is_detected(chain):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [chain[1].pk])
    assert verify_chain().broken_at == chain[2].pk


def test_events_cannot_be_changed_through_the_orm(chain):
    event = chain[0]
    event.action = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_the_role_is_covered_by_the_hash(chain, citizen):
    """A role recorded with the event cannot be changed afterwards (a public page names the actor by it);
    events recorded without one keep verifying."""
    event = record_event(actor=citizen, action="test.as_role", obj=citizen, as_role="organiser")
    assert event.actor_role == "organiser" and verify_chain().ok
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET actor_role = %s WHERE id = %s", ["citizen", event.pk]
        )
    assert verify_chain().broken_at == event.pk


def test_the_system_records_no_role(citizen):
    assert record_event(actor=None, action="test.system", as_role="organiser").actor_role == ""
