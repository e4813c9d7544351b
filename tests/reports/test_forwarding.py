"""Forwarding upward (上报) through HTTP, for every role at every level: the county forwards an edited
copy, the city adopts, refuses or forwards on to the province; who sees what; the officer's grade,
tier and stipend follow; the county's staff are told through the outbox."""

from datetime import date, datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import services
from reports.models import Adoption, ForwardedItem, Grade, Report, Tier
from reports.selectors import item_chain, item_for_view, stipend_lines, stipend_terms
from tests.factories import (
    OfficerFactory,
    RegionalReviewerFactory,
    ReportFactory,
    ReviewerFactory,
    image_bytes,
    unit_tree,
)
from unionportal.core.clock import BEIJING
from unionportal.core.models import AuditEntry, Notification, OutboxMessage

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 5, 10, 0, tzinfo=BEIJING)
SUBMITTED = datetime(2026, 10, 20, 9, 30, tzinfo=BEIJING)
OFFICER_NAME, OFFICER_PHONE = "刘洋", "13815110004"


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


@pytest.fixture
def units(county, other_county):
    return unit_tree(county, other_county)


@pytest.fixture
def city_reviewer(units):
    return RegionalReviewerFactory(region=units["city"], username="13900000011", full_name="孙市审")


@pytest.fixture
def province_reviewer(units):
    return RegionalReviewerFactory(region=units["province"], username="13900000021", full_name="钱省审")


@pytest.fixture
def other_city_reviewer(units):
    return RegionalReviewerFactory(region=units["other_city"], username="13900000031", full_name="李淮审")


@pytest.fixture
def report(officer):
    return ReportFactory(
        officer=officer,
        title="某电子厂拖欠3个月工资",
        content="刘洋反映：某电子厂拖欠120名职工3个月工资，联系电话13815110004。",
        submitted_at=SUBMITTED,
        occurred_at=SUBMITTED,
        status="reviewed",
        grade="qualified",
    )


def forward(client, reviewer, report, **data):
    client.force_login(reviewer)
    payload = {"title": "某电子厂拖欠职工工资", "content": "滨海县某电子厂拖欠120名职工3个月工资，县总工会已介入。"}
    payload.update(data)
    return client.post(reverse("reports:forward", args=[report.pk]), payload)


