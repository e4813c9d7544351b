"""reports/services/submission.py, issue 14: an emergency's place, the content limit, deleting a draft."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reports import services
from reports.models import Report, ReportAttachment
from reports.rules import CONTENT_MAX_LENGTH, EMERGENCY_PLACE_MESSAGE
from tests.factories import EMERGENCY_ESSENTIALS, ReportFactory, TownshipFactory, image_bytes

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.django_db


def data(**overrides):
    return {
        "title": "某厂职工聚集",
        "content": "约四十名职工聚集在厂门口。",
        "category": "mass_incident",
        "urgency": "emergency",
        "occurred_at": NOW - timedelta(minutes=5),
        **EMERGENCY_ESSENTIALS,
    } | overrides


class TestEmergencyPlace:
    def test_submitting_an_emergency_without_its_township_is_refused(self, officer):
        with pytest.raises(ValidationError) as exc:
            services.report_save(officer=officer, data=data(), submit=True, now=NOW)
        assert exc.value.message_dict == {"township": [EMERGENCY_PLACE_MESSAGE]}
        assert Report.objects.count() == 0

    def test_the_chosen_township_is_kept_not_the_officers(self, officer, county):
        elsewhere = TownshipFactory(county=county, name="八巨镇")
        report = services.report_save(officer=officer, data=data(township=elsewhere), submit=True, now=NOW)
        assert report.township.name == "八巨镇" and officer.township.name == "东坎街道"

    def test_a_draft_may_wait_but_its_submission_may_not(self, officer):
        draft = services.report_save(officer=officer, data=data(), submit=False, now=NOW)
        with pytest.raises(ValidationError):
            services.report_save(officer=officer, report=draft, data={}, submit=True, now=NOW)
        draft.refresh_from_db()
        assert draft.status == "draft"


class TestContentLimit:
    def test_the_model_refuses_content_over_the_limit(self, officer):
        with pytest.raises(ValidationError) as exc:
            services.report_save(
                officer=officer, data=data(urgency="general", content="字" * (CONTENT_MAX_LENGTH + 1)), submit=False
            )
        assert exc.value.message_dict["content"] == [
            "内容不能超过 5000 字（现有 5001 字），较长的材料请作为附件上传"
        ]
        assert Report.objects.count() == 0


class TestDeleteDraft:
    def test_a_draft_and_its_files_go(self, officer, django_capture_on_commit_callbacks):
        upload = SimpleUploadedFile("现场.png", image_bytes(), content_type="image/png")
        draft = services.report_save(officer=officer, data={"title": "草稿"}, files=[upload], submit=False)
        stored = ReportAttachment.objects.get().file
        storage, name = stored.storage, stored.name
        assert storage.exists(name)
        with django_capture_on_commit_callbacks(execute=True):
            services.report_delete_draft(report=draft, officer=officer)
        assert (Report.objects.count(), ReportAttachment.objects.count()) == (0, 0)
        assert not storage.exists(name)

    @pytest.mark.parametrize("status", ["submitted", "returned", "withdrawn", "reviewed"])
    def test_only_a_draft_is_deleted(self, officer, status):
        report = ReportFactory(officer=officer, status=status)
        with pytest.raises(ValidationError) as exc:
            services.report_delete_draft(report=report, officer=officer)
        assert exc.value.messages == ["只有草稿可以删除；已报送的信息可以撤回"]
        assert Report.objects.filter(pk=report.pk).exists()

    def test_only_its_author_deletes_it(self, officer, other_officer):
        draft = services.report_save(officer=officer, data={"title": "草稿"}, submit=False)
        with pytest.raises(Report.DoesNotExist):
            services.report_delete_draft(report=draft, officer=other_officer)
        assert Report.objects.filter(pk=draft.pk).exists()
