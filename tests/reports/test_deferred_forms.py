"""The report page's folded forms (退回, 风险等级, 上报, 回执, 批示): not rendered with the page but
fetched when their panel opens, from a GET of each form's own action URL
(unionportal.core.actions.DeferredFormMixin)."""

from datetime import datetime
from unittest import mock

import pytest
from django.urls import reverse

from reports.models import Adoption
from tests.factories import RegionalReviewerFactory, ReportFactory, ReviewerFactory, unit_tree
from unionportal.core.clock import BEIJING
from unionportal.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 5, 10, 0, tzinfo=BEIJING)
SUBMITTED = datetime(2026, 10, 20, 9, 30, tzinfo=BEIJING)
FORMS = ("reports:forward", "reports:receipt", "reports:report_instruction", "reports:return", "reports:risk")


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


@pytest.fixture
def units(county, other_county):
    return unit_tree(county, other_county)


@pytest.fixture
def report(officer, units):
    return ReportFactory(
        officer=officer,
        title="某电子厂拖欠3个月工资",
        content="某电子厂拖欠120名职工3个月工资。",
        submitted_at=SUBMITTED,
        occurred_at=SUBMITTED,
        status="reviewed",
        grade="qualified",
    )


@pytest.fixture
def reviewer(county):
    return ReviewerFactory(county=county, username="13900000002", full_name="陈审核")


def test_the_page_holds_slots_not_forms(client, reviewer, report):
    client.force_login(reviewer)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    for name in FORMS:
        url = reverse(name, args=[report.pk])
        assert f'data-deferred-form="{url}?part=1"><a href="{url}">打开表单</a>' in page
    assert 'data-testid="forward-form"' not in page
    assert 'name="body"' not in page  # the receipt's first field
    assert 'data-testid="return-form"' not in page and 'data-testid="risk-form"' not in page
    assert '<summary class="small">设定 / 调整风险等级</summary>' in page


def test_each_form_alone_and_on_a_page_of_its_own(client, reviewer, report):
    client.force_login(reviewer)
    forward = client.get(reverse("reports:forward", args=[report.pk]), {"part": "1"})
    assert forward.status_code == 200
    text = forward.content.decode()
    assert "<html" not in text and 'data-testid="forward-form"' in text
    assert 'value="某电子厂拖欠3个月工资"' in text  # the title to edit before forwarding
    receipt = client.get(reverse("reports:receipt", args=[report.pk]), {"part": "1"}).content.decode()
    assert 'name="body"' in receipt and "登记回执" in receipt
    instruction = client.get(reverse("reports:report_instruction", args=[report.pk]), {"part": "1"}).content.decode()
    assert "登记批示" in instruction and 'enctype="multipart/form-data"' in instruction
    page = client.get(reverse("reports:receipt", args=[report.pk])).content.decode()
    assert "<html" in page and '<h1 class="h5">登记采用回执</h1>' in page
    returning = client.get(reverse("reports:return", args=[report.pk]), {"part": "1"}).content.decode()
    assert 'data-testid="return-form"' in returning and f'name="version" value="{report.version}"' in returning
    assert f'action="{reverse("reports:return", args=[report.pk])}"' in returning
    risk = client.get(reverse("reports:risk", args=[report.pk]), {"part": "1"}).content.decode()
    assert 'data-testid="risk-form"' in risk and f'action="{reverse("reports:risk", args=[report.pk])}"' in risk
    assert ">陈审核</option>" in risk  # the county's staff, to own the supervision item


def test_only_the_form_showing_the_text_writes_a_read(client, reviewer, report):
    client.force_login(reviewer)
    client.get(reverse("reports:receipt", args=[report.pk]), {"part": "1"})
    client.get(reverse("reports:report_instruction", args=[report.pk]), {"part": "1"})
    assert not AuditEntry.objects.filter(report=report).exists()
    client.get(reverse("reports:forward", args=[report.pk]), {"part": "1"})
    entry = AuditEntry.objects.get(report=report)
    assert (entry.action, entry.actor) == (AuditEntry.Action.VIEW_REPORT, reviewer)


def test_a_form_not_offered_says_why_and_writes_nothing(client, reviewer, officer, units):
    withdrawn = ReportFactory(officer=officer, submitted_at=SUBMITTED, occurred_at=SUBMITTED, status="withdrawn")
    client.force_login(reviewer)
    answer = client.get(reverse("reports:receipt", args=[withdrawn.pk]), {"part": "1"})
    assert answer.status_code == 200
    assert answer.content.decode().strip() == (
        '<p class="small text-muted mb-0" data-testid="form-problem">该信息当前状态为“已撤回”，不能登记</p>'
    )
    forward = client.get(reverse("reports:forward", args=[withdrawn.pk]), {"part": "1"}).content.decode()
    assert "该信息当前状态为“已撤回”，不能上报" in forward and "<form" not in forward
    returning = client.get(reverse("reports:return", args=[withdrawn.pk]), {"part": "1"}).content.decode()
    assert "该信息当前状态为“已撤回”，不能退回" in returning and "<form" not in returning
    assert not AuditEntry.objects.exists()
    assert not Adoption.objects.exists()


def test_staff_above_the_county_get_no_forward_form(client, report, units):
    city = RegionalReviewerFactory(region=units["city"], username="13900000011", full_name="孙市审")
    client.force_login(city)
    answer = client.get(reverse("reports:forward", args=[report.pk]), {"part": "1"})
    assert answer.status_code == 403  # county staff's forms: the city's staff are refused (StaffRequiredMixin)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_REPORT).exists()


def test_another_countys_staff_and_the_officer_are_refused(client, report, other_county, officer):
    stranger = ReviewerFactory(county=other_county, username="13900000009")
    for user, status in ((stranger, 404), (officer.user, 403)):
        client.force_login(user)
        for name in FORMS:
            assert client.get(reverse(name, args=[report.pk]), {"part": "1"}).status_code == status, (user, name)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_REPORT).exists()


def test_a_refused_post_shows_the_posted_form_on_the_page(client, reviewer, report):
    client.force_login(reviewer)
    answer = client.post(reverse("reports:receipt", args=[report.pk]), {"body": ""})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "<details open>" in text and 'name="body"' in text
    # the other two stay folded, as slots
    assert f'data-deferred-form="{reverse("reports:forward", args=[report.pk])}?part=1"' in text


def test_a_refused_return_or_risk_level_shows_its_form_open_on_the_page(client, reviewer, officer, units):
    waiting = ReportFactory(officer=officer, submitted_at=SUBMITTED, occurred_at=SUBMITTED, status="submitted")
    client.force_login(reviewer)
    answer = client.post(reverse("reports:return", args=[waiting.pk]), {"reason": " ", "version": waiting.version})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert '<details open><summary class="small">退回信息员修改（须写明退回原因）</summary>' in text
    assert 'data-testid="return-form"' in text and "这个字段是必填项。" in text
    answer = client.post(reverse("reports:risk", args=[waiting.pk]), {"level": "red", "reason": ""})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert 'data-testid="risk-form"' in text and 'data-testid="return-form"' not in text
    waiting.refresh_from_db()
    assert (waiting.status, waiting.risk_assessments.count()) == ("submitted", 0)
