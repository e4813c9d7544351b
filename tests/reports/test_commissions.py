"""Commissions (约稿): sending to each audience through the outbox, answering with a report or with
无相关情况, each recipient's state, the reminder the day before, the pages and who is refused."""

from datetime import date, datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from officers.models import County, Officer
from reports import selectors, services, tasks
from reports.models import Commission, CommissionRecipient
from tests.factories import (
    AdminFactory,
    CountyFactory,
    OfficerFactory,
    RegionFactory,
    ReportFactory,
    ReviewerFactory,
    TownshipFactory,
)
from unionportal.core.clock import BEIJING
from unionportal.core.models import OutboxMessage

pytestmark = pytest.mark.django_db
TODAY = date(2026, 10, 10)


def frozen(day=TODAY, hour=9):
    return mock.patch(
        "django.utils.timezone.now", return_value=datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)
    )


@pytest.fixture
def people(county, other_county):
    east = TownshipFactory(county=county, name="东坎街道")
    west = TownshipFactory(county=county, name="八滩镇")
    return {
        "admin": AdminFactory(county=county),
        "east": OfficerFactory(county=county, township=east, name="张东"),
        "west": OfficerFactory(county=county, township=west, name="李西", category=Officer.Category.MEDIATOR),
        "rider": OfficerFactory(
            county=county, township=west, name="王骑", category=Officer.Category.NEW_FORM, key_group="delivery_rider"
        ),
        "idle": OfficerFactory(county=county, township=east, name="赵停", status=Officer.Status.SUSPENDED),
        "foreign": OfficerFactory(county=other_county, name="外县"),
        "east_town": east,
    }


def send(county, people, **kwargs):
    fields = {"topic": "春节前建筑工地欠薪情况", "due_on": date(2026, 10, 20), "guidance": "重点关注在建项目"}
    with frozen(), mock.patch("unionportal.core.outbox.enqueue"):
        return services.commission_create(county=county, actor=people["admin"], today=TODAY, **(fields | kwargs))


def recipients(commission):
    return sorted(commission.recipients.values_list("officer__name", flat=True))


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({}, ["张东", "李西", "王骑"]),  # 在岗 only: the suspended officer and the other county are not asked
        ({"audience": "category", "officer_category": "mediator"}, ["李西"]),
        ({"audience": "key_group", "key_group": "delivery_rider"}, ["王骑"]),
    ],
)
def test_audiences(county, people, kwargs, names):
    assert recipients(send(county, people, **kwargs)) == names


def test_township_and_named_audiences(county, people):
    assert recipients(send(county, people, audience="township", township=people["east_town"])) == ["张东"]
    named = send(county, people, audience="named", officers=[people["west"], people["rider"]])
    assert recipients(named) == ["李西", "王骑"]


def test_recipients_are_told_in_the_bell_and_by_sms_once(county, people):
    commission = send(county, people)
    east = people["east"]
    keys = set(OutboxMessage.objects.filter(kind="commission").values_list("key", "channel"))
    assert (f"commission:{commission.pk}:{east.pk}:sent:in_app", "in_app") in keys
    assert (f"commission:{commission.pk}:{east.pk}:sent:sms", "sms") in keys
    assert len(keys) == 6  # three officers, two channels
    sms = OutboxMessage.objects.get(key=f"commission:{commission.pk}:{east.pk}:sent:sms")
    assert sms.address == east.phone and "春节前建筑工地欠薪情况" in sms.body and "10月20日前" in sms.body


def test_refusals_write_nothing(county, people):
    with pytest.raises(ValidationError) as exc:
        send(county, people, due_on=date(2026, 10, 9))
    assert exc.value.message_dict == {"due_on": ["截止日期不能早于今天"]}
    with pytest.raises(ValidationError) as exc:
        send(county, people, audience="named", officers=[people["foreign"]])
    assert exc.value.message_dict == {"officers": ["所选信息员须为本县区在岗信息员"]}
    with pytest.raises(ValidationError) as exc:
        send(county, people, audience="key_group", key_group="truck_driver")
    assert exc.value.messages == ["没有符合约稿对象条件的在岗信息员，约稿未发出"]
    assert Commission.objects.count() == 0 and OutboxMessage.objects.count() == 0


