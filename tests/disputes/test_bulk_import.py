"""The dispute case ledger at bulk speed (issue 21): a fixed number of queries whatever the file's
size, the same cases, handlers and money lines as the admin's row-by-row page, all or nothing."""

from datetime import date
from decimal import Decimal
from functools import partial

import pytest

from disputes.bulk import DisputeLedger
from disputes.models import DisputeCase, Outcome, OutcomeCorrection
from disputes.resources import DisputeLedgerResource
from officers.models import Enterprise
from tests.disputes.test_stats_and_ledger import HEADER, LEDGER
from tests.factories import EnterpriseFactory, OfficerFactory, ReviewerFactory
from tests.ledger_helpers import (
    command_queries,
    credit_code,
    run_bulk,
    run_command,
    write_ledger,
    written_row_by_row,
)
from unionportal.core.ledger import row_messages
from unionportal.core.models import AuditEntry

pytestmark = pytest.mark.django_db
HANDLER = "13815112222"


def write(tmp_path, lines, name="cases.csv"):
    return write_ledger(tmp_path, HEADER, lines, name)


run = partial(run_command, "import_disputes")
bulk = partial(run_bulk, DisputeLedger)


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(DisputeLedger, "batch_rows", 2)


@pytest.fixture
def handler(county):
    return ReviewerFactory(county=county, username=HANDLER)


def cases(count: int, *, status="调解成功") -> list[str]:
    """``count`` cases: employers shared by name, money on the successful ones, a handler on each."""
    if status == "调解成功":
        outcome = "调解成功,成功,2026-04-10,1000,2000.5"
    else:
        outcome = "调解中,,,,"
    return [
        f"BH-B-{n:03d},320922,2026-03-02,滨海第{n // 4}厂,,欠薪,{n + 1},5000,{outcome},{HANDLER}" for n in range(count)
    ]


def snapshot() -> dict:
    """Everything a case import writes, without keys and moments."""
    return {
        "cases": [
            (
                c.county.code,
                c.number,
                c.registered_on,
                c.enterprise.name,
                c.enterprise.credit_code,
                c.dispute_type,
                c.workers_involved,
                c.amount_claimed,
                c.status,
                c.mediation_result,
                c.result_on,
                c.closed_on,
                c.from_ledger,
                sorted(h.username for h in c.handlers.all()),
            )
            for c in DisputeCase.objects.select_related("county", "enterprise").order_by("number")
        ],
        "outcomes": sorted(
            (
                o.case.number,
                o.kind,
                o.amount,
                o.received_on,
                o.note,
                o.from_ledger,
                o.voided_at is not None,
                o.void_reason,
            )
            for o in Outcome.objects.select_related("case")
        ),
        "enterprises": sorted(Enterprise.objects.values_list("name", "credit_code", "county_id")),
        "audit": sorted(AuditEntry.objects.filter(action="import").values_list("target", flat=True)),
    }


def by_row_then_rolled_back(path) -> tuple[dict, list[str]]:
    return written_row_by_row(DisputeLedgerResource(), path, snapshot)


queries = partial(command_queries, run)


def test_the_contracts_ledger_writes_what_the_row_by_row_page_wrote(county, tmp_path):
    path = write(tmp_path, LEDGER)
    expected, problems = by_row_then_rolled_back(path)
    assert problems == [] and len(expected["cases"]) == 4
    out, _, _ = run(path)
    assert out == "导入完成：新增 4 条，更新 0 条，未变化 0 条（共 4 行）。"
    assert snapshot() == expected


def test_a_changed_ledger_updates_as_the_row_by_row_page_did(county, handler, tmp_path):
    run(write(tmp_path, LEDGER))
    # The portal recorded 1000 yuan of wages itself, and corrected the ledger's compensation line.
    first = DisputeCase.objects.get(number="BH-2026-001")
    Outcome.objects.create(case=first, kind="wages", amount=Decimal("1000"), received_on=date(2026, 4, 11))
    third = DisputeCase.objects.get(number="BH-2026-003")
    line = Outcome.objects.get(case=third, kind="compensation", from_ledger=True)
    OutcomeCorrection.objects.create(
        outcome=line, old_amount=Decimal("48000.5"), new_amount=Decimal("48000.50") + 1, reason="更正"
    )
    lines = list(LEDGER)
    lines[0] = lines[0].rstrip(",") + f",{HANDLER}"  # a handler added
    lines[2] = lines[2].replace(",48000.5,", ",,")  # the compensation no longer in the ledger: voided
    lines[3] = lines[3].replace("调解中,,,,,", "调解失败,失败,2026-05-20,,,")  # mediation failed
    path = write(tmp_path, [*lines, "BH-2026-005,320922,2026-05-02,新的用人单位,,其他,2,,登记,,,,,"])
    expected, problems = by_row_then_rolled_back(path)
    assert problems == []
    out, _, _ = run(path)
    assert out == "导入完成：新增 1 条，更新 3 条，未变化 1 条（共 5 行）。"
    assert snapshot() == expected
    assert Outcome.objects.get(case=third, kind="compensation").void_reason == "台账重新导入：该金额已不在台账中"
    assert Outcome.objects.get(case=first, kind="wages", from_ledger=True).amount == Decimal("1259000.00")