def forwarded_to_city(client, reviewer, report, **data) -> ForwardedItem:
    response = forward(client, reviewer, report, **data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ForwardedItem.objects.get(report=report, from_region__isnull=True)


class TestOfficerCodes:
    def test_each_county_numbers_its_officers_from_one(self, county, other_county):
        first, second = OfficerFactory(county=county), OfficerFactory(county=county)
        elsewhere = OfficerFactory(county=other_county)
        assert (first.code, second.code, elsewhere.code) == ("320922-0001", "320922-0002", "320923-0001")

    def test_a_code_is_unique_in_its_county_by_the_database(self, county):
        from django.db import IntegrityError, transaction

        from officers.models import Officer

        first, second = OfficerFactory(county=county), OfficerFactory(county=county)
        with pytest.raises(IntegrityError), transaction.atomic():
            Officer.objects.filter(pk=second.pk).update(serial=first.serial, code=first.code)

    def test_an_officer_moved_to_another_county_gets_its_next_code(self, county, other_county):
        from officers.services import officer_save

        OfficerFactory(county=other_county)
        moved = OfficerFactory(county=county)
        moved.county = other_county
        moved.township = None
        officer_save(officer=moved)
        assert moved.code == "320923-0002"

    def test_the_migration_gives_codes_in_registration_order(self, county, other_county):
        import importlib

        from django.apps import apps

        from officers.models import Officer

        late = OfficerFactory(county=county)
        early = OfficerFactory(county=county)
        elsewhere = OfficerFactory(county=other_county)
        Officer.objects.filter(pk=early.pk).update(created_at=datetime(2025, 1, 1, tzinfo=BEIJING))
        for n, pk in enumerate(Officer.objects.order_by("-pk").values_list("pk", flat=True)):
            Officer.objects.filter(pk=pk).update(serial=9000 + n, code=f"000000-{9000 + n}")
        migration = importlib.import_module("officers.migrations.0013_officer_codes")
        migration.give_codes(apps, None)
        codes = dict(Officer.objects.values_list("pk", "code"))
        assert (codes[early.pk], codes[late.pk], codes[elsewhere.pk]) == ("320922-0001", "320922-0002", "320923-0001")


class TestForwardingByTheCounty:
    def test_the_county_forwards_an_edited_copy_and_the_original_stays(self, client, reviewer, report, units):
        response = forward(client, reviewer, report, note="建议关注", with_attachments="on")
        assert response.status_code == 302
        item = ForwardedItem.objects.get()
        assert (item.county, item.to_region, item.from_region, item.officer_code) == (
            report.county,
            units["city"],
            None,
            report.officer.code,
        )
        assert (item.title, item.note, item.with_attachments, item.status) == (
            "某电子厂拖欠职工工资",
            "建议关注",
            True,
            "pending",
        )
        report.refresh_from_db()
        assert report.title == "某电子厂拖欠3个月工资" and report.content.startswith("刘洋反映")
        assert AuditEntry.objects.get(action="forward").target == "上报盐城市：某电子厂拖欠职工工资"
        page = client.get(response["Location"]).content.decode()
        assert "已上报至盐城市" in page and "待处理" in page

    def test_a_report_reaches_the_same_unit_once(self, client, reviewer, report, units):
        forwarded_to_city(client, reviewer, report)
        with pytest.raises(ValidationError) as exc:
            services.item_forward(report=report, actor=reviewer, title="再报", content="再报")
        assert exc.value.messages == ["该信息已上报至盐城市，同一信息只能向同一单位上报一次"]
        assert ForwardedItem.objects.count() == 1

    def test_a_rejected_or_returned_report_is_not_forwarded(self, client, reviewer, officer, units):
        rejected = ReportFactory(officer=officer, grade="rejected", status="reviewed")
        response = forward(client, reviewer, rejected)
        assert response.status_code == 400
        assert "该信息已评定为不予采用，不能上报" in response.content.decode()
        returned = ReportFactory(officer=officer, status="returned")
        assert "该信息当前状态为“退回修改”，不能上报" in forward(client, reviewer, returned).content.decode()
        assert ForwardedItem.objects.count() == 0

    def test_a_county_without_a_unit_above_is_told_so(self, client, reviewer, report):
        response = forward(client, reviewer, report)
        assert response.status_code == 400
        assert "滨海县尚未设置上级单位（市或省），不能上报；请联系系统管理员" in response.content.decode()

    def test_an_empty_copy_is_refused_in_chinese(self, client, reviewer, report, units):
        response = forward(client, reviewer, report, title="", content="")
        assert response.status_code == 400
        assert response.context["forward_form"].errors == {
            "title": ["这个字段是必填项。"],
            "content": ["这个字段是必填项。"],
        }

    def test_another_countys_reviewer_cannot_forward(self, client, report, other_county, units):
        response = forward(client, ReviewerFactory(county=other_county), report)
        assert response.status_code == 404 and ForwardedItem.objects.count() == 0

    def test_staff_above_cannot_forward_a_countys_report(self, client, report, city_reviewer):
        assert forward(client, city_reviewer, report).status_code == 403
        assert ForwardedItem.objects.count() == 0


class TestWhatTheCitySees:
    def test_the_city_sees_the_copy_with_county_and_code_never_the_officer(
        self, client, reviewer, report, city_reviewer
    ):
        item = forwarded_to_city(client, reviewer, report)
        client.force_login(city_reviewer)
        queue = client.get(reverse("reports:forwarded_queue"))
        assert [i.pk for i in queue.context["items"]] == [item.pk]
        body = queue.content.decode()
        assert "滨海县" in body and report.officer.code in body
        page = client.get(reverse("reports:forwarded", args=[item.pk])).content.decode()
        assert "某电子厂拖欠职工工资" in page and report.officer.code in page
        for secret in (OFFICER_NAME, OFFICER_PHONE, "刘洋反映", report.officer.masked_phone):
            assert secret not in body and secret not in page
        assert "查看</button>" not in page  # no reveal for the city

    def test_the_city_never_sees_a_report_that_was_not_forwarded(
        self, client, reviewer, officer, report, city_reviewer
    ):
        forwarded_to_city(client, reviewer, report)
        unforwarded = ReportFactory(officer=officer, title="未上报的信息")
        client.force_login(city_reviewer)
        assert client.get(reverse("reports:detail", args=[unforwarded.pk])).status_code == 404
        assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
        assert client.get(reverse("reports:queue")).status_code == 403
        body = client.get(reverse("reports:forwarded_queue"), {"status": "", "box": "all"}).content.decode()
        assert "未上报的信息" not in body

    def test_another_city_sees_nothing_of_it(self, client, reviewer, report, other_city_reviewer):
        item = forwarded_to_city(client, reviewer, report)
        client.force_login(other_city_reviewer)
        assert client.get(reverse("reports:forwarded", args=[item.pk])).status_code == 404
        assert list(client.get(reverse("reports:forwarded_queue"), {"box": "all"}).context["items"]) == []
        assert (
            client.post(reverse("reports:forwarded_adopt", args=[item.pk]), {"adopted_on": "2026-11-04"}).status_code
            == 404
        )

    def test_the_queue_filters_by_county_category_urgency_date_and_status(
        self, client, reviewer, report, officer, other_county, city_reviewer
    ):
        item = forwarded_to_city(client, reviewer, report)
        other_officer = OfficerFactory(county=other_county)
        theirs = ReportFactory(
            officer=other_officer,
            urgency="emergency",
            category="mass_incident",
            submitted_at=SUBMITTED,
            occurred_at=SUBMITTED,
        )
        other_item = services.item_forward(
            report=theirs, actor=ReviewerFactory(county=other_county), title="阜宁县突发", content="内容"
        )
        client.force_login(city_reviewer)

        def listed(**params):
            return [i.pk for i in client.get(reverse("reports:forwarded_queue"), params).context["items"]]

        assert listed() == [other_item.pk, item.pk]  # emergencies first
        assert listed(county=other_county.pk) == [other_item.pk]
        assert listed(category="wage_arrears") == [item.pk]
        assert listed(urgency="emergency") == [other_item.pk]
        assert listed(date_from="2026-11-06") == []
        assert listed(date_from="2026-11-05", date_to="2026-11-05") == [other_item.pk, item.pk]
        assert listed(status="adopted") == []
        response = client.get(reverse("reports:forwarded_queue"), {"date_from": "2026-11-06", "date_to": "2026-11-01"})
        assert "开始日期不能晚于结束日期" in response.content.decode()


class TestDecisionsAbove:
    def test_the_city_adopts_grade_tier_stipend_and_notices_follow(
        self, client, reviewer, county_admin, report, city_reviewer, units
    ):
        item = forwarded_to_city(client, reviewer, report)
        client.force_login(city_reviewer)
        response = client.post(
            reverse("reports:forwarded_adopt", args=[item.pk]),
            {"publication": "盐城工运信息", "issue": "2026年第7期", "adopted_on": "2026-11-04"},
        )
        assert response.status_code == 302
        item.refresh_from_db()
        report.refresh_from_db()
        assert (item.status, item.decided_by, item.publication, item.issue, item.adopted_on) == (
            "adopted",
            city_reviewer,
            "盐城工运信息",
            "2026年第7期",
            date(2026, 11, 4),
        )
        assert (report.grade, report.adopted_by) == (Grade.ABOVE_ADOPTED, "盐城市总工会")
        adoption = Adoption.objects.get(report=report)
        assert (adoption.source, adoption.region, adoption.body) == ("unit", units["city"], "盐城市总工会")
        assert Notification.objects.get(recipient=report.officer.user).title == (
            "您报送的“某电子厂拖欠3个月工资”被盐城市总工会采用（《盐城工运信息》2026年第7期）"
        )
        told = OutboxMessage.objects.filter(kind="forward").order_by("key")
        assert sorted(told.values_list("key", flat=True)) == sorted(
            f"forward:{item.pk}:adopted:{person.pk}:{channel}"
            for person, channels in ((reviewer, ("in_app", "email")), (county_admin, ("in_app",)))
            for channel in channels
        )
        assert set(told.values_list("title", flat=True)) == {
            "上报信息“某电子厂拖欠职工工资”被盐城市总工会采用（《盐城工运信息》2026年第7期）"
        }
        for message in told:
            assert OFFICER_NAME not in message.title + message.body
        # the officer's October: one report, adopted above the county → 优秀, 300 yuan
        month = date(2026, 10, 1)
        line = next(
            line
            for line in stipend_lines(
                county_id=report.county_id, month=month, terms=stipend_terms(county_id=report.county_id, month=month)
            )
            if line.officer_id == report.officer_id
        )
        assert (line.tier, line.amount) == (Tier.EXCELLENT, 300)
        # The county sees the decision on its report's page and its list.
        client.force_login(reviewer)
        page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
        assert "已采用" in page and "《盐城工运信息》2026年第7期" in page
        again = client.post(reverse("reports:forwarded_refuse", args=[item.pk]), {"reason": "x"})
        assert again.status_code == 403

    def test_a_second_decision_is_refused(self, client, reviewer, report, city_reviewer):
        item = forwarded_to_city(client, reviewer, report)
        services.item_refuse(item=item, actor=city_reviewer, reason="内容已掌握")
        client.force_login(city_reviewer)
        response = client.post(reverse("reports:forwarded_adopt", args=[item.pk]), {"adopted_on": "2026-11-04"})
        assert response.status_code == 400
        assert "该上报信息已处理（不予采用），不能再次处理" in response.content.decode()

    def test_the_city_refuses_with_a_reason_and_the_grade_stays(self, client, reviewer, report, city_reviewer):
        item = forwarded_to_city(client, reviewer, report)
        client.force_login(city_reviewer)
        empty = client.post(reverse("reports:forwarded_refuse", args=[item.pk]), {"reason": "  "})
        assert empty.status_code == 400
        assert empty.context["refuse_form"].errors == {"reason": ["请填写不予采用的理由"]}
        response = client.post(reverse("reports:forwarded_refuse", args=[item.pk]), {"reason": "情况已由市人社局通报"})
        assert response.status_code == 302
        item.refresh_from_db()
        report.refresh_from_db()
        assert (item.status, item.refusal_reason, report.grade) == ("refused", "情况已由市人社局通报", "qualified")
        notice = OutboxMessage.objects.get(kind="forward", recipient=reviewer, channel="in_app")
        assert (notice.title, notice.body) == (
            "上报信息“某电子厂拖欠职工工资”未被盐城市总工会采用",
            "理由：情况已由市人社局通报",
        )
        assert not Notification.objects.filter(recipient=report.officer.user).exists()

    def test_an_adoption_date_before_the_report_is_refused(self, client, reviewer, report, city_reviewer):
        item = forwarded_to_city(client, reviewer, report)
        client.force_login(city_reviewer)
        response = client.post(reverse("reports:forwarded_adopt", args=[item.pk]), {"adopted_on": "2026-10-01"})
        assert response.status_code == 400
        assert "采用日期不能早于报送日期（2026-10-20）" in response.content.decode()
        item.refresh_from_db()
        assert item.status == "pending" and not Adoption.objects.exists()

    def test_the_county_cannot_decide_for_the_city(self, client, reviewer, report, units):
        item = forwarded_to_city(client, reviewer, report)
        response = client.post(reverse("reports:forwarded_adopt", args=[item.pk]), {"adopted_on": "2026-11-04"})
        assert response.status_code == 403
        item.refresh_from_db()
        assert item.status == "pending"


class TestForwardingTwice:
    def test_county_to_city_to_province_and_the_province_adopts(
        self, client, reviewer, report, city_reviewer, province_reviewer, other_city_reviewer, units
    ):
        first = forwarded_to_city(client, reviewer, report)
        client.force_login(city_reviewer)
        response = client.post(
            reverse("reports:forwarded_forward_on", args=[first.pk]),
            {"title": "盐城市：电子厂欠薪", "content": "市总工会转报：电子厂欠薪情况。", "note": "请省总关注"},
        )
        assert response.status_code == 302
        second = ForwardedItem.objects.get(to_region=units["province"])
        assert (second.previous, second.from_region, second.county, second.officer_code) == (
            first,
            units["city"],
            report.county,
            first.officer_code,
        )
        again = client.post(
            reverse("reports:forwarded_forward_on", args=[first.pk]), {"title": "再转", "content": "再转"}
        )
        assert "该信息已上报至江苏省，同一信息只能向同一单位上报一次" in again.content.decode()
        # the province: its queue holds the second copy; the chain shows both
        client.force_login(province_reviewer)
        assert [i.pk for i in client.get(reverse("reports:forwarded_queue")).context["items"]] == [second.pk]
        page = client.get(reverse("reports:forwarded", args=[second.pk]))
        assert [link.pk for link in page.context["chain"]] == [first.pk, second.pk]
        assert OFFICER_NAME not in page.content.decode()
        assert (
            client.post(
                reverse("reports:forwarded_adopt", args=[second.pk]),
                {"publication": "江苏工会信息", "issue": "第12期", "adopted_on": "2026-11-05"},
            ).status_code
            == 302
        )
        report.refresh_from_db()
        assert report.grade == Grade.ABOVE_ADOPTED and report.adopted_by == "江苏省总工会"
        # The other city sees none of the chain; the city still sees what it forwarded on.
        client.force_login(other_city_reviewer)
        assert client.get(reverse("reports:forwarded", args=[second.pk])).status_code == 404
        client.force_login(city_reviewer)
        assert client.get(reverse("reports:forwarded", args=[second.pk])).status_code == 200
        assert (
            client.post(reverse("reports:forwarded_adopt", args=[second.pk]), {"adopted_on": "2026-11-05"}).status_code
            == 403
        )

    def test_a_province_has_no_unit_above(self, client, reviewer, report, city_reviewer, province_reviewer):
        first = forwarded_to_city(client, reviewer, report)
        second = services.item_forward_on(item=first, actor=city_reviewer, title="转报", content="转报")
        with pytest.raises(ValidationError) as exc:
            services.item_forward_on(item=second, actor=province_reviewer, title="再转", content="再转")
        assert exc.value.messages == ["江苏省没有上级单位，不能再转报"]


class TestReveal:
    def test_county_staff_reveal_the_officer_audited(self, client, reviewer, report, units):
        item = forwarded_to_city(client, reviewer, report)
        page = client.get(reverse("reports:forwarded", args=[item.pk])).content.decode()
        assert OFFICER_NAME not in page
        response = client.post(reverse("reports:forwarded_reveal", args=[item.pk]))
        assert response.status_code == 200 and OFFICER_NAME in response.content.decode()
        entry = AuditEntry.objects.get(action="reveal_officer")
        assert (entry.actor, entry.target, entry.get_action_display()) == (
            reviewer,
            f"信息员代码 {report.officer.code}",
            "查看信息员身份",
        )

    def test_nobody_else_can_reveal(self, client, reviewer, report, city_reviewer, province_reviewer, other_county):
        item = forwarded_to_city(client, reviewer, report)
        for person, status in (
            (city_reviewer, 403),
            (province_reviewer, 403),
            (ReviewerFactory(county=other_county), 404),
        ):
            client.force_login(person)
            response = client.post(reverse("reports:forwarded_reveal", args=[item.pk]))
            assert response.status_code == status
            assert OFFICER_NAME not in response.content.decode()
        client.force_login(report.officer.user)
        assert client.post(reverse("reports:forwarded_reveal", args=[item.pk])).status_code == 403
        assert not AuditEntry.objects.filter(action="reveal_officer").exists()


class TestAttachments:
    def attach(self, report):
        services.report_save(
            officer=report.officer,
            report=Report.objects.get(pk=report.pk),
            data={},
            submit=True,
            files=[SimpleUploadedFile("现场.png", image_bytes(), content_type="image/png")],
        )
        return report.attachments.get()

    def test_attachments_go_up_only_when_the_county_forwards_them(
        self, client, reviewer, officer, city_reviewer, other_city_reviewer, units
    ):
        report = ReportFactory(officer=officer, status="submitted", submitted_at=SUBMITTED, occurred_at=SUBMITTED)
        attachment = self.attach(report)
        without = forwarded_to_city(client, reviewer, report)
        url = reverse("reports:forwarded_attachment", args=[without.pk, attachment.pk])
        client.force_login(city_reviewer)
        assert client.get(url).status_code == 404
        ForwardedItem.objects.filter(pk=without.pk).update(with_attachments=True)
        assert client.get(url).status_code == 200
        assert "现场.png" in client.get(reverse("reports:forwarded", args=[without.pk])).content.decode()
        assert client.get(reverse("reports:attachment", args=[attachment.pk])).status_code == 404
        client.force_login(other_city_reviewer)
        assert client.get(url).status_code == 404


class TestPagesAbove:
    def test_the_city_home_shows_its_queue(self, client, reviewer, report, city_reviewer):
        forwarded_to_city(client, reviewer, report)
        client.force_login(city_reviewer)
        response = client.get(reverse("home"))
        assert response.context["pending_forwarded"] == 1
        body = response.content.decode()
        assert "盐城市总工会" in body and "某电子厂拖欠职工工资" in body and OFFICER_NAME not in body

    def test_the_city_dashboard_shows_its_counties_side_by_side(
        self, client, reviewer, report, officer, other_county, city_reviewer, units
    ):
        item = forwarded_to_city(client, reviewer, report)
        services.item_adopt(item=item, actor=city_reviewer, adopted_on=date(2026, 11, 4))
        ReportFactory(officer=officer, submitted_at=SUBMITTED, occurred_at=SUBMITTED)
        ReportFactory(officer=OfficerFactory(county=units["far_county"]), submitted_at=SUBMITTED, occurred_at=SUBMITTED)
        client.force_login(city_reviewer)
        response = client.get(reverse("dashboard"), {"year": "2026"})
        rows = {row["county"].code: row for row in response.context["r"]["rows"]}
        assert set(rows) == {"320922", "320923"}  # never another city's county
        assert {
            k: rows["320922"][k] for k in ("reports", "adopted", "forwarded", "forwarded_adopted", "instructions")
        } == {
            "reports": 2,
            "adopted": 1,
            "forwarded": 1,
            "forwarded_adopted": 1,
            "instructions": 0,
        }
        assert rows["320922"]["adoption_rate"] == 0.5
        body = response.content.decode()
        assert f"county={report.county.pk}" in body and "status=adopted" in body and OFFICER_NAME not in body

    def test_the_city_dashboard_is_shared_by_the_citys_staff_until_refreshed(
        self, client, reviewer, report, officer, city_reviewer, other_city_reviewer, units, settings
    ):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "r"}}
        settings.DASHBOARD_CACHE_SECONDS = 300
        client.force_login(city_reviewer)
        first = client.get(reverse("dashboard"), {"year": "2026"})
        assert first.context["r"]["totals"]["reports"] == 1 and "每 5 分钟更新" in first.content.decode()
        ReportFactory(officer=officer, submitted_at=SUBMITTED, occurred_at=SUBMITTED)
        # another member of the city's staff reads the same figures, without counting again
        client.force_login(RegionalReviewerFactory(region=units["city"]))
        with CaptureQueriesContext(connection) as warm:
            assert client.get(reverse("dashboard"), {"year": "2026"}).context["r"]["totals"]["reports"] == 1
        assert [q["sql"][:80] for q in warm.captured_queries if 'FROM "reports_report"' in q["sql"]] == []
        # another city's staff never read the city's entry
        client.force_login(other_city_reviewer)
        rows = client.get(reverse("dashboard"), {"year": "2026"}).context["r"]["rows"]
        assert [(row["county"].code, row["reports"]) for row in rows] == [("320803", 0)]
        client.force_login(city_reviewer)
        refreshed = client.get(reverse("dashboard"), {"year": "2026", "refresh": "1"})
        assert refreshed.status_code == 302 and refreshed["Location"] == "/dashboard/?year=2026"
        assert client.get(reverse("dashboard"), {"year": "2026"}).context["r"]["totals"]["reports"] == 2

    def test_the_county_dashboard_and_summary_count_forwards(self, client, reviewer, report, city_reviewer):
        from unionportal.overview.summaries import summary_figures

        item = forwarded_to_city(client, reviewer, report)
        services.item_adopt(item=item, actor=city_reviewer, adopted_on=date(2026, 11, 4))
        response = client.get(reverse("dashboard"), {"year": "2026"})
        assert response.context["d"]["forwarding"] == {"forwarded": 1, "adopted": 1, "pending": 0, "instructions": 0}
        figures = summary_figures(county=report.county, month=date(2026, 11, 1))
        assert (figures["forwarded"], figures["forwarded_adopted"]) == (1, 1)
        assert summary_figures(county=report.county, month=date(2026, 10, 1))["forwarded"] == 0


