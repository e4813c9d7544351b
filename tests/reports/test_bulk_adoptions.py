"""Adoption receipts at bulk speed (issue 21): a fixed number of queries whatever the file's size,
the same adoptions, grades, history, notices and audit rows as report_adopt row by row."""

import io
from datetime import timedelta
from functools import partial

import pytest
from django.core.management import call_command
from django.utils import timezone

from officers.models import Officer
from officers.services import county_upsert
from reports.adoption_ledger import AdoptionLedger, AdoptionLedgerResource
from reports.models import Adoption, Lead, Report, ReviewEvent
from tests.factories import ReportFactory
from tests.ledger_helpers import command_queries, run_bulk, run_command, write_ledger, written_row_by_row
from tests.reports.test_import_adoptions import HEADER, SAMPLES
from unionportal.core.audit import chain_verify
from unionportal.core.ledger import row_messages
from unionportal.core.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db
PHONE = "13815110001"


def write(tmp_path, lines, name="a.csv"):
    return write_ledger(tmp_path, HEADER, lines, name)


run = partial(run_command, "import_adoptions")
bulk = partial(run_bulk, AdoptionLedger)


@pytest.fixture
def ledger(db):
    county, _ = county_upsert(code="320922", name="滨海县", townships=["东坎街道", "坎北街道", "五汛镇", "八巨镇"])
    call_command("import_officers", str(SAMPLES / "officers.csv"), stdout=io.StringIO())
    call_command("import_reports", str(SAMPLES / "reports.csv"), stdout=io.StringIO())
    return county


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(AdoptionLedger, "batch_rows", 2)


@pytest.fixture
def many(ledger):
    """60 reports of one officer, a minute apart, graded 合格."""
    officer = Officer.objects.get(phone=PHONE)
    start = timezone.make_aware(timezone.datetime(2026, 9, 1, 9, 0))
    return [
        ReportFactory(
            officer=officer,
            title=f"批量信息{n}",
            submitted_at=start + timedelta(minutes=n),
            occurred_at=start,
            grade="qualified",
            status="reviewed",
        )
        for n in range(60)
    ]


def receipts(reports, body="盐城市委办公室") -> list[str]:
    return [
        f"{PHONE},{timezone.localtime(r.submitted_at):%Y-%m-%d %H:%M},{r.title},{body},盐城信息,第{n}期,2026-10-27"
        for n, r in enumerate(reports)
    ]


def snapshot() -> dict:
    """What recording adoptions writes, without keys and moments."""
    return {
        "adoptions": sorted(
            Adoption.objects.values_list(
                "report__title", "grade", "body", "publication", "issue", "adopted_on", "source", "raised_grade"
            )
        ),
        "reports": sorted(
            Report.objects.values_list(
                "title", "grade", "status", "adopted_by", "adopted_on", "adoption_doc_no", "version", "reviewed_at"
            ),
            key=str,
        ),
        "events": sorted(
            ReviewEvent.objects.values_list("report__title", "action", "from_grade", "to_grade", "comment", "actor")
        ),
        "notices": sorted(
            Notification.objects.values_list("recipient__username", "kind", "title", "body", "report__title")
        ),
        "audit": sorted(
            AuditEntry.objects.filter(action="grade").values_list("actor", "county", "report__title", "target")
        ),
    }


def by_row_then_rolled_back(path) -> tuple[dict, list[str]]:
    return written_row_by_row(AdoptionLedgerResource(), path, snapshot)


queries = partial(command_queries, run)


def test_the_sample_writes_what_report_adopt_wrote_row_by_row(ledger, monkeypatch):
    # reviewed_at is the moment of the adoption: one moment for both paths.
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    expected, problems = by_row_then_rolled_back(SAMPLES / "adoptions.csv")
    assert problems == [] and len(expected["adoptions"]) == 2
    out, _, _ = run(SAMPLES / "adoptions.csv")
    assert out == "导入完成：新增 2 条，更新 0 条，未变化 0 条（共 2 行）。"
    assert snapshot() == expected
    assert chain_verify()[1] is None  # the audit rows written together keep the chain


