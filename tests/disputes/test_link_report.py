"""Linking another report to a case: staff search their county's reports by title, employer or the
day sent and pick one; nobody types an id. And the new-case form names no other county's employer."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from disputes import selectors, services
from disputes.models import DisputeCase
from officers.models import Enterprise
from tests.factories import EnterpriseFactory, OfficerFactory, ReportFactory, ReviewerFactory
from unionportal.core.clock import BEIJING

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def case(county, reviewer, textile):
    return services.case_register(
        county=county, actor=reviewer, dispute_type="wage_arrears", workers_involved=3, enterprise=textile
    )


SENT = datetime(TODAY.year, TODAY.month, TODAY.day, 0, 30, tzinfo=BEIJING)  # 16:30 UTC the day before


def sent_report(*, submitted_at=SENT, **kwargs):
    return ReportFactory(submitted_at=submitted_at, occurred_at=submitted_at, **kwargs)


@pytest.fixture
def reports(county, other_county, officer, textile):
    return {
        "title": sent_report(officer=officer, title="华强纺织拖欠工资"),
        "employer": sent_report(officer=officer, title="职工反映", enterprise=textile),
        "typed": sent_report(
            officer=officer,
            title="又一反映",
            enterprise_name="华强物流（未登记）",
            submitted_at=SENT - timedelta(days=2),
        ),
        "old": sent_report(officer=officer, title="上月华强情况", submitted_at=SENT - timedelta(days=30)),
        "draft": sent_report(officer=officer, title="华强草稿", status="draft"),
        "withdrawn": sent_report(officer=officer, title="华强撤回", status="withdrawn"),
        "foreign": sent_report(officer=OfficerFactory(county=other_county), title="华强外县"),
    }


def titles(response):
    return [label.split("，")[0] for _, label in response.context["choices"]]


def test_staff_find_reports_by_title_employer_or_day(client, case, reviewer, reports):
    client.force_login(reviewer)
    url = reverse("disputes:link_report", args=[case.pk])
    page = client.get(reverse("disputes:detail", args=[case.pk])).content.decode()
    assert "信息详情页地址中的数字" not in page and f'action="{url}"' in page
    assert sorted(titles(client.get(url, {"q": "华强"}))) == sorted(
        ["华强纺织拖欠工资", "职工反映", "又一反映", "上月华强情况"]
    )
    assert sorted(titles(client.get(url, {"q": "纺织", "on": TODAY.isoformat()}))) == ["华强纺织拖欠工资", "职工反映"]
    assert sorted(titles(client.get(url, {"on": TODAY.isoformat()}))) == ["华强纺织拖欠工资", "职工反映"]
    empty = client.get(url, {"q": "", "on": ""})
    assert empty.context["search_form"].non_field_errors() == ["请输入标题或用人单位中的文字，或选择报送日期"]
    assert client.get(url, {"q": "没有这样的"}).context["choices"] == []
    assert "没有找到可关联的信息" in client.get(url, {"q": "没有这样的"}).content.decode()


def test_pick_one_and_link_it(client, case, reviewer, reports):
    client.force_login(reviewer)
    url = reverse("disputes:link_report", args=[case.pk])
    page = client.get(url, {"q": "纺织拖欠"})
    assert titles(page) == ["华强纺织拖欠工资"]
    assert f'value="{reports["title"].pk}"' in page.content.decode()
    response = client.post(f"{url}?q=纺织拖欠", {"report": reports["title"].pk}, follow=True)
    assert "已关联信息" in response.content.decode()
    assert list(case.reports.all()) == [reports["title"]]
    assert case.follow_ups.last().action == "关联信息：华强纺织拖欠工资"
    assert client.get(url, {"q": "纺织拖欠"}).context["choices"] == []  # linked already: not offered again
    refused = client.post(f"{url}?q=纺织拖欠", {"report": reports["title"].pk})
    assert refused.status_code == 400
    assert refused.context["form"].errors["report"] == ["没有找到该信息，或不能关联"]
    assert client.post(url, {}).context["form"].errors["report"] == ["请先搜索并选择一条信息"]


@pytest.mark.parametrize("which", ["draft", "withdrawn", "foreign"])
def test_what_cannot_be_linked_is_neither_offered_nor_accepted(client, case, reviewer, reports, which):
    client.force_login(reviewer)
    url = reverse("disputes:link_report", args=[case.pk])
    assert reports[which].title not in titles(client.get(url, {"q": "华强"}))
    response = client.post(url, {"report": reports[which].pk})
    assert response.status_code == 400 and case.reports.count() == 0


def test_only_staff_of_the_county(client, case, county, other_county, reports):
    handler = OfficerFactory(county=county)
    case.handlers.add(handler.user)
    url = reverse("disputes:link_report", args=[case.pk])
    client.force_login(handler.user)
    assert client.get(url, {"q": "华强"}).status_code == 403
    assert client.post(url, {"report": reports["title"].pk}).status_code == 403
    client.force_login(ReviewerFactory(county=other_county))
    assert client.get(url, {"q": "华强"}).status_code == 404
    assert client.post(url, {"report": reports["title"].pk}).status_code == 404
    assert case.reports.count() == 0


def test_the_list_is_short_and_scoped(case, reviewer, officer, other_county):
    for n in range(selectors.LINK_CHOICES + 3):
        ReportFactory(officer=officer, title=f"欠薪{n}")
    ReportFactory(officer=OfficerFactory(county=other_county), title="欠薪外县")
    found = selectors.reports_to_link(user=reviewer, case=case, q="欠薪")
    assert found.count() == selectors.LINK_CHOICES + 3 and "欠薪外县" not in {r.title for r in found}


def test_another_countys_credit_code_is_answered_without_naming_it(client, county, other_county, reviewer):
    EnterpriseFactory(county=other_county, name="阜宁某厂", credit_code="91320922MA1MX0001D")
    client.force_login(reviewer)
    response = client.post(
        reverse("disputes:create"),
        {
            "registered_on": TODAY.isoformat(),
            "new_enterprise_name": "滨海某厂",
            "new_enterprise_credit_code": "91320922MA1MX0001D",
            "dispute_type": "wage_arrears",
            "workers_involved": "2",
        },
    )
    assert response.context["form"].errors["new_enterprise_credit_code"] == [
        "本县区没有统一社会信用代码为 91320922MA1MX0001D 的单位，该代码也不能用于新登记单位：请核对代码，或不填代码"
    ]
    body = response.content.decode()
    assert "阜宁某厂" not in body and "阜宁县" not in body
    assert DisputeCase.objects.count() == 0 and Enterprise.objects.filter(county=county).count() == 0