def test_the_queue_and_the_dashboard_cost_the_same_queries_at_two_sizes(
    client, reviewer, county, other_county, city_reviewer, province_reviewer
):
    def grow(n):
        for _ in range(n):
            for place in (county, other_county):
                report = ReportFactory(
                    officer=OfficerFactory(county=place), submitted_at=SUBMITTED, occurred_at=SUBMITTED
                )
                services.item_forward(report=report, actor=ReviewerFactory(county=place), title="上报", content="内容")

    def counts():
        result = []
        for person, url in (
            (city_reviewer, reverse("reports:forwarded_queue")),
            (province_reviewer, reverse("reports:forwarded_queue") + "?box=all&status="),
            (province_reviewer, reverse("dashboard") + "?year=2026"),
            (city_reviewer, reverse("home")),
        ):
            client.force_login(person)
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result.append(len(ctx))
        return result

    grow(2)
    small = counts()
    grow(15)
    assert counts() == small


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("某电子厂欠薪", "县总工会已介入"), None),
        (("某电子厂欠薪", "刘洋反映欠薪"), "姓名"),
        (("某电子厂欠薪", "联系电话 138-1511-0004"), "电话"),
        (("某电子厂欠薪", "联系电话13815110004"), "电话"),
        (("某电子厂欠薪", "涉及金额13815110元"), None),  # digits that are not the whole number
    ],
)
def test_identity_in_the_copy(texts, expected):
    from reports.rules import IDENTITY_IN_COPY, identity_problem

    problem = identity_problem(texts=texts, name=OFFICER_NAME, phone=OFFICER_PHONE)
    assert problem == (IDENTITY_IN_COPY.format(what=expected) if expected else None)


