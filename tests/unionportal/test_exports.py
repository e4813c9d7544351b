"""The one rule for written cells (unionportal/core/exports.py) and the refusal of control characters
on input (unionportal/core/validators.py): no stored text can make an export fail (issue 14, items 9,
13 and 14)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from disputes.models import DisputeCase, FollowUp, Outcome
from disputes.resources import DisputeLedgerResource
from disputes.services import case_register, follow_up_add, outcome_add
from officers.models import County, Enterprise, Officer, Township, User
from officers.resources import OfficerLedgerResource
from reports.resources import ReportLedgerResource
from reports.services import report_save
from tests.factories import AdminFactory, EnterpriseFactory, OfficerFactory, ReportFactory, TownshipFactory
from unionportal.core.exports import escape_formula, xml_safe
from unionportal.core.validators import multiline_text, single_line_text
from unionportal.overview.models import MonthlySummary, SummaryAction
from unionportal.overview.services import action_add, meeting_record
from unionportal.overview.summaries import summary_build

# ---- the rule, by tables of cases ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("滨海县", "滨海县"),
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("＝HYPERLINK(1)", "'＝HYPERLINK(1)"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠SUM(1)", "'＠SUM(1)"),
        ("a=b", "a=b"),
        ("标题\x0b带控制字符\x01", "标题带控制字符"),
        ("\x01=1", "'=1"),  # stripped first, then escaped: the control character hides no formula
        ("第一行\n第二行\t完", "第一行\n第二行\t完"),
        ("\ufffe\uffff", ""),
        (-5, -5),
        (Decimal("-1.50"), Decimal("-1.50")),
        (None, None),
    ],
)
def test_escape_formula(value, written):
    assert escape_formula(value) == written


def test_xml_safe_keeps_what_xml_can_hold_and_does_not_escape():
    assert xml_safe("=1\x00\x08\x0c\x1f") == "=1"
    assert xml_safe("甲\t乙\n丙\r") == "甲\t乙\n丙\r"
    assert xml_safe(12) == 12


@pytest.mark.parametrize(
    ("value", "single_line_ok", "multiline_ok"),
    [
        ("王建国", True, True),
        ("标题\x0b", False, False),
        ("华强\x01纺织", False, False),
        ("第一行\n第二行", False, True),
        ("第一行\r\n第二行", False, True),
        ("甲\t乙", False, True),
        ("\x7f", False, False),
        ("\x85", False, False),
        ("\x00", False, False),
        ("", True, True),
    ],
)
def test_control_character_validators(value, single_line_ok, multiline_ok):
    for validator, ok in ((single_line_text, single_line_ok), (multiline_text, multiline_ok)):
        if ok:
            validator(value)
        else:
            with pytest.raises(ValidationError) as exc:
                validator(value)
            assert exc.value.messages == ["不能包含控制字符"]


# ---- refused on input ----------------------------------------------------------------------------


def test_the_report_form_refuses_a_control_character_in_the_title_and_keeps_line_breaks(county):
    from reports.forms import ReportForm

    officer = OfficerFactory(county=county)
    now = timezone.localtime()
    data = {
        "title": "某厂\x0b欠薪",
        "content": "第一行\r\n第二行",
        "category": "wage_arrears",
        "urgency": "general",
        "occurred_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "workers_involved": "3",
    }
    form = ReportForm(data=data, officer=officer)
    assert not form.is_valid()
    assert form.errors == {"title": ["不能包含控制字符"]}
    assert ReportForm(data={**data, "title": "某厂欠薪"}, officer=officer).is_valid()


def test_services_refuse_control_characters_in_free_text(county):
    officer = OfficerFactory(county=county)
    with pytest.raises(ValidationError) as exc:
        report_save(
            officer=officer,
            data={
                "title": "某厂欠薪",
                "content": "内容\x01",
                "category": "wage_arrears",
                "urgency": "general",
                "occurred_at": timezone.now() - timedelta(hours=1),
            },
            files=[],
            submit=True,
        )
    assert exc.value.message_dict["content"] == ["不能包含控制字符"]
    admin = AdminFactory(county=county)
    with pytest.raises(ValidationError) as exc:
        case_register(
            county=county, actor=admin, dispute_type="wage_arrears", workers_involved=2, enterprise_name="华强\x01"
        )
    assert exc.value.messages == ["不能包含控制字符"]
    case = case_register(
        county=county, actor=admin, dispute_type="wage_arrears", workers_involved=2, enterprise_name="华强"
    )
    with pytest.raises(ValidationError) as exc:
        follow_up_add(case=case, actor=admin, action="电话\x1b联系", next_step="")
    assert exc.value.message_dict["action"] == ["不能包含控制字符"]
    assert FollowUp.objects.count() == 0


def test_the_officer_import_names_the_row_of_a_control_character(county, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "o.csv"
    path.write_text(
        "姓名,手机号,县区代码,工作单位,人员类别\n王建国,13815110001,320922,华强\x01纺织,一线职工\n", encoding="utf-8"
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_officers", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().strip().splitlines() == ["第2行：工作单位：不能包含控制字符"]
    assert Officer.objects.count() == 0


# ---- no stored text breaks an export -----------------------------------------------------------

POISON = "\x0b\x01"
SKIP_FIELDS = {"password", "username"}


def plant(instance):
    """Append control characters to every free-text column of the row, straight into the database
    (as rows written before validation existed, or by hand, would be). Columns whose database
    constraints refuse it (a county code must be six digits) are left as they are."""
    planted = []
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField) and not field.choices:
            if field.name in SKIP_FIELDS:
                continue
            text = getattr(instance, field.attname) or ""
            if field.max_length:
                text = text[: field.max_length - len(POISON)]
            try:
                with transaction.atomic():
                    type(instance).objects.filter(pk=instance.pk).update(**{field.attname: f"{text}{POISON}"})
            except IntegrityError:
                continue
            planted.append(field.name)
    return planted


@pytest.fixture
def poisoned(county):
    now = timezone.localtime()
    month = now.date().replace(day=1)
    township = TownshipFactory(county=county, name="东坎街道")
    enterprise = EnterpriseFactory(county=county, name="滨海华强纺织有限公司", township=township)
    admin = AdminFactory(county=county, full_name="周管理")
    officer = OfficerFactory(
        county=county,
        name="李秀英",
        township=township,
        employer=enterprise,
        recommended_by="县快递行业协会",
        vetted_by="县交通运输行业工会联合会",
        password=None,
    )
    when = max(now - timedelta(hours=1), timezone.make_aware(timezone.datetime(month.year, month.month, 1, 9)))
    report = ReportFactory(
        officer=officer,
        title="某厂欠薪",
        content="内容",
        urgency="emergency",
        grade="above_adopted",
        status="reviewed",
        adopted_by="盐城市总工会",
        enterprise_name="某厂",
        occurred_at=when,
        submitted_at=when,
    )
    case = case_register(
        county=county, actor=admin, dispute_type="wage_arrears", workers_involved=3, enterprise=enterprise
    )
    follow_up_add(case=case, actor=admin, action="电话联系", next_step="回访")
    outcome_add(case=case, actor=admin, kind="wages", amount=Decimal("100"), received_on=now.date(), note="第一期")
    for row in (
        County.objects.get(pk=county.pk),
        township,
        enterprise,
        Officer.objects.get(pk=officer.pk),
        User.objects.get(pk=officer.user_id),
        admin,
        report,
        DisputeCase.objects.get(pk=case.pk),
        *FollowUp.objects.all(),
        Outcome.objects.get(),
    ):
        plant(row)
    summary = summary_build(county=County.objects.get(pk=county.pk), month=month)
    meeting_record(summary=summary, actor=admin, meeting_on=now.date(), attendees="周管理", conclusions="研判")
    action_add(summary=summary, actor=admin, description="回访", owner=admin, due_on=now.date())
    plant(MonthlySummary.objects.get(pk=summary.pk))
    plant(SummaryAction.objects.get())
    return {"admin": admin, "summary": summary, "month": month}


def no_control_characters(texts):
    texts = [t for t in texts if isinstance(t, str)]
    assert texts
    assert not any(c in t for t in texts for c in POISON)


def xlsx_texts(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]


def test_a_control_character_in_every_text_field_goes_through_every_export(client, county, poisoned):
    assert Enterprise.objects.get().name == f"滨海华强纺织有限公司{POISON}"  # planted indeed
    assert Township.objects.get().name == f"东坎街道{POISON}"
    client.force_login(poisoned["admin"])
    summary = poisoned["summary"]

    response = client.get(reverse("overview:summary_download", args=[summary.pk]), {"format": "xlsx"})
    assert response.status_code == 200
    texts = xlsx_texts(response.content)
    no_control_characters(texts)
    assert "某厂欠薪" in texts

    response = client.get(reverse("overview:summary_download", args=[summary.pk]), {"format": "docx"})
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs] + [
        c.text for t in document.tables for row in t.rows for c in row.cells
    ]
    no_control_characters(texts)
    assert "某厂欠薪" in texts and "回访" in texts

    month = poisoned["month"].strftime("%Y-%m")
    response = client.get("/reports/stipends/export/", {"month": month, "format": "xlsx"})
    assert response.status_code == 200
    texts = xlsx_texts(b"".join(response.streaming_content))
    no_control_characters(texts)
    assert texts[0].startswith("滨海县") and "李秀英" in texts

    response = client.get("/reports/stipends/export/", {"month": month, "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    no_control_characters([cell for row in rows for cell in row])
    assert rows[1][1] == "李秀英"

    response = client.get(reverse("disputes:list"), {"export": "xlsx"})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    no_control_characters([cell for row in rows for cell in row])
    assert rows[1][3] == "滨海华强纺织有限公司"

    for url, resource in (
        ("/admin/officers/officer/export/", OfficerLedgerResource),
        ("/admin/reports/report/export/", ReportLedgerResource),
        ("/admin/disputes/disputecase/export/", DisputeLedgerResource),
    ):
        prefix = resource.__name__.lower()
        fields = {f"{prefix}_{name}": "on" for name in resource().get_export_order()}
        for fmt in ("0", "1"):
            response = client.post(url, {"format": fmt, "resource": "0", **fields})
            assert response.status_code == 200, (url, fmt)
            if response.content.startswith(b"PK"):
                texts = xlsx_texts(response.content)
            else:
                texts = [c for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for c in row]
            no_control_characters(texts)
            assert len(texts) > len(resource().get_export_order())  # a header and at least one row


def test_the_stipend_title_row_is_escaped_like_every_cell(client, county):
    from reports.sheet_export import xlsx_file

    with xlsx_file([], title='=HYPERLINK("http://x")', sheet_name="2026-11") as handle:
        sheet = openpyxl.load_workbook(handle).worksheets[0]
    assert sheet["A1"].value == '\'=HYPERLINK("http://x")'
    assert sheet["A1"].data_type == "s"
