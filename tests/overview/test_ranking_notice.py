"""The monthly ranking notice (通报, contract section 9): the expected-reporter rule at its edges, the
JSON of reporting_notice, one selector behind the notice, the dashboard and the JSON, the draft job
of the 2nd, publishing (number, files, every officer told), who sees what, fixed query counts."""

import io
import json
from datetime import date, datetime
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from docx import Document
from openpyxl import load_workbook

from officers.models import County, Officer, OfficerStatusChange
from reports import selectors
from tests.factories import (
    AdminFactory,
    CountyFactory,
    EnterpriseFactory,
    OfficerFactory,
    RegionFactory,
    ReportFactory,
    ReviewerFactory,
    TownshipFactory,
    UserFactory,
)
from unionportal.core.clock import BEIJING
from unionportal.core.models import AuditEntry, OutboxMessage
from unionportal.overview import notices, tasks
from unionportal.overview.models import RankingNotice
from unionportal.overview.notice_export import notice_xlsx

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)


def at(*args):
    return datetime(*args, tzinfo=BEIJING)


def frozen(day=date(2026, 11, 5), hour=9):
    return mock.patch("django.utils.timezone.now", return_value=at(day.year, day.month, day.day, hour))


def move(officer, to_status, when):
    OfficerStatusChange.objects.create(
        officer=officer, from_status=officer.status, to_status=to_status, changed_at=when
    )
    Officer.objects.filter(pk=officer.pk).update(status=to_status)


def filed(officer, when=None, **kwargs):
    when = when or at(2026, 10, 15, 10, 0)
    return ReportFactory(officer=officer, **({"submitted_at": when, "occurred_at": when} | kwargs))


@pytest.fixture
def month_data(county):
    """October 2026: three townships, officers at the rule's edges, reports around the month's ends."""
    east = TownshipFactory(county=county, name="东坎街道")
    bata = TownshipFactory(county=county, name="八滩镇")
    zhen = TownshipFactory(county=county, name="振东乡")
    firm = EnterpriseFactory(county=county, name="滨海港务公司")

    def person(name, phone, township=None, **kwargs):
        officer = OfficerFactory(county=county, township=township, name=name, phone=phone, **kwargs)
        OfficerStatusChange.objects.filter(officer=officer).update(changed_at=at(2025, 1, 1, 9, 0))
        return officer

    people = {
        "月末聘任": person("月末聘任", "13900000005", east, appointed_on=date(2026, 10, 31)),
        "次月聘任": person("次月聘任", "13900000006", east, appointed_on=date(2026, 11, 1)),
        "首日停用": person("首日停用", "13900000003", bata, appointed_on=date(2024, 3, 1), employer=firm),
        "上月停用": person("上月停用", "13900000007", bata, appointed_on=date(2024, 3, 1)),
        "月内恢复": person("月内恢复", "13900000004", zhen, appointed_on=date(2024, 3, 1)),
        "候选": person("候选", "13900000008", zhen, status="candidate"),
        "无镇区": person("无镇区", "13900000002", None, employer=firm),
        "东坎报送": person("东坎报送", "13900000001", east, employer=firm),
    }
    move(people["首日停用"], "suspended", at(2026, 10, 1, 8, 0))
    move(people["上月停用"], "suspended", at(2026, 9, 30, 18, 0))
    move(people["月内恢复"], "suspended", at(2026, 9, 2, 9, 0))
    move(people["月内恢复"], "active", at(2026, 10, 20, 9, 0))
    filed(people["首日停用"], at(2026, 10, 1, 0, 0), grade="qualified", status="reviewed")  # the month's first minute
    filed(
        people["东坎报送"], at(2026, 10, 31, 23, 59), grade="county_adopted", status="reviewed", adopted_by="县总工会"
    )
    filed(people["东坎报送"], urgency="emergency", on_time=False, title="某厂停工")
    filed(people["上月停用"])  # not expected: their report counts nowhere in the rate
    filed(people["月末聘任"], at(2026, 9, 30, 23, 59))  # September, Beijing time
    filed(people["无镇区"], status="draft", submitted_at=None)
    filed(people["月内恢复"], status="withdrawn")
    return people


