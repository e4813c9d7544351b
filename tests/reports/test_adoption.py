"""reports.services.adoption: one rule for every path by which an item is adopted (采用)."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports.models import Adoption, Grade, Report, ReviewEvent, Status
from reports.services import report_adopt
from tests.factories import RegionFactory, ReportFactory
from unionportal.core.clock import BEIJING
from unionportal.core.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db

SUBMITTED = datetime(2026, 10, 8, 16, 20, tzinfo=BEIJING)


@pytest.fixture
def report(officer):
    return ReportFactory(officer=officer, title="车间加班费计算有疑问", submitted_at=SUBMITTED, occurred_at=SUBMITTED)


def adopt(report, reviewer, **kwargs):
    arguments = {
        "report": report,
        "actor": reviewer,
        "body": "盐城市委办公室",
        "publication": "盐城信息",
        "issue": "2026年第41期",
        "adopted_on": date(2026, 10, 27),
        "source": Adoption.Source.RECEIPT,
    } | kwargs
    return report_adopt(**arguments)


def test_an_adoption_above_raises_the_grade_keeps_the_record_and_tells_the_officer(report, reviewer):
    adoption, created = adopt(report, reviewer)
    report.refresh_from_db()
    assert created and adoption.raised_grade
    assert (report.grade, report.status, report.adopted_by, report.adopted_on, report.adoption_doc_no) == (
        Grade.ABOVE_ADOPTED,
        Status.REVIEWED,
        "盐城市委办公室",
        date(2026, 10, 27),
        "《盐城信息》2026年第41期",
    )
    event = ReviewEvent.objects.get(report=report)
    assert (event.from_grade, event.to_grade, event.comment) == (
        "pending",
        "above_adopted",
        "盐城市委办公室《盐城信息》2026年第41期采用（2026-10-27）",
    )
    notice = Notification.objects.get(recipient=report.officer.user)
    assert notice.title == "您报送的“车间加班费计算有疑问”被盐城市委办公室采用（《盐城信息》2026年第41期）"
    assert notice.body == "评定等级：县级以上部门采用"
    assert AuditEntry.objects.filter(action="grade", report_id=report.pk).get().target == (
        "县级以上部门采用：盐城市委办公室《盐城信息》2026年第41期"
    )


def test_the_same_notice_twice_changes_nothing(report, reviewer):
    first, _ = adopt(report, reviewer)
    version = Report.objects.get(pk=report.pk).version
    again, created = adopt(report, reviewer)
    assert (again.pk, created) == (first.pk, False)
    assert Report.objects.get(pk=report.pk).version == version
    assert Adoption.objects.count() == 1 and Notification.objects.count() == 1


def test_a_grade_never_goes_down(report, reviewer):
    adopt(report, reviewer)
    adoption, created = adopt(
        report,
        reviewer,
        body="滨海县总工会",
        publication="工作信息",
        issue="2026年第7期",
        grade=Grade.COUNTY_ADOPTED,
        source=Adoption.Source.BULLETIN,
    )
    report.refresh_from_db()
    assert created and not adoption.raised_grade
    assert report.grade == Grade.ABOVE_ADOPTED and report.adopted_by == "盐城市委办公室"
    assert Adoption.objects.filter(report=report).count() == 2


def test_a_unit_in_the_portal_is_named_on_the_adoption(report, reviewer):
    city = RegionFactory(code="320900", name="盐城市")
    adoption, _ = adopt(report, reviewer, body="盐城市总工会", region=city, source=Adoption.Source.UNIT)
    assert adoption.region == city and str(adoption) == "盐城市总工会《盐城信息》2026年第41期（2026-10-27）"


@pytest.mark.parametrize(
    "kwargs, field, message",
    [
        ({"adopted_on": date(2026, 10, 7)}, "adopted_on", "采用日期不能早于报送日期（2026-10-08）"),
        ({"body": "  "}, "body", "请填写采用单位"),
        ({"grade": Grade.QUALIFIED}, "grade", "采用层级只能是县总工会采用或县级以上部门采用"),
    ],
)
def test_bad_adoptions_are_refused_and_write_nothing(report, reviewer, kwargs, field, message):
    with pytest.raises(ValidationError) as exc:
        adopt(report, reviewer, **kwargs)
    assert exc.value.message_dict == {field: [message]}
    assert not Adoption.objects.exists() and Report.objects.get(pk=report.pk).grade == Grade.PENDING


def test_a_future_date_and_a_withdrawn_report_are_refused(report, reviewer):
    with pytest.raises(ValidationError) as exc:
        adopt(report, reviewer, adopted_on=timezone.localdate() + timedelta(days=1))
    assert exc.value.message_dict == {"adopted_on": ["采用日期不能晚于今天"]}
    Report.objects.filter(pk=report.pk).update(status=Status.WITHDRAWN)
    with pytest.raises(ValidationError) as exc:
        adopt(report, reviewer)
    assert exc.value.messages == ["该信息当前状态为“已撤回”，不能登记采用"]
    assert not Adoption.objects.exists()
