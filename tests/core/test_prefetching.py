"""core.prefetching: lists read only where the object's flags say they have rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import Report, ReportAttachment, ReviewEvent
from tests.factories import ReportFactory
from unionportal.core.prefetching import filled_flags, is_filled, prefetch_filled

pytestmark = pytest.mark.django_db

LISTS = {"attachments": (ReportAttachment, "report_id"), "review_events": (ReviewEvent, "report_id")}


def test_flags_say_which_lists_have_rows_and_only_those_are_read():
    report = ReportFactory()
    ReportAttachment.objects.create(
        report=report, file="x.png", original_name="现场.png", content_type="image/png", kind="image", size=1
    )
    flagged = Report.objects.annotate(**filled_flags(Report, **LISTS)).get(pk=report.pk)
    assert (flagged.has_attachments, flagged.has_review_events) == (True, False)
    with CaptureQueriesContext(connection) as prefetched:
        prefetch_filled(flagged, {name: name for name in LISTS})
    with CaptureQueriesContext(connection) as read:
        rows = [a.original_name for a in flagged.attachments.all()], list(flagged.review_events.all())
    assert rows == (["现场.png"], [])
    assert (len(prefetched), len(read)) == (1, 0)


def test_an_object_read_without_flags_has_every_list_read():
    report = Report.objects.get(pk=ReportFactory().pk)
    assert is_filled(report, "attachments")
    with CaptureQueriesContext(connection) as prefetched:
        prefetch_filled(report, {name: name for name in LISTS})
    assert len(prefetched) == 2
    with CaptureQueriesContext(connection) as read:
        assert (list(report.attachments.all()), list(report.review_events.all())) == ([], [])
    assert len(read) == 0
