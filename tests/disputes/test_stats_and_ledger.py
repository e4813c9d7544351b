"""Dispute figures (contract section 5), the ledger import and export, and who sees what."""

import io
import json
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from disputes import selectors, services
from disputes.models import DisputeCase, Outcome
from tests.factories import AdminFactory, OfficerFactory, ReportFactory, ReviewerFactory
from unionportal.core.models import AuditEntry

pytestmark = pytest.mark.django_db
HEADER = (
    "案件编号,县区代码,登记日期,用人单位,统一社会信用代码,争议类型,涉及人数,诉求金额,"
    "状态,调解结果,结果日期,获得经济补偿,清理欠薪,承办人手机号"
)


def write(tmp_path, *rows, name="cases.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_disputes", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return None, err.getvalue().strip().splitlines(), str(exc)
    return out.getvalue().strip(), [], None


def stats(*args):
    out = io.StringIO()
    call_command("dispute_stats", "--county", "320922", *args, stdout=out)
    return out.getvalue().strip()


LEDGER = [
    # registered in March, succeeded in April with money in April
    "BH-2026-001,320922,2026-03-02,滨海华强纺织有限公司,91320922MA1MX0001D,欠薪,126,1260000,结案,成功,2026-04-10,0,1260000,",
    # registered in March, failed in April, then transferred
    "BH-2026-002,320922,2026-03-15,江苏海德精密机械有限公司,,解除劳动合同,3,90000,移交,失败,2026-04-20,,,",
    # registered in April, succeeded in May, compensation
    "BH-2026-003,320922,2026-04-01,滨海顺达物流有限公司,,经济补偿,5,50000,调解成功,成功,2026-05-06,48000.5,,",
    # registered in April, still mediating
    "BH-2026-004,320922,2026-04-18,某快递网点,,新就业形态权益,40,,调解中,,,,,",
]


@pytest.fixture
def ledger(county, tmp_path):
    out, err, failure = run_import(write(tmp_path, *LEDGER))
    assert failure is None, err
    return out


class TestFigures:
    def test_import_summary(self, ledger):
        assert ledger == "导入完成：新增 4 条，更新 0 条，未变化 0 条（共 4 行）。"

    def test_april(self, ledger):
        assert json.loads(stats("--from", "2026-04-01", "--to", "2026-04-30")) == {
            "registered": 2,
            "concluded": 2,
            "successful": 1,
            "workers": 126,
            "success_rate": 0.5,
            "compensation": 0.0,
            "wages_recovered": 1260000.0,
        }

    def test_money_is_printed_with_two_decimals(self, ledger):
        assert stats("--from", "2026-01-01", "--to", "2026-12-31") == (
            '{"registered": 4, "concluded": 3, "successful": 2, "workers": 131, "success_rate": 0.6667, '
            '"compensation": 48000.50, "wages_recovered": 1260000.00}'
        )

    def test_nothing_concluded_gives_null_rate(self, ledger):
        assert json.loads(stats("--from", "2026-03-01", "--to", "2026-03-31")) == {
            "registered": 2,
            "concluded": 0,
            "successful": 0,
            "workers": 0,
            "success_rate": None,
            "compensation": 0.0,
            "wages_recovered": 0.0,
        }

    def test_both_ends_are_included(self, ledger):
        assert json.loads(stats("--from", "2026-04-10", "--to", "2026-04-10"))["successful"] == 1

    def test_instalments_count_on_their_own_dates(self, ledger, county):
        case = DisputeCase.objects.get(number="BH-2026-003")
        services.outcome_add(
            case=case, actor=None, kind="compensation", amount=Decimal("1000"), received_on=date(2026, 6, 1)
        )
        assert json.loads(stats("--from", "2026-06-01", "--to", "2026-06-30"))["compensation"] == 1000.0
        assert json.loads(stats("--from", "2026-05-01", "--to", "2026-05-31"))["compensation"] == 48000.5

    def test_bad_arguments(self, county):
        with pytest.raises(CommandError) as exc:
            stats("--from", "2026/04/01", "--to", "2026-04-30")
        assert str(exc.value) == "--from 应为 YYYY-MM-DD 格式的日期：2026/04/01"
        with pytest.raises(CommandError) as exc:
            stats("--from", "2026-05-01", "--to", "2026-04-30")
        assert str(exc.value) == "--to 不能早于 --from"

    def test_a_bad_period_is_explained_and_this_year_shown(self, ledger, client, county):
        client.force_login(ReviewerFactory(county=county))
        response = client.get(reverse("disputes:stats"), {"start": "abc", "end": "2026-12-31"})
        assert "开始日期：输入一个有效的日期。已显示今年以来的数字。" in response.content.decode()
        assert response.context["start"] == timezone.localdate().replace(month=1, day=1)

    def test_page_shows_the_same_figures(self, ledger, client, county):
        client.force_login(ReviewerFactory(county=county))
        response = client.get(reverse("disputes:stats"), {"start": "2026-01-01", "end": "2026-12-31"})
        figures = response.context["figures"]
        assert figures == selectors.dispute_figures(
            cases=DisputeCase.objects.filter(county=county), start=date(2026, 1, 1), end=date(2026, 12, 31)
        )
        body = response.content.decode()
        assert 'data-testid="fig-rate">67%' in body
        breakdown = response.context["breakdown"]
        assert {row["label"]: row["successful"] for row in breakdown["by_type"]} == {
            "欠薪": 1,
            "经济补偿": 1,
            "解除劳动合同": 0,
            "新就业形态权益": 0,
        }
        assert [(row["label"], row["registered"], row["concluded"]) for row in breakdown["by_month"]] == [
            ("2026年3月", 2, 0),
            ("2026年4月", 2, 2),
            ("2026年5月", 0, 1),
        ]

    def test_open_cases_by_age_and_stale(self, ledger, county):
        DisputeCase.objects.filter(number="BH-2026-004").update(last_activity_at=timezone.now() - timedelta(days=15))
        ages = selectors.open_cases_by_age(cases=DisputeCase.objects.filter(county=county), today=date(2026, 5, 20))
        assert ages["open"] == 3  # 002 (移交), 003 (调解成功, not yet 结案) and 004
        assert dict(ages["buckets"]) == {"30天以内": 0, "31–90天": 3, "91–180天": 0, "180天以上": 0}
        assert [c.number for c in ages["stale"]] == ["BH-2026-004"]


class TestImport:
    def test_reimport_changes_nothing(self, ledger, tmp_path):
        out, _, _ = run_import(write(tmp_path, *LEDGER))
        assert out == "导入完成：新增 0 条，更新 0 条，未变化 4 条（共 4 行）。"
        assert (DisputeCase.objects.count(), Outcome.objects.count()) == (4, 2)

    def test_dry_run(self, county, tmp_path):
        out, _, _ = run_import(write(tmp_path, *LEDGER), "--dry-run")
        assert out == "试运行，未写入任何数据：将新增 4 条，更新 0 条，未变化 0 条（共 4 行）。"
        assert DisputeCase.objects.count() == 0

    def test_ledger_figure_plus_portal_instalments(self, ledger, tmp_path):
        case = DisputeCase.objects.get(number="BH-2026-003")
        services.outcome_add(
            case=case, actor=None, kind="compensation", amount=Decimal("2000"), received_on=date(2026, 6, 1)
        )
        # The same ledger again: its 48,000.50 plus the portal's 2,000 is not what it says: update.
        out, _, _ = run_import(write(tmp_path, *LEDGER))
        assert out == "导入完成：新增 0 条，更新 1 条，未变化 3 条（共 4 行）。"
        # The ledger's figure is the case's total: the ledger line holds what the portal has not.
        assert sorted(case.outcomes.values_list("amount", "from_ledger")) == [
            (Decimal("2000.00"), False),
            (Decimal("46000.50"), True),
        ]
        rows = [LEDGER[0], LEDGER[1], LEDGER[2].replace(",48000.5,", ",1000,"), LEDGER[3]]
        out, err, _ = run_import(write(tmp_path, *rows))
        assert err == ["第4行：获得经济补偿：低于平台中已登记的 2000.00 元"]

    def test_bad_rows(self, county, tmp_path, other_county):
        ReviewerFactory(county=other_county, username="13900000099")
        rows = [
            LEDGER[0],
            "BH-2026-001,320922,2026-03-02,滨海华强纺织有限公司,,欠薪,1,,登记,,,,,",
            "BH-X,999999,2026-03-02,某厂,,欠薪,1,,登记,,,,,",
            "BH-Y,320922,2026/03/02,某厂,,讨薪,0,,调解成功,失败,2026-04-01,,,",
            "BH-Z,320922,2026-03-02,,,欠薪,2,,结案,成功,,,1000,13900000099",
            "BH-W,320922,2026-03-02,某厂,,欠薪,2,,调解中,成功,2026-03-05,,,",
        ]
        out, err, failure = run_import(write(tmp_path, *rows))
        assert failure == "导入失败：5 行有错误，未写入任何数据。请改正后重新导入。"
        assert err == [
            "第3行：案件编号：案件编号 BH-2026-001 与第2行重复",
            "第4行：县区代码：县区代码 999999 不存在，请先创建该县区",
            "第5行：登记日期：“2026/03/02”不是有效日期，格式应为 YYYY-MM-DD",
            "第5行：争议类型：“讨薪”不是有效的争议类型，应为：欠薪、经济补偿、社会保险、工伤、解除劳动合同、加班及休息休假、新就业形态权益、其他",
            "第5行：涉及人数：不能小于 1",
            "第5行：调解结果：状态为“调解成功”时调解结果应为“成功”",
            "第6行：用人单位：用人单位不能为空",
            "第6行：结果日期：填写调解结果时须填写结果日期",
            "第6行：承办人手机号：承办人不属于该县区",
            "第7行：调解结果：尚未调解结束的案件不应填写调解结果",
        ]
        assert DisputeCase.objects.count() == 0

    def test_status_cannot_go_back(self, ledger, tmp_path):
        out, err, failure = run_import(
            write(tmp_path, LEDGER[0].replace(",结案,成功,", ",调解中,,").replace(",2026-04-10,0,1260000,", ",,,,"))
        )
        assert err == ["第2行：状态：案件已是“结案”，不能改回“调解中”"]


class TestScopingAndExport:
    def test_who_sees_a_case(self, client, county, other_county, officer):
        reporter = officer
        handler = OfficerFactory(county=county, name="承办信息员")
        bystander = OfficerFactory(county=county, name="无关信息员")
        reviewer = ReviewerFactory(county=county)
        report = ReportFactory(officer=reporter, workers_involved=3)
        case = services.case_from_report(report=report, actor=reviewer, enterprise_name="某厂")
        case.handlers.add(handler.user)
        url = reverse("disputes:detail", args=[case.pk])
        expected = {
            reporter.user: 200,
            handler.user: 200,
            bystander.user: 404,
            reviewer: 200,
            ReviewerFactory(county=other_county): 404,
            AdminFactory(county=other_county): 404,
        }
        for user, status in expected.items():
            client.force_login(user)
            assert client.get(url).status_code == status, user
        client.logout()
        assert client.get(url).status_code == 302
        # Officers read; they do not move cases.
        client.force_login(handler.user)
        assert client.post(reverse("disputes:move", args=[case.pk]), {"to_status": "mediating"}).status_code == 403
        client.force_login(bystander.user)
        assert [c.pk for c in client.get(reverse("disputes:list")).context["cases"]] == []
        client.force_login(reporter.user)
        assert [c.pk for c in client.get(reverse("disputes:list")).context["cases"]] == [case.pk]

    def test_export_follows_filters_and_escapes(self, client, county, ledger):
        DisputeCase.objects.filter(number="BH-2026-004").update(number="=HYPERLINK(1)")
        client.force_login(ReviewerFactory(county=county))
        response = client.get(reverse("disputes:list"), {"export": "xlsx", "dispute_type": "new_form_rights"})
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        assert rows[0] == tuple(HEADER.split(","))
        assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(1)"]
        assert all(c.data_type != "f" for row in book.worksheets[0].iter_rows() for c in row)
        assert AuditEntry.objects.filter(action="export").count() == 1
        client.force_login(OfficerFactory(county=county).user)
        assert client.get(reverse("disputes:list"), {"export": "xlsx"})["Content-Type"].startswith("text/html")

    def test_exported_ledger_imports_back_unchanged(self, client, county, ledger, tmp_path):
        client.force_login(ReviewerFactory(county=county))
        response = client.get(reverse("disputes:list"), {"export": "xlsx"})
        path = tmp_path / "export.xlsx"
        path.write_bytes(response.content)
        out, err, _ = run_import(path)
        assert out == "导入完成：新增 0 条，更新 0 条，未变化 4 条（共 4 行）。", err

    def test_admin_site_export_carries_the_money_and_imports_back_unchanged(self, client, county, ledger, tmp_path):
        from disputes.resources import DisputeLedgerResource

        client.force_login(AdminFactory(county=county))
        fields = {f"disputeledgerresource_{name}": "on" for name in DisputeLedgerResource().get_export_order()}
        response = client.post("/admin/disputes/disputecase/export/", {"format": "1", "resource": "0", **fields})
        text = response.content.decode("utf-8-sig")
        rows = {line.split(",")[0]: line.split(",") for line in text.splitlines()[1:]}
        header = text.splitlines()[0].split(",")
        money = [header.index("获得经济补偿"), header.index("清理欠薪")]
        assert [rows["BH-2026-001"][i] for i in money] == ["", "1260000.00"]
        assert [rows["BH-2026-003"][i] for i in money] == ["48000.50", ""]
        path = tmp_path / "admin-export.csv"
        path.write_text(text, encoding="utf-8")
        out, err, _ = run_import(path)
        assert out == "导入完成：新增 0 条，更新 0 条，未变化 4 条（共 4 行）。", err
        assert sorted(Outcome.objects.values_list("kind", "amount")) == [
            ("compensation", Decimal("48000.50")),
            ("wages", Decimal("1260000.00")),
        ]


def test_reimport_as_closed_keeps_the_mediation_result(county, tmp_path):
    header = "案件编号,县区代码,登记日期,用人单位,争议类型,涉及人数,状态,调解结果,结果日期"
    path = tmp_path / "c.csv"
    path.write_text(f"{header}\nL-1,320922,2026-01-05,某厂,欠薪,2,调解成功,成功,2026-02-01\n", encoding="utf-8")
    call_command("import_disputes", str(path), stdout=io.StringIO())
    path.write_text(f"{header}\nL-1,320922,2026-01-05,某厂,欠薪,2,结案,,\n", encoding="utf-8")
    call_command("import_disputes", str(path), stdout=io.StringIO())
    case = DisputeCase.objects.get()
    assert (case.status, case.mediation_result, case.result_on, case.closed_on) == (
        "closed",
        "success",
        date(2026, 2, 1),
        date(2026, 2, 1),
    )
