"""The audit trail: hash chain, append-only trigger, audit_verify, purge with retention, concurrency."""

import io
import json
import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.db.utils import InternalError, ProgrammingError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from unionportal.core import audit as audit_module
from unionportal.core import audit_chain
from unionportal.core.audit import audit_record, chain_verify
from unionportal.core.models import AuditEntry, AuditPurge

pytestmark = pytest.mark.django_db

REFUSED = (InternalError, ProgrammingError)  # psycopg2 maps 'insufficient_privilege' to ProgrammingError


def write(n, *, when=None, **kwargs):
    rows = []
    for i in range(n):
        if when is not None:
            with mock.patch("django.utils.timezone.now", return_value=when + timedelta(seconds=i)):
                rows.append(audit_record(actor=None, action="export", target=f"行{i}", **kwargs))
        else:
            rows.append(audit_record(actor=None, action="export", target=f"行{i}", **kwargs))
    return rows


def verify_out():
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue().strip()


def test_rows_are_chained_and_verify_reports_a_whole_chain():
    rows = write(3)
    assert rows[0].prev_hash == "" and rows[1].prev_hash == rows[0].entry_hash
    assert rows[2].prev_hash == rows[1].entry_hash and len(rows[2].entry_hash) == 64
    assert verify_out() == "审计日志哈希链完整：已校验 3 条记录。"


def test_sm3_where_configured(settings):
    settings.AUDIT_HASH_ALGORITHM = "sm3"
    [entry] = write(1)
    assert entry.hash_algorithm == "sm3"
    assert entry.entry_hash == audit_chain.digest("sm3", audit_chain.canonical(entry))
    assert audit_chain.digest("sm3", b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert verify_out() == "审计日志哈希链完整：已校验 1 条记录。"


def test_one_statement_writes_a_row_on_postgresql(county, rf):
    """Issue 21: lock, head, digest and INSERT in one round trip (core migration 0014's function),
    with the digest Python computes, for every field the chain covers."""
    request = rf.get("/", REMOTE_ADDR="2001:0db8:0000:0000:0000:0000:0000:0001")
    first = audit_record(actor=None, action="export", target="第一条")
    with CaptureQueriesContext(connection) as queries:
        entry = audit_record(actor=None, action="view_report", county=county, target="县区“滨海”", request=request)
    appended = "SELECT new_id, new_prev, new_hash FROM portal_audit_append"
    assert [q["sql"][: len(appended)] for q in queries.captured_queries] == [appended]
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.prev_hash, stored.ip_address, stored.county_id) == (first.entry_hash, "2001:db8::1", county.pk)
    assert stored.entry_hash == entry.entry_hash == audit_chain.entry_digest(stored)
    assert stored.created_at == entry.created_at
    assert verify_out() == "审计日志哈希链完整：已校验 2 条记录。"


@pytest.mark.parametrize("algorithm", ["sha256", "sm3"])
def test_rows_of_both_paths_make_one_chain(settings, algorithm):
    """Where PostgreSQL cannot digest (SM3 without pgcrypto), the Python path writes the row; rows of
    either path chain to each other."""
    settings.AUDIT_HASH_ALGORITHM = algorithm
    write(1)
    with mock.patch.dict(audit_module._DATABASE_DIGESTS, {algorithm: False}):
        with CaptureQueriesContext(connection) as queries:
            write(1)
        assert any("pg_advisory_xact_lock" in q["sql"] for q in queries.captured_queries)
    write(1)
    assert verify_out() == "审计日志哈希链完整：已校验 3 条记录。"


def test_the_trigger_refuses_update_and_delete_on_postgresql():
    assert connection.vendor == "postgresql"
    [entry] = write(1)
    with pytest.raises(REFUSED) as exc, transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(target="改过")
    assert "审计日志只能追加" in str(exc.value)
    with pytest.raises(REFUSED), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_auditentry")
    assert AuditEntry.objects.get(pk=entry.pk).target == "行0"