@pytest.mark.parametrize(
    ("status", "grade", "expected"),
    [
        ("submitted", "pending", None),
        ("reviewed", "qualified", None),
        ("reviewed", "county_adopted", None),
        ("reviewed", "rejected", "该信息已评定为不予采用，不能上报"),
        ("returned", "pending", "该信息当前状态为“退回修改”，不能上报"),
        ("draft", "pending", "该信息当前状态为“草稿”，不能上报"),
        ("withdrawn", "pending", "该信息当前状态为“已撤回”，不能上报"),
    ],
)
def test_what_may_be_forwarded(status, grade, expected):
    from reports.rules import forward_problem

    assert forward_problem(status=status, grade=grade) == expected


@pytest.mark.parametrize(
    ("name", "body"), [("盐城市", "盐城市总工会"), ("江苏省", "江苏省总工会"), ("盐城市总工会", "盐城市总工会")]
)
def test_the_adopting_body_is_the_units_union(name, body):
    from reports.rules import unit_body

    assert unit_body(name) == body


def test_a_copy_naming_the_officer_is_refused(client, reviewer, report, units):
    response = forward(client, reviewer, report, content="刘洋反映：某电子厂拖欠职工工资。")
    assert response.status_code == 400
    assert response.context["forward_form"].non_field_errors() == [
        "上报内容不能含有信息员的姓名（上级单位只看到来源县区和信息员代码），请删去后再上报"
    ]
    response = forward(client, reviewer, report, note="请联系 138 1511 0004 核实")
    assert "上报内容不能含有信息员的电话" in response.content.decode()
    assert ForwardedItem.objects.count() == 0


