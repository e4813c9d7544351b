"""PIPL: an anonymised officer's name and phone leave the dispute cases made from their reports or
handled by them (案情, follow-ups), as they leave their reports; other cases keep their text."""

from datetime import timedelta

import pytest
from django.utils import timezone

from disputes.models import DisputeCase, FollowUp
from disputes.services import cases as case_services
from disputes.services.anonymise import case_texts_scrub
from officers import services as officer_services
from officers.models import Officer, OfficerStatusChange
from reports.services import anonymise
from tests.factories import OfficerFactory, ReportFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def test_the_cases_of_an_anonymised_officer_lose_their_name_and_phone(county):
    reviewer = ReviewerFactory(county=county)
    facts = {"enterprise_name": "某电子厂"}
    gone = OfficerFactory(county=county, name="王五", phone="13815118888")
    other = OfficerFactory(county=county, name="赵六", phone="13815117777")
    at = timezone.now() - timedelta(days=4 * 366)
    mine = ReportFactory(
        officer=gone,
        title="王五反映欠薪",
        content="联系人王五 13815118888",
        status="reviewed",
        grade="qualified",
        submitted_at=at,
        occurred_at=at,
    )
    theirs = ReportFactory(
        officer=other,
        title="赵六反映欠薪（王五也在场）",
        content="联系人赵六",
        status="reviewed",
        grade="qualified",
        submitted_at=at,
        occurred_at=at,
    )
    from_mine = case_services.case_from_report(report=mine, actor=reviewer, **facts)
    from_theirs = case_services.case_from_report(report=theirs, actor=reviewer, **facts)
    handled = case_services.case_from_report(
        report=ReportFactory(officer=other, status="reviewed", submitted_at=at, occurred_at=at), actor=reviewer, **facts
    )
    handled.handlers.add(gone.user)
    case_services.follow_up_add(
        case=from_mine, actor=reviewer, action="已联系王五核实", next_step="请王五（13815118888）陪同"
    )
    case_services.follow_up_add(case=handled, actor=gone.user, action="王五到企业了解情况")
    case_services.follow_up_add(case=from_theirs, actor=reviewer, action="王五提供了线索")  # not theirs: kept

    officer_services.officer_change_status(officer=gone, to_status=Officer.Status.DISMISSED, actor=None, reason="解聘")
    OfficerStatusChange.objects.filter(officer=gone).update(changed_at=timezone.now() - timedelta(days=3 * 366))
    assert anonymise.officer_anonymise(officer_id=gone.pk) is True

    assert DisputeCase.objects.get(pk=from_mine.pk).description == "某信息员反映欠薪\n\n联系人某信息员 ***********"
    assert list(FollowUp.objects.filter(case=from_mine).values_list("action", "next_step")) == [
        ("已联系某信息员核实", "请某信息员（***********）陪同")
    ]
    assert FollowUp.objects.get(case=handled).action == "某信息员到企业了解情况"
    # a case neither from their reports nor handled by them is another officer's record: left as it is
    assert DisputeCase.objects.get(pk=from_theirs.pk).description == "赵六反映欠薪（王五也在场）\n\n联系人赵六"
    assert FollowUp.objects.get(case=from_theirs).action == "王五提供了线索"
    assert case_texts_scrub in anonymise.TEXT_SCRUBBERS  # registered by DisputesConfig.ready
