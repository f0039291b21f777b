"""The audit log: append-only, hash-chained, tampering detected by ``audit_verify``."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from anjian.core import audit
from anjian.core.models import AuditChainHead, AuditLog
from anjian.orgs.models import Town
from conftest import make_user

pytestmark = pytest.mark.django_db


def _three_records():
    user = make_user("auditee")
    town = Town.objects.order_by("code").first()
    rows = [
        audit.record("login", actor=user),
        audit.record("update", actor=user, obj=town, before={"name": "a"}, after={"name": "b"}),
        audit.record("export", actor=None, detail="towns.xlsx"),
    ]
    return user, rows


def test_records_are_chained_and_verify_clean():
    _user, rows = _three_records()
    assert rows[1].prev_hash == rows[0].hash
    assert rows[2].prev_hash == rows[1].hash
    assert audit.verify().ok
    call_command("audit_verify")


def test_snapshot_is_json_ready_and_masks_secrets():
    user = make_user("snap")
    values = audit.snapshot(user)
    assert values["password"] == audit.REDACTED
    assert values["username"] == "snap"
    assert isinstance(values["date_joined"], str)
    assert audit._jsonable(decimal.Decimal("1.50")) == "1.50"
    assert audit._jsonable(dt.date(2018, 1, 2)) == "2018-01-02"


def test_orm_cannot_change_or_delete_records():
    _user, rows = _three_records()
    with pytest.raises(PermissionError):
        rows[0].save()
    with pytest.raises(PermissionError):
        rows[0].delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.all().update(detail="x")
    with pytest.raises(PermissionError):
        AuditLog.objects.all().delete()


def _finding():
    with pytest.raises(CommandError) as error:
        call_command("audit_verify")
    finding = audit.verify().finding
    assert finding is not None
    assert finding.problem in str(error.value)
    return finding


def test_altered_record_is_detected():
    _user, rows = _three_records()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditlog SET detail = 'edited' WHERE id = %s", [rows[1].pk])
    finding = _finding()
    assert (finding.problem, finding.seq) == ("altered", rows[1].seq)


def test_deleted_record_is_detected():
    _user, rows = _three_records()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [rows[1].pk])
    finding = _finding()
    assert (finding.problem, finding.seq) == ("deleted", rows[1].seq)


def test_deleted_newest_record_is_detected():
    _user, rows = _three_records()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [rows[2].pk])
    finding = _finding()
    assert (finding.problem, finding.seq) == ("deleted", rows[2].seq)


def test_inserted_record_is_detected():
    _user, rows = _three_records()
    forged = rows[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditlog (seq, at, actor_id, actor_name, action, object_type,"
            " object_id, object_repr, before, after, detail, client_address, request_id,"
            " prev_hash, hash) VALUES (%s, %s, NULL, '', 'login', '', '', '', NULL, NULL,"
            " 'forged', '', '', %s, %s)",
            [forged.seq, timezone.now(), forged.prev_hash, forged.hash],
        )
    finding = _finding()
    assert finding.problem == "inserted"
    assert finding.seq == forged.seq


def test_purge_keeps_the_chain_verifiable():
    _user, rows = _three_records()
    old = timezone.now() + dt.timedelta(days=181)
    assert audit.purge(now=old) >= 3
    assert not AuditLog.objects.filter(pk__in=[r.pk for r in rows]).exists()
    head = AuditChainHead.objects.get()
    assert head.anchor_seq == rows[2].seq
    assert audit.verify().ok
    audit.record("login", actor=None)
    assert audit.verify().ok


@override_settings(AUDIT_RETENTION_DAYS=30)
def test_purge_refuses_a_retention_below_180_days():
    with pytest.raises(ValueError, match="180"):
        audit.purge()


def test_safety_net_records_saves_outside_services_once(django_db_blocker):
    town = Town.objects.order_by("code").first()
    pending = audit._Pending()
    pending.changes[("orgs.town", str(town.pk))] = ("update", town, audit.snapshot(town))
    pending.covered.add(("orgs.grid", "1"))
    before = AuditLog.objects.count()
    pending.flush()
    assert AuditLog.objects.count() == before + 1
    row = AuditLog.objects.order_by("-seq").first()
    assert (row.action, row.object_type, row.detail) == ("update", "orgs.town", "safety net")


def test_safety_net_skips_objects_a_service_recorded():
    town = Town.objects.order_by("code").first()
    before = AuditLog.objects.count()
    audit.record("update", actor=None, obj=town)
    town.save()
    pending = audit._current_pending(create=False)
    assert pending is not None
    assert ("orgs.town", str(town.pk)) in pending.covered
    pending.flush()
    assert AuditLog.objects.count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain():
    """Several writers at once (threads with their own connections) never fork the chain.

    PostgreSQL only: the chain head's row lock is what is tested. (SQLite serialises writers with
    IMMEDIATE transactions on a file; the test database is a shared-cache in-memory one, whose
    table locks ignore the busy timeout.)
    """
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor == "sqlite":
        pytest.skip("row locks are PostgreSQL's; the in-memory test SQLite has table locks")

    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for index in range(10):
                with transaction.atomic():
                    audit.record("login", actor=None, detail=f"writer {number} #{index}")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(AuditLog.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == len(set(seqs))
    assert audit.verify().ok


def test_bulk_operations_are_summarised_in_one_record():
    from anjian.orgs.models import Grid

    town = Town.objects.order_by("code").first()
    with audit.bulk("import", actor=None, detail="grids") as counts:
        audit._on_change("create", Grid(code="X1", name="x", town=town))
        audit._on_change("create", Grid(code="X2", name="y", town=town))
    assert counts == {"orgs.grid.create": 2}
    row = AuditLog.objects.latest("seq")
    assert (row.action, row.after, row.detail) == ("import", {"orgs.grid.create": 2}, "grids")
    assert audit.verify().ok


def test_settings_refuse_a_retention_below_180_days():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=root,
        env={**os.environ, "AUDIT_RETENTION_DAYS": "179"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "AUDIT_RETENTION_DAYS" in result.stderr
