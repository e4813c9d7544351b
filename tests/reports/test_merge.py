"""Duplicate leads (线索合并): likely duplicates on PostgreSQL (pg_trgm) and without it, merging into a
lead or an event, and the credit rule (a merged report is never adopted: service and constraint)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from reports import selectors, services
from reports.models import Event, Lead, Report
from tests.factories import EMERGENCY_ESSENTIALS, EnterpriseFactory, ReportFactory, TownshipFactory
from unionportal.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise(county):
    return EnterpriseFactory(county=county, name="滨海某服装有限公司")


def submitted(officer, *, days_ago=0, **fields):
    at = timezone.now() - timedelta(days=days_ago)
    return ReportFactory(officer=officer, occurred_at=at, submitted_at=at, **fields)


def emergency(officer, title, township):
    """An emergency submitted through the service: it opens an event of its own (its 初报)."""
    data = {
        "title": title,
        "content": "职工聚集",
        "category": "mass_incident",
        "urgency": "emergency",
        "occurred_at": timezone.now() - timedelta(minutes=10),
        "township": township,
        **EMERGENCY_ESSENTIALS,
    }
    return services.report_save(officer=officer, data=data, submit=True)


class TestLikelyDuplicates:
    def test_the_same_enterprise_within_seven_days(self, officer, other_officer, reviewer, enterprise):
        report = submitted(officer, enterprise=enterprise, title="服装厂欠薪")
        near = submitted(other_officer, enterprise=enterprise, days_ago=6, title="工人讨薪")
        submitted(other_officer, enterprise=enterprise, days_ago=8, title="上月的事")
        submitted(other_officer, title="别的企业")
        found = selectors.likely_duplicates(user=reviewer, report=report)
        assert [(r.pk, r.reasons) for r in found] == [(near.pk, ["同一企业"])]

    def test_similar_text_in_the_same_township(self, officer, other_officer, reviewer, township, county):
        text = "八巨镇某服装厂约四十名职工在厂门口聚集，反映企业拖欠三个月工资"
        report = submitted(officer, township=township, title="服装厂职工聚集讨薪", content=text)
        same = submitted(
            other_officer, township=township, title="服装厂职工聚集讨要工资", content=text.replace("四十", "三十")
        )
        elsewhere = TownshipFactory(county=county, name="陈涛镇")
        submitted(other_officer, township=elsewhere, title="服装厂职工聚集讨薪", content=text)
        submitted(other_officer, township=township, title="快递网点派件费下调", content="快递员普遍不满")
        found = selectors.likely_duplicates(user=reviewer, report=report)
        assert [r.pk for r in found] == [same.pk]
        assert found[0].reasons[0].startswith("内容相似（同一镇区，相似度")

    def test_the_plain_fallback_finds_the_same(self, officer, other_officer, reviewer, township):
        """Without PostgreSQL (SQLite for make run) the same reports are found by the plain comparison."""
        text = "八巨镇某服装厂约四十名职工在厂门口聚集，反映企业拖欠三个月工资"
        report = submitted(officer, township=township, title="服装厂职工聚集讨薪", content=text)
        same = submitted(other_officer, township=township, title="服装厂职工聚集讨要工资", content=text)
        submitted(other_officer, township=township, title="快递网点派件费下调", content="快递员普遍不满")
        with mock.patch.object(connection, "vendor", "sqlite"):
            found = selectors.likely_duplicates(user=reviewer, report=report)
        assert [r.pk for r in found] == [same.pk]

    def test_another_countys_staff_see_none(self, officer, other_officer, foreign_reviewer, enterprise):
        report = submitted(officer, enterprise=enterprise)
        submitted(other_officer, enterprise=enterprise)
        assert selectors.likely_duplicates(user=foreign_reviewer, report=report) == []


class TestMerge:
    def test_merge_into_a_report_keeps_both_and_marks_the_later_one(self, officer, other_officer, reviewer):
        first = submitted(officer, title="首报", grade="qualified", status="reviewed")
        later = submitted(other_officer, title="后报")
        services.report_merge(report=later, actor=reviewer, into_report=first)
        lead = Lead.objects.get()
        first.refresh_from_db()
        later.refresh_from_db()
        assert (lead.first_report, lead.title, lead.created_by) == (first, "首报", reviewer)
        assert (first.lead, first.merged_at, first.grade) == (lead, None, "qualified")  # keeps its grade
        assert (later.lead, later.merged_by, later.is_merged) == (lead, reviewer, True)
        assert set(lead.reports.values_list("officer", flat=True)) == {officer.pk, other_officer.pk}
        # the merge is on the audit trail: who merged which report into which lead
        audit = AuditEntry.objects.get(action="merge_report")
        assert (audit.actor, audit.report_id, audit.county_id, audit.target) == (
            reviewer,
            later.pk,
            later.county_id,
            f"并入线索“首报”（首报信息 {first.pk}）",
        )
        # a third report joins the same lead, through the merged one as well
        third = submitted(other_officer, title="第三条")
        services.report_merge(report=third, actor=reviewer, into_report=later)
        assert Lead.objects.count() == 1 and third.__class__.objects.get(pk=third.pk).lead == lead

    def test_a_merged_report_is_graded_on_its_merit_but_never_adopted(self, officer, other_officer, reviewer):
        first = submitted(officer)
        later = submitted(other_officer)
        services.report_merge(report=later, actor=reviewer, into_report=first)
        later.refresh_from_db()
        with pytest.raises(ValidationError) as exc:
            services.report_grade(
                report=later,
                reviewer=reviewer,
                grade="county_adopted",
                adopted_by="滨海县总工会",
                version=later.version,
            )
        assert exc.value.message_dict == {"grade": [services.MERGED_NOT_ADOPTED]}
        graded = services.report_grade(report=later, reviewer=reviewer, grade="qualified", version=later.version)
        assert graded.grade == "qualified"
        graded = services.report_grade(
            report=first, reviewer=reviewer, grade="county_adopted", adopted_by="滨海县总工会", version=first.version
        )
        assert graded.grade == "county_adopted"  # the first report keeps the credit

    def test_the_database_refuses_an_adopted_merged_report(self, officer, other_officer, reviewer):
        first = submitted(officer)
        later = submitted(other_officer)
        services.report_merge(report=later, actor=reviewer, into_report=first)
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.filter(pk=later.pk).update(grade="above_adopted", adopted_by="盐城市总工会")

    def test_refusals(self, officer, other_officer, reviewer, foreign_reviewer):
        first = submitted(officer)
        adopted = submitted(other_officer, grade="county_adopted", adopted_by="滨海县总工会", status="reviewed")
        draft = submitted(other_officer, status="draft")
        cases = [
            (
                dict(report=adopted, into_report=first),
                "已采用的信息不能并入其他线索（采用归首报信息）；如需合并，请先重新评定",
            ),
            (dict(report=draft, into_report=first), "该信息当前状态为“草稿”，不能合并"),
            (dict(report=first, into_report=first), "不能把信息并入它自己"),
            (dict(report=first), "请选择要并入的信息或事件"),
        ]
        for kwargs, message in cases:
            with pytest.raises(ValidationError) as exc:
                services.report_merge(actor=reviewer, **kwargs)
            assert exc.value.messages == [message]
        with pytest.raises(ValidationError) as exc:
            services.report_merge(report=first, actor=foreign_reviewer, into_report=adopted)
        assert exc.value.messages == ["只能合并本县区的信息"]
        later = submitted(other_officer)
        services.report_merge(report=later, actor=reviewer, into_report=first)
        with pytest.raises(ValidationError) as exc:
            services.report_merge(report=later, actor=reviewer, into_report=first)
        assert exc.value.messages == ["该信息已经合并过了"]
        with pytest.raises(ValidationError) as exc:
            services.report_merge(report=first, actor=reviewer, into_report=adopted)
        assert exc.value.messages == ["该信息已是一条线索的首报信息，其他信息已并入它，不能再并入别处"]
        assert Lead.objects.count() == 1
        # only the one merge that was made is audited, none of the refusals
        assert list(AuditEntry.objects.filter(action="merge_report").values_list("report_id", flat=True)) == [later.pk]

    def test_merge_into_an_event_folds_a_second_emergencys_own_event(self, officer, other_officer, reviewer, township):
        first = emergency(officer, "服装厂职工聚集", township)
        second = emergency(other_officer, "服装厂门口有人聚集", township)
        event, own = Event.objects.get(entries__report=first), Event.objects.get(entries__report=second)
        services.report_merge(report=second, actor=reviewer, into_event=event)
        own.refresh_from_db()
        assert (own.state, own.merged_into, own.next_due_at) == ("merged", event, None)
        lead = Lead.objects.get()
        assert (lead.event, lead.first_report) == (event, first)
        assert list(selectors.lead_reports(user=reviewer, event=event)) == [first, second]
        # the officer hears that their report was merged, once
        from unionportal.core.models import OutboxMessage

        assert OutboxMessage.objects.filter(key=f"merge:{second.pk}:in_app", recipient=other_officer.user).count() == 1


class TestMergeTargets:
    def test_an_emergencys_page_offers_the_countys_other_events_and_never_its_own(
        self, officer, other_officer, reviewer, township, django_assert_num_queries
    ):
        first = emergency(officer, "服装厂职工聚集", township)
        second = emergency(other_officer, "服装厂门口有人聚集", township)
        plain = submitted(officer, title="一般信息")
        own = Event.objects.get(entries__report=first)
        other = Event.objects.get(entries__report=second)
        page_report = selectors.report_for_view(user=reviewer, pk=first.pk)  # its entry read with it
        with django_assert_num_queries(1):
            assert list(selectors.merge_targets(user=reviewer, report=page_report)) == [other]
        assert {e.pk for e in selectors.merge_targets(user=reviewer, report=plain)} == {own.pk, other.pk}
        # a report read without its entry still leaves its own event out (one query more, for the entry)
        assert list(selectors.merge_targets(user=reviewer, report=Report.objects.get(pk=second.pk))) == [own]
