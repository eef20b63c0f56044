"""The push service on its own: deadlock fallback and the replay property."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import OperationalError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.models import ChangeLogEntry, Contact
from outreach.services import sync_push
from tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def create_op(session, moment):
    return {
        "op": "contact.create",
        "uuid": uuid.uuid4(),
        "client_created_at": moment,
        "client_updated_at": moment,
        "data": {"session": session.uuid, "occurred_at": moment, "age_band": "15_17", "gender": "girl"},
    }


def update_op(record_uuid, base_version, moment, note):
    return {
        "op": "contact.update",
        "uuid": record_uuid,
        "base_version": base_version,
        "client_updated_at": moment,
        "data": {"note": note},
    }


class _Deadlock(Exception):
    sqlstate = "40P01"


def test_a_deadlocked_batch_is_applied_again_one_operation_at_a_time(monkeypatch):
    worker = UserFactory()
    session = SessionFactory(team=worker.team)
    moment = session.planned_start + dt.timedelta(minutes=5)
    ops = [create_op(session, moment) for _ in range(3)]
    real_run, calls = sync_push._run, []

    def run(**kwargs):
        calls.append(kwargs["whole"])
        if kwargs["whole"]:
            raise OperationalError("deadlock detected") from _Deadlock()
        return real_run(**kwargs)

    monkeypatch.setattr(sync_push, "_run", run)
    outcome = sync_push.push(actor=worker, operations=ops)
    assert calls == [True, False]
    assert [r.status for r in outcome.results] == ["created"] * 3
    assert ChangeLogEntry.objects.filter(type="contact").count() == 3


def test_other_database_errors_are_not_retried(monkeypatch):
    worker = UserFactory()

    def run(**kwargs):
        raise OperationalError("disk full")

    monkeypatch.setattr(sync_push, "_run", run)
    with pytest.raises(OperationalError):
        sync_push.push(actor=worker, operations=[])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    creates=st.integers(min_value=1, max_value=4),
    edits=st.lists(st.integers(min_value=0, max_value=3), max_size=5),
    replay=st.lists(st.integers(min_value=0, max_value=20), max_size=12),
)
def test_replaying_any_sent_operations_changes_nothing(creates, edits, replay):
    """Whatever was sent, resending any of it, in any order, answers duplicate and writes nothing."""
    worker = UserFactory()
    session = SessionFactory(team=worker.team)
    moment = session.planned_start + dt.timedelta(minutes=5)
    sent = [create_op(session, moment) for _ in range(creates)]
    sync_push.push(actor=worker, operations=list(sent))
    versions = {op["uuid"]: 1 for op in sent}
    for step, target in enumerate(edits):
        record = sent[target % creates]["uuid"]
        op = update_op(record, versions[record], moment + dt.timedelta(seconds=step + 1), f"n{step}")
        (result,) = sync_push.push(actor=worker, operations=[op]).results
        assert result.status == "updated"
        versions[record] = result.version
        sent.append(op)
    before = sorted(Contact.objects.filter(session=session).values_list("uuid", "version", "note"))
    log = ChangeLogEntry.objects.count()
    again = [sent[i % len(sent)] for i in replay]
    outcome = sync_push.push(actor=worker, operations=again)
    assert all(r.status == "duplicate" for r in outcome.results)
    after = sorted(Contact.objects.filter(session=session).values_list("uuid", "version", "note"))
    assert after == before
    assert ChangeLogEntry.objects.count() == log