def test_answers_and_states(county, people):
    commission = send(county, people)
    with mock.patch("unionportal.core.outbox.enqueue"):
        report = services.report_save(
            officer=people["east"],
            data={
                "title": "某工地欠薪",
                "content": "30人",
                "category": "wage_arrears",
                "occurred_at": datetime(2026, 10, 10, 8, tzinfo=BEIJING),
                "commission": commission,
            },
            submit=True,
            now=datetime(2026, 10, 10, 9, tzinfo=BEIJING),
        )
    assert report.commission_id == commission.pk
    services.commission_answer_nothing(commission=commission, officer=people["west"], note="本镇未发现相关情况")
    with pytest.raises(ValidationError) as exc:
        services.commission_answer_nothing(commission=commission, officer=people["east"], note="x")
    assert exc.value.messages == ["您已报送了答复该约稿的信息，无需再答复“无相关情况”"]
    with pytest.raises(ValidationError) as exc:
        services.commission_answer_nothing(commission=commission, officer=people["rider"], note="  ")
    assert exc.value.message_dict == {"note": ["请简要说明情况（如：本单位近期未发现相关情况）"]}
    staff = people["admin"]
    with frozen(date(2026, 10, 20)):
        detail = selectors.commission_detail(user=staff, pk=commission.pk)
    assert {r.officer.name: r.state for r in detail.recipients.all()} == {
        "张东": "answered",
        "李西": "nothing",
        "王骑": "open",
    }
    with frozen(date(2026, 10, 21)):
        detail = selectors.commission_detail(user=staff, pk=commission.pk)
        assert selectors.commission_counts(detail) == {"answered": 1, "nothing": 1, "open": 0, "overdue": 1}
    listed = selectors.commission_list(user=staff).get()
    assert (listed.recipient_count, listed.report_count, listed.nothing_count, listed.waiting_count) == (3, 1, 1, 1)


def test_a_report_may_not_answer_a_commission_not_sent_to_the_officer(county, people):
    commission = send(county, people, audience="named", officers=[people["west"]])
    with pytest.raises(ValidationError) as exc:
        services.report_save(
            officer=people["east"], data={"title": "x", "content": "y", "commission": commission}, submit=False
        )
    assert exc.value.message_dict == {"commission": ["该约稿没有发给您，不能选择"]}


def test_the_day_before_reminder_goes_to_those_without_an_answer_once(county, people, installed_schedules):
    commission = send(county, people)
    ReportFactory(officer=people["east"], commission=commission)
    services.commission_answer_nothing(commission=commission, officer=people["west"], note="无")
    day_before = date(2026, 10, 19)
    assert services.commissions_due_tomorrow(today=day_before) == [commission.pk]
    with mock.patch("unionportal.core.outbox.enqueue"), frozen(day_before):
        assert tasks.remind_commission(commission.pk, day_before.isoformat()) == 2  # 王骑: bell and SMS
        assert tasks.remind_commission(commission.pk, day_before.isoformat()) == 0
        assert services.commission_remind(commission_id=commission.pk, today=TODAY) == 0  # not the day before
    due = OutboxMessage.objects.filter(key__contains=":due:").values_list("recipient__officer__name", flat=True)
    assert set(due) == {"王骑"}
    task = PeriodicTask.objects.get(name="约稿截止前一天提醒未答复的信息员")
    assert task.task == "reports.tasks.remind_commissions" and task.crontab.hour == "9,15"


def test_staff_send_a_commission_and_see_each_state(client, county, people):
    client.force_login(people["admin"])
    with frozen(), mock.patch("unionportal.core.outbox.enqueue"):
        response = client.post(
            reverse("reports:commission_create"),
            {
                "topic": "快递网点欠薪",
                "audience": "township",
                "township": people["east_town"].pk,
                "due_on": "2026-10-15",
            },
        )
    commission = Commission.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:commission", args=[commission.pk])
    assert recipients(commission) == ["张东"]
    with frozen():
        page = client.get(reverse("reports:commission", args=[commission.pk])).content.decode()
    assert "张东" in page and "未答复" in page
    with frozen():
        response = client.post(
            reverse("reports:commission_create"), {"topic": "x", "audience": "township", "due_on": "2026-10-15"}
        )
    assert response.status_code == 200 and "请选择镇区街道" in response.content.decode()


def test_officers_answer_on_their_page_and_are_refused_staff_pages(client, county, people):
    commission = send(county, people)
    with frozen():
        client.force_login(people["rider"].user)
        for name in ("reports:commissions", "reports:commission_create", "reports:points"):
            assert client.get(reverse(name)).status_code == 403
        assert client.get(reverse("reports:commission", args=[commission.pk])).status_code == 403
        page = client.get(reverse("reports:my_commissions")).content.decode()
        assert "春节前建筑工地欠薪情况" in page and f"?commission={commission.pk}" in page
        form = client.get(reverse("reports:create") + f"?commission={commission.pk}").content.decode()
        assert 'data-testid="commission-choice"' in form and f'<option value="{commission.pk}" selected>' in form
        response = client.post(reverse("reports:commission_nothing", args=[commission.pk]), {"note": ""})
        assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
        response = client.post(
            reverse("reports:commission_nothing", args=[commission.pk]), {"note": "本片区无相关情况"}
        )
        assert response.status_code == 302
        assert CommissionRecipient.objects.get(officer=people["rider"]).nothing_note == "本片区无相关情况"
        # another officer's commission is not theirs to answer
        other = send(county, people, audience="named", officers=[people["east"]])
        assert client.post(reverse("reports:commission_nothing", args=[other.pk]), {"note": "x"}).status_code == 404