EXPECTED_JSON = {
    "expected": 5,
    "reported": 2,
    "reporting_rate": 0.4,
    "zero_filers": ["13900000002", "13900000004", "13900000005"],
    "townships": [
        {"township": "八滩镇", "expected": 1, "reported": 1, "reporting_rate": 1.0},
        {"township": "东坎街道", "expected": 2, "reported": 1, "reporting_rate": 0.5},
        {"township": "振东乡", "expected": 1, "reported": 0, "reporting_rate": 0.0},
        {"township": None, "expected": 1, "reported": 0, "reporting_rate": 0.0},
    ],
}


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("reporting_notice", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_expected_reporters_at_the_rules_edges(county, month_data):
    """Appointed on the month's last day: expected; on the next month's first: not. Suspended at 08:00 on
    the first: expected (在岗 at the month's start); the evening before: not. Reinstated within the
    month: expected. A candidate: never. The same rows as the stipend sheet."""
    rows = selectors.reporting_figures(county_id=county.pk, month=OCT)
    assert rows["expected"] == 5
    names = {name for name, _ in rows["zero_filer_names"]} | {"首日停用", "东坎报送"}
    assert names == {"月末聘任", "首日停用", "月内恢复", "无镇区", "东坎报送"}
    sheet = {line.name for line in selectors.sheet_summary(county=county, month=OCT).lines}
    assert sheet == names


def test_the_command_prints_the_contracts_json(county, month_data):
    out, _ = run_command("--county", "320922", "--month", "2026-10")
    assert json.loads(out) == EXPECTED_JSON
    assert list(json.loads(out)) == ["expected", "reported", "reporting_rate", "zero_filers", "townships"]


def test_nobody_expected_gives_a_null_rate(county):
    out, _ = run_command("--county", "320922", "--month", "2026-10")
    assert json.loads(out) == {"expected": 0, "reported": 0, "reporting_rate": None, "zero_filers": [], "townships": []}


def test_the_command_refuses_bad_input(county, tmp_path):
    for args, message in (
        (["--county", "999999", "--month", "2026-10"], "县区代码 999999 不存在"),
        (["--county", "320922", "--month", "2026-13"], "“2026-13”不是有效月份"),
        (["--county", "320922", "--month", "2026-10", "--output", str(tmp_path / "a.pdf")], "只支持 .docx 或 .xlsx"),
    ):
        with pytest.raises(CommandError, match=message):
            run_command(*args)


def test_the_command_writes_the_notice(county, month_data, tmp_path):
    run_command("--county", "320922", "--month", "2026-10", "--output", str(tmp_path / "n.docx"))
    text = "\n".join(p.text for p in Document(tmp_path / "n.docx").paragraphs)
    assert "滨海县总工会信息员工作通报" in text and "关于2026年10月劳动领域信息报送情况的通报" in text
    assert "应报送信息员 5 人，实际报送 2 人，报送率 40%。" in text
    run_command("--county", "320922", "--month", "2026-10", "--output", str(tmp_path / "n.xlsx"))
    book = load_workbook(tmp_path / "n.xlsx")
    assert [c.value for c in book["镇区街道"][2]] == [1, "八滩镇", 1, 1, "100%"]


def test_notice_dashboard_and_json_agree(client, county, month_data):
    with frozen():
        notice = notices.notice_build(county=county, month=OCT)
        client.force_login(ReviewerFactory(county=county))
        dashboard = client.get(reverse("dashboard")).context["reporting"]["figures"]
        page = client.get(reverse("overview:notice", args=[notice.pk])).content.decode()
    out, _ = run_command("--county", "320922", "--month", "2026-10")
    assert selectors.contract_figures(notice.figures) == json.loads(out) == selectors.contract_figures(dashboard)
    assert notice.figures == json.loads(json.dumps(dashboard))
    assert "应报送信息员 5 人，实际报送 2 人，报送率 40%。" in page
    assert "月末聘任（东坎街道）、月内恢复（振东乡）、无镇区（未填写镇区街道）" in page
    assert "13900000005" not in page  # zero filers are named on pages, never by phone


def test_the_notices_other_figures(county, month_data):
    f = selectors.ranking_figures(county_id=county.pk, month=OCT, today=date(2026, 11, 5))
    # every report of the county's officers in the month, the suspended officer's too
    assert (f["reports"], f["on_time"], f["on_time_rate"]) == (4, 3, 0.75)
    assert (f["qualified"], f["county_adopted"], f["above_adopted"]) == (1, 1, 0)
    assert [row[1] for row in f["late_emergencies"]] == ["某厂停工"]
    # 东坎报送: county adopted 3 − late emergency 2 = 1; 首日停用: qualified 1
    assert [row[1:] for row in f["top_officers"]] == [["东坎报送", "东坎街道", 1], ["首日停用", "八滩镇", 1]]
    assert f["units"][0] == {"unit": "滨海港务公司", "expected": 3, "reported": 2, "reporting_rate": 0.6667}


@pytest.mark.parametrize("extra", [0, 30])
def test_the_figures_cost_the_same_queries_at_two_sizes(county, month_data, extra):
    town = TownshipFactory(county=county, name="滨淮镇")
    for _ in range(extra):
        officer = OfficerFactory(county=county, township=town, password=None)
        filed(officer, grade="qualified", status="reviewed")
    with CaptureQueriesContext(connection) as ctx:
        figures = selectors.ranking_figures(county_id=county.pk, month=OCT, today=date(2026, 11, 5))
    assert figures["expected"] == 5 + extra
    assert len(ctx) == 10  # the ranking reads the points, whose facts include missed 续报 and instructions


def test_the_draft_job_of_the_2nd_and_the_admins_told_once(county, month_data, installed_schedules):
    admin = AdminFactory(county=county)
    task = PeriodicTask.objects.get(name="生成上月信息报送通报草稿（每月2日）")
    assert task.task == "unionportal.overview.tasks.build_ranking_notices" and task.crontab.day_of_month == "2"
    with frozen(date(2026, 11, 2)), mock.patch.object(tasks.build_ranking_notice, "delay") as delay:
        assert tasks.build_ranking_notices() == 1
    delay.assert_called_once_with(county.pk, "2026-10-01")
    with frozen(date(2026, 11, 2)), mock.patch("unionportal.core.outbox.enqueue"):
        assert tasks.build_ranking_notice(county.pk, "2026-10-01") == 1  # the admin's bell
        assert tasks.build_ranking_notice(county.pk, "2026-10-01") == 0
    notice = RankingNotice.objects.get()
    assert notice.state == "draft" and notice.figures["expected"] == 5
    assert OutboxMessage.objects.get(recipient=admin).title == "2026年10月信息报送通报草稿已生成"


def test_build_review_and_publish(client, county, month_data, tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    admin = AdminFactory(county=county)
    with frozen(), mock.patch("unionportal.core.outbox.enqueue"):
        client.force_login(admin)
        response = client.post(reverse("overview:notice_build"), {"month": "2026-11"})
        assert "2026年11月尚未结束，月份结束后才能生成通报" in client.get(response["Location"]).content.decode()
        response = client.post(reverse("overview:notice_build"), {"month": "2026-10"})
        notice = RankingNotice.objects.get()
        assert response["Location"] == reverse("overview:notice", args=[notice.pk])
        client.post(reverse("overview:notice_foreword", args=[notice.pk]), {"foreword": "=请各镇区对照整改"})
        response = client.post(reverse("overview:notice_publish", args=[notice.pk]), {})
        assert response.status_code == 400
        response = client.post(reverse("overview:notice_publish", args=[notice.pk]), {"confirm": "on"})
        assert response.status_code == 302
        notice.refresh_from_db()
        assert (notice.state, notice.number, notice.foreword) == ("published", "2026年第1期", "=请各镇区对照整改")
        published = AuditEntry.objects.get(action="publish_notice")
        assert (published.actor, published.county_id, published.target) == (
            admin,
            county.pk,
            f"2026年第1期：{notice.title}",
        )
        told = set(
            OutboxMessage.objects.filter(kind="notice", channel="in_app").values_list(
                "recipient__officer__name", flat=True
            )
        )
        assert told == {"月末聘任", "次月聘任", "月内恢复", "无镇区", "东坎报送"}  # 在岗 today, with accounts
        assert client.post(reverse("overview:notice_foreword", args=[notice.pk]), {"foreword": "x"}).status_code == 400
        with pytest.raises(Exception, match="不能重新生成"):
            notices.notice_build(county=county, month=OCT)
        response = client.get(reverse("overview:notice_download", args=[notice.pk]), {"format": "docx"})
        text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs)
        assert "2026年第1期" in text and "=请各镇区对照整改" in text and "滨海县总工会信息员工作通报" in text
        response = client.get(reverse("overview:notice_download", args=[notice.pk]), {"format": "xlsx"})
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert book["概况"]["A1"].value == "滨海县总工会信息员工作通报 2026年第1期"
        assert notice.docx_file.name and notice.xlsx_file.name


def test_formula_text_is_escaped_in_the_xlsx(county):
    OfficerFactory(county=county, name="=HYPERLINK(1)", township=TownshipFactory(county=county, name="+镇"))
    notice = RankingNotice(county=county, month=OCT, figures=selectors.ranking_figures(county_id=county.pk, month=OCT))
    book = load_workbook(io.BytesIO(notice_xlsx(notice)))
    assert [c.value for c in book["未报送信息员"][2]] == ["'=HYPERLINK(1)", "'+镇"]


def test_who_sees_which_notice(client, county, other_county, month_data):
    with frozen():
        draft = notices.notice_build(county=county, month=OCT)
        published = notices.notice_build(county=county, month=date(2026, 9, 1))
        with mock.patch("unionportal.core.outbox.enqueue"):
            notices.notice_publish(notice=published, actor=None)
        client.force_login(month_data["东坎报送"].user)
        assert client.get(reverse("overview:notice", args=[draft.pk])).status_code == 404
        assert client.get(reverse("overview:notice", args=[published.pk])).status_code == 200
        assert (
            client.get(reverse("overview:notice_download", args=[published.pk]), {"format": "xlsx"}).status_code == 404
        )
        assert client.post(reverse("overview:notice_publish", args=[draft.pk]), {"confirm": "on"}).status_code == 403
        client.force_login(ReviewerFactory(county=county))
        assert client.post(reverse("overview:notice_publish", args=[draft.pk]), {"confirm": "on"}).status_code == 403
        client.force_login(AdminFactory(county=other_county))
        assert client.get(reverse("overview:notice", args=[draft.pk])).status_code == 404
        assert client.get(reverse("overview:notice", args=[published.pk])).status_code == 404


def test_a_city_sees_its_counties_ranked_the_same_way(client, county, other_county, month_data):
    quiet = CountyFactory(code="320981", name="东台市")
    OfficerFactory(county=quiet, name="东台甲")
    filed(OfficerFactory(county=other_county, name="阜宁甲"))
    ranked = selectors.counties_ranked(counties=[county, other_county, quiet], month=OCT)
    assert [(r["county"], r["reported"], r["expected"], r["reporting_rate"]) for r in ranked] == [
        ("阜宁县", 1, 1, 1.0),
        ("滨海县", 2, 5, 0.4),
        ("东台市", 0, 1, 0.0),
    ]
    with frozen():
        client.force_login(UserFactory(county=None, is_superuser=True, is_staff=True, role="admin"))
        page = client.get(reverse("overview:notices"), {"month": "2026-10"}).content.decode()
    assert 'data-testid="counties-ranked"' in page and page.index("阜宁县") < page.index("滨海县") < page.index(
        "东台市"
    )


def test_a_citys_staff_see_their_counties_ranked_and_no_countys_notice(client, county, other_county, month_data):
    city = RegionFactory(code="320900", name="盐城市")
    County.objects.filter(pk__in=[county.pk, other_county.pk]).update(region=city)
    filed(OfficerFactory(county=other_county, name="阜宁甲"))
    with frozen():
        notice = notices.notice_build(county=county, month=OCT)
        client.force_login(AdminFactory(county=None, region=city))
        page = client.get(reverse("overview:notices"), {"month": "2026-10"}).content.decode()
        assert page.index("阜宁县") < page.index("滨海县") and "月末聘任" not in page
        assert 'action="/notices/build/"' not in page
        assert client.get(reverse("overview:notice", args=[notice.pk])).status_code == 404
        card = client.get(reverse("dashboard")).context["reporting"]
    assert [(c["county"], c["reporting_rate"]) for c in card["counties"]] == [("阜宁县", 1.0), ("滨海县", 0.4)]