class TestInstructionsOnAForwardedItem:
    def test_the_city_records_a_leaders_instruction_on_what_a_county_sent_up(
        self, client, reviewer, report, city_reviewer, province_reviewer
    ):
        from reports.models import Instruction

        item = forwarded_to_city(client, reviewer, report)
        data = {
            "leader": "市委副书记 王某某",
            "rank": "city",
            "text": "请督促企业依法支付工资。",
            "given_on": "2026-11-04",
            "owner": reviewer.pk,
            "due_on": "2026-11-20",
        }
        url = reverse("reports:forwarded_instruction", args=[item.pk])
        client.force_login(province_reviewer)  # sees the chain above, but the item was not sent to it
        assert client.post(url, data).status_code in (403, 404)
        client.force_login(city_reviewer)
        page = client.get(reverse("reports:forwarded", args=[item.pk])).content.decode()
        assert f'data-deferred-form="{url}?part=1"' in page  # folded: fetched when opened
        form = client.get(url, {"part": "1"}).content.decode()
        assert 'data-testid="forwarded-instruction-form"' in form and f'value="{reviewer.pk}"' in form
        client.force_login(province_reviewer)
        assert client.get(url, {"part": "1"}).status_code in (403, 404)
        client.force_login(city_reviewer)
        assert client.post(url, data).status_code == 302
        instruction = Instruction.objects.get()
        assert (instruction.forwarded_item, instruction.report, instruction.county, instruction.recorded_region) == (
            item,
            report,
            report.county,
            city_reviewer.region,
        )
        assert instruction.follow_up.owner == reviewer
        told = OutboxMessage.objects.filter(key__startswith=f"instruction:{instruction.pk}:{reviewer.pk}:")
        assert told.exists()
        page = client.get(reverse("reports:forwarded", args=[item.pk])).content.decode()
        assert "市委副书记 王某某（市级）2026-11-04" in page
        assert client.post(url, data | {"text": ""}).status_code == 400
        assert Instruction.objects.count() == 1


def test_the_item_page_reads_who_forwarded_and_decided_by_name_only(client, reviewer, report, city_reviewer):
    item = forwarded_to_city(client, reviewer, report)
    services.item_refuse(item=item, actor=city_reviewer, reason="内容已掌握")
    with CaptureQueriesContext(connection) as read:
        shown = item_for_view(user=city_reviewer, pk=item.pk)
        chain = item_chain(user=city_reviewer, item=shown)
    with CaptureQueriesContext(connection) as after:
        names = [(f.forwarded_by.get_full_name(), f.decided_by.get_full_name()) for f in (shown, *chain)]
    assert names == [(reviewer.get_full_name(), city_reviewer.get_full_name())] * 2
    assert len(after) == 0
    sql = "\n".join(q["sql"] for q in read.captured_queries)
    assert '"officers_user"."password"' not in sql and '"officers_user"."full_name"' in sql