def test_the_file_takes_the_same_queries_at_5_and_at_50_rows(county, handler, tmp_path):
    small = queries(write(tmp_path, cases(5), name="small.csv"))
    DisputeCase.objects.all().delete()
    Enterprise.objects.all().delete()
    large = queries(write(tmp_path, cases(50), name="large.csv"))
    print(f"\nimport_disputes queries, new cases: {small} at 5 rows, {large} at 50 rows")
    assert small == large
    assert DisputeCase.objects.count() == 50 and Outcome.objects.filter(from_ledger=True).count() == 100
    # Updating takes a fixed number too: the money changed on every case.
    update_small = queries(write(tmp_path, [c.replace(",1000,", ",1200,") for c in cases(5)], name="small2.csv"))
    update_large = queries(write(tmp_path, [c.replace(",1000,", ",1300,") for c in cases(50)], name="large2.csv"))
    print(f"import_disputes queries, every case updated: {update_small} at 5, {update_large} at 50 rows")
    assert update_small == update_large


def test_reimport_changes_nothing(county, handler, tmp_path, small_batches):
    path = write(tmp_path, cases(7))
    run(path)
    before = snapshot()
    out, _, _ = run(path)
    assert out == "导入完成：新增 0 条，更新 0 条，未变化 7 条（共 7 行）。"
    after = snapshot()
    assert after["audit"] == sorted(before["audit"] + ["争议案件台账：新增 0，更新 0，未变化 7"])
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}


def test_a_bad_row_anywhere_writes_nothing(county, handler, tmp_path, small_batches):
    lines = cases(6) + ["BH-B-900,320922,2026-03-02,某厂,,欠薪,0,,登记,,,,,"]
    _, err, failure = run(write(tmp_path, lines))
    assert failure == "导入失败：1 行有错误，未写入任何数据。请改正后重新导入。"
    assert err == ["第8行：涉及人数：不能小于 1"]
    assert (DisputeCase.objects.count(), Outcome.objects.count(), Enterprise.objects.count()) == (0, 0, 0)
    assert not AuditEntry.objects.filter(action="import").exists()


def test_the_bulk_import_and_the_row_by_row_page_give_the_same_reasons(county, other_county, handler, tmp_path):
    run(write(tmp_path, LEDGER))
    first = DisputeCase.objects.get(number="BH-2026-001")
    Outcome.objects.create(case=first, kind="compensation", amount=Decimal("500"), received_on=date(2026, 4, 11))
    EnterpriseFactory(county=other_county, name="阜宁某厂", credit_code=credit_code(900))
    OfficerFactory(county=other_county, phone="13815113333")
    lines = [
        LEDGER[0],  # compensation 0 in the ledger, 500 in the portal
        "BH-2026-002,320922,2026-03-15,江苏海德精密机械有限公司,,解除劳动合同,3,90000,登记,,,,,",
        f"BH-2026-010,320922,2026-03-15,外县的厂,{credit_code(900)},其他,3,,登记,,,,,",
        "BH-2026-011,320922,2026-03-15,某厂,,其他,3,,登记,,,,,13815113333",
        "BH-2026-011,320922,2026-03-15,某厂,,其他,3,,登记,,,,,",
        "BH-2026-012,320922,2999-03-15,某厂,,其他,3,,调解成功,失败,,100,,138****0000",
        "BH-2026-013,320922,2026-03-15,{},,其他,3,,登记,,,,,".format("长" * 101),
    ]
    path = write(tmp_path, lines)
    _, by_row = by_row_then_rolled_back(path)
    assert row_messages(bulk(path)) == by_row
    assert by_row[:2] == [
        "第2行：获得经济补偿：低于平台中已登记的 500.00 元",
        "第3行：状态：案件已是“移交”，不能改回“登记”",
    ]
    assert "第6行：案件编号：案件编号 BH-2026-011 与第5行重复" in by_row
    assert DisputeCase.objects.count() == 4