def tamper(entry_id, **changes):
    """What someone with the table owner's rights could do: switch the trigger off and change a row."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE reports_auditentry DISABLE TRIGGER reports_auditentry_append_only")
        if changes:
            AuditEntry.objects.filter(pk=entry_id).update(**changes)
        else:
            AuditEntry.objects.filter(pk=entry_id).delete()
        cursor.execute("ALTER TABLE reports_auditentry ENABLE TRIGGER reports_auditentry_append_only")


def test_audit_verify_finds_a_changed_row_and_a_removed_row():
    rows = write(5)
    tamper(rows[2].pk, target="被改过")
    with pytest.raises(CommandError) as exc:
        verify_out()
    assert f"在第 {rows[2].pk} 条记录处断开" in str(exc.value) and "本条摘要不符" in str(exc.value)
    tamper(rows[2].pk, target="行2")  # put back
    assert verify_out() == "审计日志哈希链完整：已校验 5 条记录。"
    tamper(rows[1].pk)
    with pytest.raises(CommandError) as exc:
        verify_out()
    assert f"在第 {rows[2].pk} 条记录处断开" in str(exc.value) and "前一条摘要不符" in str(exc.value)


def test_purge_refuses_a_row_179_days_old_and_archives_what_it_removes(tmp_path):
    now = timezone.now()
    old = write(3, when=now - timedelta(days=200))
    recent = write(2, when=now - timedelta(days=179))
    young_day = timezone.localdate() - timedelta(days=179)
    with pytest.raises(CommandError) as exc:
        call_command("audit_purge", "--before", young_day.isoformat(), "--archive", str(tmp_path / "a.jsonl"))
    latest = timezone.localdate() - timedelta(days=180)
    assert str(exc.value) == f"拒绝清理：审计日志至少保留 180 天，--before 最晚为 {latest:%Y-%m-%d}"
    assert AuditEntry.objects.count() == 5 and not (tmp_path / "a.jsonl").exists()
    call_command(
        "audit_purge", "--before", latest.isoformat(), "--archive", str(tmp_path / "a.jsonl"), stdout=io.StringIO()
    )
    archived = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in archived] == [e.pk for e in old]
    assert archived[2]["entry_hash"] == old[2].entry_hash
    kept = set(AuditEntry.objects.values_list("pk", flat=True))
    assert {e.pk for e in recent} <= kept and not ({e.pk for e in old} & kept)
    purge = AuditPurge.objects.get()
    assert (purge.rows, purge.last_hash) == (3, old[2].entry_hash)
    assert AuditEntry.objects.filter(action="audit_purge").count() == 1
    assert verify_out() == "审计日志哈希链完整：已校验 3 条记录。"  # 2 kept + the purge's own row
    # the same archive is never overwritten
    with pytest.raises(CommandError) as exc:
        call_command("audit_purge", "--before", latest.isoformat(), "--archive", str(tmp_path / "a.jsonl"))
    assert "归档文件已存在" in str(exc.value)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_keep_the_chain_valid():
    assert connection.vendor == "postgresql"
    errors = []
    barrier = threading.Barrier(2)

    def writer(n):
        try:
            barrier.wait()
            for i in range(25):
                with transaction.atomic():
                    audit_record(actor=None, action="export", target=f"w{n}-{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    checked, broken, reason = chain_verify()
    assert (checked, broken, reason) == (50, None, "")
    assert AuditEntry.objects.values("prev_hash").distinct().count() == 50  # no two rows chained to one


def test_the_audit_administrator_filters_and_exports_the_trail(client, three_admins):
    from openpyxl import load_workbook

    write(2)
    audit_record(actor=three_admins["secadmin"], action="role_change", target="x → y")
    client.force_login(three_admins["auditadmin"])
    query = {"action": "role_change", "actor": "13900000102"}
    page = client.get(reverse("audit:home"), query)
    assert [e.target for e in page.context["page"]] == ["x → y"]
    response = client.get(reverse("audit:export"), query)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert (
        len(rows) == 2
        and rows[0][:5] == ("时间", "操作人", "角色", "操作", "结果")
        and rows[1][1:5] == ("13900000102", "安全管理员", "变更角色", "成功")
    )
    assert AuditEntry.objects.filter(action="export", actor=three_admins["auditadmin"]).count() == 1
    assert client.post(reverse("audit:verify")).status_code == 302
    # the audit administrator changes nothing: no edit on the admin site either
    entry = AuditEntry.objects.first()
    assert client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"target": "x"}).status_code == 403
