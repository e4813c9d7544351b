"""Every create form of the portal is sent once (issue 14 item 2): the same render posted twice
creates one row and shows the first result; another account's key is refused."""

import uuid
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from disputes import services as dispute_services
from tests.factories import (
    AdminFactory,
    EnterpriseFactory,
    OfficerFactory,
    ReportFactory,
    ReviewerFactory,
    TownshipFactory,
    image_bytes,
)
from unionportal.core.idempotency import NOT_YOURS_MESSAGE, REPEATED_MESSAGE
from unionportal.overview import summaries

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def a_case(county, reviewer):
    enterprise = EnterpriseFactory(county=county)
    return dispute_services.case_register(
        county=county, actor=reviewer, dispute_type="wage_arrears", workers_involved=3, enterprise=enterprise
    )


def png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("收据.png", image_bytes(), content_type="image/png")


# name: (what it creates, who sends it, the URL and the form, built from the world)
def world_forms(county):
    reviewer = ReviewerFactory(county=county)
    admin = AdminFactory(county=county)
    township = TownshipFactory(county=county)
    officer = OfficerFactory(county=county, township=township)
    enterprise = EnterpriseFactory(county=county, township=township)
    case = a_case(county, reviewer)
    report = ReportFactory(officer=officer, enterprise=enterprise, workers_involved=5)
    summary = summaries.summary_build(county=county, month=(TODAY.replace(day=1) - timedelta(days=1)).replace(day=1))
    case_form = {
        "registered_on": TODAY.isoformat(),
        "enterprise": enterprise.pk,
        "dispute_type": "wage_arrears",
        "workers_involved": "4",
    }
    return {
        "report": ("reports.Report", officer.user, reverse("reports:create"), {
            "title": "欠薪", "urgency": "general", "category": "wage_arrears", "content": "内容",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "submit": "1",
        }),
        "case": ("disputes.DisputeCase", reviewer, reverse("disputes:create"), case_form),
        "case from a report": (
            "disputes.DisputeCase", reviewer, reverse("disputes:from_report", args=[report.pk]), case_form
        ),
        "follow-up": ("disputes.FollowUp", reviewer, reverse("disputes:follow_up", args=[case.pk]), {
            "happened_on": TODAY.isoformat(), "action": "电话联系企业",
        }),
        "amount": ("disputes.Outcome", reviewer, reverse("disputes:outcome", args=[case.pk]), {
            "kind": "wages", "amount": "1000", "received_on": TODAY.isoformat(),
        }),
        "papers": ("disputes.CaseAttachment", reviewer, reverse("disputes:attach", args=[case.pk]), {"files": png}),
        "officer": ("officers.Officer", admin, reverse("officers:create"), {
            "name": "新信息员", "phone": "13815119999", "gender": "F", "county": county.pk,
            "category": "mediator", "status": "active", "appointed_on": "2024-03-01",
        }),
        "vetting note": ("officers.VettingNote", reviewer, reverse("officers:note_create", args=[officer.pk]), {
            "kind": "talk", "happened_on": TODAY.isoformat(), "content": "谈话",
        }),
        "guidance": ("officers.Guidance", reviewer, reverse("officers:guidance_create", args=[officer.pk]), {
            "given_on": TODAY.isoformat(), "problem": "问题", "suggestions": "建议",
        }),
        "commendation": (
            "officers.Commendation", admin, reverse("officers:commendation_create", args=[officer.pk]), {
                "level": "county", "reason": "表彰", "awarded_on": TODAY.isoformat(),
            }),
        "activity": ("officers.Activity", reviewer, reverse("officers:activities"), {
            "kind": "exchange", "held_on": TODAY.isoformat(), "topic": "交流", "place": "会议室",
            "organiser": "县总工会",
        }),
        "summary action": ("overview.SummaryAction", reviewer, reverse("overview:summary_action", args=[summary.pk]), {
            "description": "回访", "owner": reviewer.pk, "due_on": (TODAY + timedelta(days=7)).isoformat(),
        }),
    }  # fmt: skip


FORMS = [
    "report",
    "case",
    "case from a report",
    "follow-up",
    "amount",
    "papers",
    "officer",
    "vetting note",
    "guidance",
    "commendation",
    "activity",
    "summary action",
]


def fill(form, key):
    return {k: (v() if callable(v) else v) for k, v in form.items()} | {"submission_key": key}


@pytest.mark.parametrize("name", FORMS)
def test_the_same_render_sent_twice_creates_once(client, county, name):
    label, user, url, form = world_forms(county)[name]
    model = apps.get_model(label)
    before = model.objects.count()
    client.force_login(user)
    key = str(uuid.uuid4())
    first = client.post(url, fill(form, key))
    assert first.status_code == 302, getattr(first, "context", None) and first.context.get("form")
    assert model.objects.count() == before + 1
    again = client.post(url, fill(form, key), follow=True)
    assert again.redirect_chain[0] == (first["Location"], 302)
    assert REPEATED_MESSAGE in again.content.decode()
    assert model.objects.count() == before + 1


@pytest.mark.parametrize("name", ["case", "follow-up", "officer", "summary action"])
def test_a_key_used_by_another_account_is_refused(client, county, name):
    label, user, url, form = world_forms(county)[name]
    model = apps.get_model(label)
    key = str(uuid.uuid4())
    client.force_login(user)
    client.post(url, fill(form, key))
    count = model.objects.count()
    client.force_login(AdminFactory(county=county))
    # A form that is otherwise valid (a new officer's phone is new), so only the key refuses it.
    response = client.post(url, fill(form, key) | ({"phone": "13815118888"} if "phone" in form else {}))
    assert response.status_code in (200, 400)
    assert NOT_YOURS_MESSAGE in response.content.decode()
    assert model.objects.count() == count