def test_reviewer_of_another_county_sees_no_commission(client, county, other_county, people):
    commission = send(county, people)
    client.force_login(ReviewerFactory(county=other_county))
    assert client.get(reverse("reports:commission", args=[commission.pk])).status_code == 404
    assert "春节前" not in client.get(reverse("reports:commissions")).content.decode()


@pytest.fixture
def city(county, other_county):
    city = RegionFactory(code="320900", name="盐城市")
    County.objects.filter(pk__in=[county.pk, other_county.pk]).update(region=city)
    CountyFactory(code="320102", name="玄武区", region=RegionFactory(code="320100", name="南京市"))
    return city


def test_a_city_sends_a_commission_down_to_its_counties(client, county, other_county, people, city):
    OfficerFactory(county=other_county, name="外县二")
    staff = ReviewerFactory(county=None, region=city)
    client.force_login(staff)
    form = client.get(reverse("reports:commission_create")).content.decode()
    assert 'name="township"' not in form and 'value="named"' not in form
    with frozen(), mock.patch("unionportal.core.outbox.enqueue"):
        response = client.post(
            reverse("reports:commission_create"), {"topic": "全市欠薪排查", "audience": "all", "due_on": "2026-12-20"}
        )
        assert response.status_code == 302, response.context["form"].errors
        sent = list(Commission.objects.order_by("county__code"))
        assert [(c.county.name, c.region_id, c.recipients.count()) for c in sent] == [
            ("滨海县", city.pk, 3),
            ("阜宁县", city.pk, 2),
        ]
        sms = OutboxMessage.objects.get(key=f"commission:{sent[0].pk}:{people['east'].pk}:sent:sms")
        assert sms.body.startswith("盐城市总工会约稿：全市欠薪排查")
        # the city follows the answers by county, never by name
        listing = client.get(reverse("reports:commissions")).content.decode()
        assert "滨海县" in listing and "阜宁县" in listing
        page = client.get(reverse("reports:commission", args=[sent[0].pk])).content.decode()
        assert 'data-testid="no-names"' in page and "张东" not in page
        assert client.get(reverse("reports:points")).status_code == 403
        # the county's own staff see it as theirs, with the names
        client.force_login(people["admin"])
        page = client.get(reverse("reports:commission", args=[sent[0].pk])).content.decode()
        assert "盐城市总工会下达" in page and "张东" in page
        client.force_login(ReviewerFactory(county=None, region=RegionFactory(code="320100")))
        assert client.get(reverse("reports:commission", args=[sent[0].pk])).status_code == 404


def test_sending_down_refuses_a_county_only_audience(county, city, people):
    with pytest.raises(ValidationError) as exc:
        services.commission_send_down(
            region=city, actor=None, topic="x", due_on=date(2026, 12, 20), audience="named", officers=[people["east"]]
        )
    assert exc.value.message_dict == {"audience": ["市、省下达的约稿只能发给全体信息员、某人员类别或某重点群体"]}
    assert Commission.objects.count() == 0


def test_an_answer_is_graded_like_any_report_and_names_its_commission(client, county, people):
    commission = send(county, people)
    report = ReportFactory(officer=people["east"], commission=commission)
    reviewer = ReviewerFactory(county=county)
    client.force_login(reviewer)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "答复约稿" in page and "春节前建筑工地欠薪情况（2026-10-20 截止）" in page
    response = client.post(
        reverse("reports:grade", args=[report.pk]), {"version": report.version, "grade": "qualified"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.grade == "qualified" and report.commission_id == commission.pk


def test_a_commissions_page_reads_its_senders_name_not_the_account(county, people):
    commission = send(county, people)
    with frozen(), CaptureQueriesContext(connection) as read:
        shown = selectors.commission_detail(user=people["admin"], pk=commission.pk)
    with CaptureQueriesContext(connection) as after:
        assert shown.created_by.get_full_name() == people["admin"].get_full_name()
    assert len(after) == 0
    sql = "\n".join(q["sql"] for q in read.captured_queries)
    assert '"officers_user"."password"' not in sql and '"officers_user"."full_name"' in sql