def test_two_receipts_for_one_report_in_one_batch(ledger, many, tmp_path, monkeypatch):
    """The second receipt sees the grade the first raised: a record, a notice and an audit row, no raise."""
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    lines = receipts(many[:3]) + receipts(many[:1], body="江苏省总工会")
    path = write(tmp_path, lines)
    expected, problems = by_row_then_rolled_back(path)
    assert problems == []
    out, _, _ = run(path)
    assert out == "导入完成：新增 4 条，更新 0 条，未变化 0 条（共 4 行）。"
    assert snapshot() == expected
    first = Report.objects.get(pk=many[0].pk)
    assert (first.grade, first.adopted_by, first.version) == ("above_adopted", "盐城市委办公室", many[0].version + 1)
    assert list(Adoption.objects.filter(report=first).order_by("pk").values_list("body", "raised_grade")) == [
        ("盐城市委办公室", True),
        ("江苏省总工会", False),
    ]


def test_the_file_takes_the_same_queries_at_5_and_at_50_rows(ledger, many, tmp_path):
    small = queries(write(tmp_path, receipts(many[:5]), name="small.csv"))
    large = queries(write(tmp_path, receipts(many[5:55]), name="large.csv"))
    print(f"\nimport_adoptions queries: {small} at 5 rows, {large} at 50 rows")
    assert small == large
    assert Adoption.objects.count() == 55 and Notification.objects.filter(kind="graded").count() == 55
    # Unchanged on re-import: a fixed number too.
    again_small = queries(write(tmp_path, receipts(many[:5]), name="small.csv"))
    again_large = queries(write(tmp_path, receipts(many[5:55]), name="large.csv"))
    assert again_small == again_large


def test_reimport_changes_nothing(ledger, many, tmp_path, small_batches):
    path = write(tmp_path, receipts(many[:5]))
    run(path)
    before = snapshot()
    versions = dict(Report.objects.values_list("pk", "version"))
    out, _, _ = run(path)
    assert out == "导入完成：新增 0 条，更新 0 条，未变化 5 条（共 5 行）。"
    assert snapshot() == before and dict(Report.objects.values_list("pk", "version")) == versions


def test_a_bad_row_anywhere_writes_nothing(ledger, many, tmp_path, small_batches):
    lines = receipts(many[:5]) + [f"{PHONE},2026-09-01 09:03,批量信息3,盐城市委办公室,,,2026-08-01"]
    _, err, failure = run(write(tmp_path, lines))
    assert failure == "导入失败：1 行有错误，未写入任何数据。请改正后重新导入。"
    assert err == ["第7行：采用日期：采用日期不能早于报送日期（2026-09-01）"]
    assert not Adoption.objects.exists() and not Notification.objects.filter(kind="graded").exists()
    assert set(Report.objects.filter(pk__in=[r.pk for r in many]).values_list("grade", flat=True)) == {"qualified"}
    assert not AuditEntry.objects.filter(action="grade").exists()
    assert not AuditEntry.objects.filter(action="import", target__startswith="采用回执").exists()


def test_the_bulk_import_and_the_row_by_row_page_give_the_same_reasons(ledger, many, tmp_path):
    lead = Lead.objects.create(county=ledger, title="线索", first_report=many[10])
    Report.objects.filter(pk=many[2].pk).update(merged_at=timezone.now(), lead=lead)
    Report.objects.filter(pk=many[3].pk).update(status="withdrawn")
    lines = [
        *receipts(many[:1]),
        f"{PHONE},2026-09-01 09:00,批量信息0,盐城市委办公室,盐城信息,第0期,2026-10-27",
        f"{PHONE},2026-09-01 09:01,没有这条,盐城市委办公室,,,2026-10-27",
        *receipts(many[2:4]),
        f"{PHONE},2026-09-01 09:04,批量信息4,,,,2026-08-01",
        f"{PHONE},2026-09-01 09:05,批量信息5,盐城市委办公室,,,2026/10/30",
    ]
    path = write(tmp_path, lines)
    _, by_row = by_row_then_rolled_back(path)
    assert row_messages(bulk(path)) == by_row
    assert "第5行：该信息已合并到线索中，不能单独采用（采用计入首报信息）；补充了新情况的可评为合格" in by_row
    assert "第6行：标题：该信息已撤回，不能登记采用" in by_row
    assert not Adoption.objects.exists()
