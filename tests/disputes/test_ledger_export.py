"""The case ledger export (disputes list, ?export=xlsx): typed numbers, nothing after the last case,
handler phones masked for everyone but admins, voided payments left out, corrected ones at their
amount, and the file imports back changing nothing."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.admin import site
from django.urls import reverse

from disputes import selectors, services
from disputes.admin import DisputeCaseAdmin
from disputes.models import DisputeCase, Outcome
from disputes.resources import DisputeLedgerResource, money_cell
from tests.disputes.test_stats_and_ledger import HEADER, LEDGER, run_import, write
from tests.factories import AdminFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(county, tmp_path):
    out, err, failure = run_import(write(tmp_path, *LEDGER))
    assert failure is None, err
    return out


@pytest.fixture
def handler(county):
    return ReviewerFactory(county=county, username="13900000077", full_name="承办人")


def export(client, user):
    client.force_login(user)
    response = client.get(reverse("disputes:list"), {"export": "xlsx"})
    assert response.status_code == 200
    return response.content


def sheet_rows(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return sheet, [list(row) for row in sheet.iter_rows()]


def by_number(rows):
    header = [c.value for c in rows[0]]
    return header, {row[0].value: dict(zip(header, row, strict=True)) for row in rows[1:]}


def test_counts_and_amounts_are_numbers_and_nothing_follows_the_last_case(client, county, ledger):
    sheet, rows = sheet_rows(export(client, AdminFactory(county=county)))
    header, cases = by_number(rows)
    assert ",".join(header) == HEADER  # the contract's columns, in order
    assert sheet.max_row == 5 and all(any(c.value is not None for c in row) for row in rows)
    first = cases["BH-2026-001"]
    assert (first["涉及人数"].value, first["涉及人数"].data_type, first["涉及人数"].number_format) == (126, "n", "0")
    assert (first["诉求金额"].value, first["诉求金额"].data_type, first["诉求金额"].number_format) == (
        1260000,
        "n",
        "0.00",
    )
    assert (first["清理欠薪"].value, first["清理欠薪"].number_format) == (1260000, "0.00")
    assert first["获得经济补偿"].value is None  # 0 is left blank: a blank reads back as 0
    assert cases["BH-2026-003"]["获得经济补偿"].value == 48000.5
    assert cases["BH-2026-004"]["诉求金额"].value is None
    assert first["登记日期"].value == "2026-03-02"  # dates stay text, as the contract writes them


def test_money_has_two_decimals_whatever_scale_the_database_gives():
    # SQLite gives an annotated sum as Decimal('1260000'); PostgreSQL as Decimal('1260000.00').
    assert [money_cell(v) for v in (Decimal("1260000"), Decimal("48000.5"), Decimal("0"), None)] == [
        Decimal("1260000.00"),
        Decimal("48000.50"),
        "",
        "",
    ]
    assert str(money_cell(Decimal("1260000"))) == "1260000.00"


def test_handler_phone_is_masked_for_reviewers_not_for_admins(client, county, ledger, handler, tmp_path):
    DisputeCase.objects.get(number="BH-2026-001").handlers.add(handler)
    _, rows = sheet_rows(export(client, ReviewerFactory(county=county)))
    assert by_number(rows)[1]["BH-2026-001"]["承办人手机号"].value == "139****0077"
    reviewer_file = tmp_path / "reviewer.xlsx"
    reviewer_file.write_bytes(export(client, ReviewerFactory(county=county)))
    _, rows = sheet_rows(export(client, AdminFactory(county=county)))
    assert by_number(rows)[1]["BH-2026-001"]["承办人手机号"].value == "13900000077"
    # A reviewer's file comes back unchanged: the masked phone stands for the handler the case has.
    out, err, _ = run_import(reviewer_file)
    assert out == "导入完成：新增 0 条，更新 0 条，未变化 4 条（共 4 行）。", err
    masked_elsewhere = LEDGER[1] + "139****0077"  # a case with no handler
    out, err, _ = run_import(write(tmp_path, masked_elsewhere))
    assert err == ["第2行：承办人手机号：手机号 139****0077 已打码，请填写完整手机号"]


def test_admin_site_export_masks_for_reviewers_too(county, handler, ledger, rf):
    DisputeCase.objects.get(number="BH-2026-001").handlers.add(handler)

    admin = DisputeCaseAdmin(DisputeCase, site)
    for user, expected in ((ReviewerFactory(county=county), True), (AdminFactory(county=county), False)):
        request = rf.get("/")
        request.user = user
        assert admin.get_export_resource_kwargs(request)["mask_phones"] is expected
    masked = DisputeLedgerResource(mask_phones=True).export(queryset=DisputeCase.objects.filter(number="BH-2026-001"))
    assert masked.dict[0]["承办人手机号"] == "139****0077"


def test_voided_and_corrected_payments_in_the_export_and_back(client, county, ledger, tmp_path):
    case = DisputeCase.objects.get(number="BH-2026-003")
    reviewer = ReviewerFactory(county=county)
    extra = services.outcome_add(
        case=case, actor=reviewer, kind="compensation", amount=Decimal("1000"), received_on=date(2026, 6, 1)
    )
    wrong = services.outcome_add(
        case=case, actor=reviewer, kind="compensation", amount=Decimal("900"), received_on=date(2026, 6, 2)
    )
    services.outcome_correct(outcome=extra, actor=reviewer, amount=Decimal("1500"), reason="收据为1500元")
    services.outcome_void(outcome=wrong, actor=reviewer, reason="重复登记")
    content = export(client, reviewer)
    _, rows = sheet_rows(content)
    assert by_number(rows)[1]["BH-2026-003"]["获得经济补偿"].value == 49500.5  # 48000.50 + 1500, not the 900
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    out, err, _ = run_import(path)
    assert out == "导入完成：新增 0 条，更新 0 条，未变化 4 条（共 4 行）。", err
    assert Outcome.objects.filter(case=case).count() == 3


def test_a_reimport_voids_a_corrected_ledger_line_instead_of_deleting_its_history(county, ledger, tmp_path):
    case = DisputeCase.objects.get(number="BH-2026-003")
    line = Outcome.objects.get(case=case, from_ledger=True)
    services.outcome_correct(outcome=line, actor=None, amount=Decimal("48000"), reason="台账多记了五角")
    services.outcome_void(outcome=line, actor=None, reason="整笔另行登记")
    services.outcome_add(
        case=case, actor=None, kind="compensation", amount=Decimal("48000"), received_on=date(2026, 5, 6)
    )
    rows = [LEDGER[0], LEDGER[1], LEDGER[2].replace(",48000.5,", ",48000,"), LEDGER[3]]
    out, err, _ = run_import(write(tmp_path, *rows))
    assert out == "导入完成：新增 0 条，更新 0 条，未变化 4 条（共 4 行）。", err
    # The ledger's figure again: a new ledger line for the rest; the voided one stays as it was.
    out, err, _ = run_import(
        write(tmp_path, *[LEDGER[0], LEDGER[1], LEDGER[2].replace(",48000.5,", ",50000,"), LEDGER[3]])
    )
    assert out == "导入完成：新增 0 条，更新 1 条，未变化 3 条（共 4 行）。", err
    assert sorted(Outcome.objects.filter(case=case).values_list("amount", "from_ledger", "void_reason")) == [
        (Decimal("2000.00"), True, ""),
        (Decimal("48000.00"), False, ""),
        (Decimal("48000.00"), True, "整笔另行登记"),
    ]


def test_a_ledger_line_with_corrections_is_voided_not_deleted_when_the_ledger_drops_it(county, ledger, tmp_path):
    case = DisputeCase.objects.get(number="BH-2026-003")
    line = Outcome.objects.get(case=case, from_ledger=True)
    services.outcome_correct(outcome=line, actor=None, amount=Decimal("48000"), reason="台账多记了五角")
    services.outcome_add(
        case=case, actor=None, kind="compensation", amount=Decimal("48000"), received_on=date(2026, 5, 6)
    )
    # The ledger now says 48,000 in all: the portal's own payment holds it; the ledger line is not needed.
    rows = [LEDGER[0], LEDGER[1], LEDGER[2].replace(",48000.5,", ",48000,"), LEDGER[3]]
    out, err, _ = run_import(write(tmp_path, *rows))
    assert out == "导入完成：新增 0 条，更新 1 条，未变化 3 条（共 4 行）。", err
    line.refresh_from_db()
    assert (line.is_voided, line.void_reason, line.corrections.count()) == (True, "台账重新导入：该金额已不在台账中", 1)
    assert selectors.with_money(DisputeCase.objects.filter(pk=case.pk)).get().compensation == Decimal("48000.00")
