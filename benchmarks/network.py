"""The province's events, supervision items, a bulletin and a ranking notice (issues 15–17), for the
pages of load.py that show them. Loaded on top of province.py's data, with COPY, once.

Every county gets EVENTS events (one in three still open; each with its 初报, two 续报 and, when
closed, its 终报) and ITEMS supervision items on its reports (two in three open, their due times
spread so every colour shows); the county of load.py (330100) also gets a signed bulletin issue of
eight items and the published ranking notice of October 2026."""

import time
from datetime import date, datetime, timedelta

from province import BJ, copy

EVENTS, ITEMS, COUNTY = 60, 150, "330100"


def load_network():
    """Idempotent, and all or nothing (a failure leaves the province as it was)."""
    from django.db import connection, transaction

    with transaction.atomic():
        _load()
    with connection.cursor() as cursor:
        # The steady state autovacuum leaves (statistics, and the visibility map that lets a count
        # be an index-only scan): a province just loaded by COPY has no visibility map yet, and its
        # first run measured the review queue's count at 2.3 ms instead of 0.5. Quick once done.
        cursor.execute("VACUUM (ANALYZE)")


def _load():

    from officers.models import County
    from officers.services import staff_upsert
    from reports.models import Event, Report

    if Event.objects.filter(county__code=COUNTY).exists():
        return
    started = time.perf_counter()
    staff, _ = staff_upsert(
        phone="13911110009", name="压测上报", county_code=COUNTY, role="reviewer", password="Load#test2026"
    )
    now = datetime.now(tz=BJ)
    counties = list(County.objects.filter(code__startswith="33").values_list("pk", flat=True))
    emergencies, plain = {}, {}
    for county_id in counties:
        rows = Report.objects.filter(county_id=county_id).order_by("-pk")
        emergencies[county_id] = list(
            rows.filter(urgency="emergency").values_list(
                "pk", "officer_id", "township_id", "occurred_at", "submitted_at", "title"
            )[:EVENTS]
        )
        plain[county_id] = list(rows.filter(urgency="general").values_list("pk", "title")[:ITEMS])

    def events():
        for county_id in counties:
            for n, (_, officer, township, occurred, submitted, title) in enumerate(emergencies[county_id]):
                open_ = n % 3 == 0
                yield [
                    str(county_id), str(officer), title[:100], str(township) if township else "\\N", "某企业",
                    occurred.isoformat(), submitted.isoformat(), "open" if open_ else "closed",
                    (now + timedelta(days=1)).isoformat() if open_ else "\\N", "2",
                    "\\N" if open_ else (submitted + timedelta(days=3)).isoformat(),
                    "" if open_ else "已妥善处置", submitted.isoformat(),
                ]  # fmt: skip

    copy(
        "reports_event",
        ("county_id", "officer_id", "title", "township_id", "enterprise_name", "occurred_at", "opened_at", "state",
         "next_due_at", "followup_count", "closed_at", "outcome", "created_at"),
        events(),
    )  # fmt: skip
    opened = {
        (county_id, officer, opened_at): pk
        for pk, county_id, officer, opened_at in Event.objects.filter(county_id__in=counties).values_list(
            "pk", "county_id", "officer_id", "opened_at"
        )
    }

    def entries():
        for county_id in counties:
            for n, (report, officer, _, _, submitted, _) in enumerate(emergencies[county_id]):
                event = opened[(county_id, officer, submitted)]
                yield [str(event), "initial", "0", str(report), str(officer), submitted.isoformat(), "\\N", "\\N",
                       "", "", submitted.isoformat()]  # fmt: skip
                for k in (1, 2):
                    at = submitted + timedelta(days=k)
                    yield [str(event), "followup", str(k), "\\N", str(officer), at.isoformat(), at.isoformat(),
                           "t", f"第{k}次续报：事态平稳", "", at.isoformat()]  # fmt: skip
                if n % 3:  # closed: its 终报
                    at = (submitted + timedelta(days=3)).isoformat()
                    yield [str(event), "final", "0", "\\N", str(officer), at, "\\N", "\\N", "", "已妥善处置", at]

    copy(
        "reports_evententry",
        ("event_id", "kind", "number", "report_id", "officer_id", "reported_at", "due_at", "on_time", "situation",
         "outcome", "created_at"),
        entries(),
    )  # fmt: skip
    colours = [("none", 10), ("blue", 1), ("yellow", -0.5), ("red", -3)]  # colour, days left until due

    def items():
        for county_id in counties:
            for n, (report, title) in enumerate(plain[county_id]):
                colour, days = colours[n % len(colours)]
                closed = n % 3 == 2
                due = now + timedelta(days=days)
                yield [
                    str(county_id), "risk", str(report), f"risk:report:{report}", f"风险处置：{title}"[:200],
                    str(staff.pk), (due - timedelta(days=15)).isoformat(), due.isoformat(),
                    "closed" if closed else "open", "none" if closed else colour,
                    (due - timedelta(days=1)).isoformat() if closed else "\\N", "已办结" if closed else "",
                ]  # fmt: skip

    copy(
        "reports_supervisionitem",
        ("county_id", "kind", "report_id", "cause_key", "title", "owner_id", "opened_at", "due_at", "state",
         "colour", "closed_at", "close_note"),
        items(),
    )  # fmt: skip
    bulletin_and_notice(staff=staff, county=County.objects.get(code=COUNTY))
    print(f"network: {EVENTS * len(counties)} events, {ITEMS * len(counties)} supervision items, "
          f"a bulletin and a notice in {time.perf_counter() - started:.0f}s")  # fmt: skip


def bulletin_and_notice(*, staff, county):
    """A signed issue of the county's bulletin with eight qualified reports, and the published ranking
    notice of October 2026, through the services."""
    from unittest import mock

    from officers.models import Officer
    from officers.services import officer_save, staff_upsert
    from reports.models import Report
    from reports.services import issue_create, issue_sign, issue_update, item_add, publication_create
    from unionportal.overview import notices

    admin, _ = staff_upsert(
        phone="13911110002", name="压测管理", county_code=county.code, role="admin", password="Load#test2026"
    )
    publication = publication_create(actor=admin, name="工作信息")
    issue = issue_create(publication=publication, actor=staff)
    qualified = Report.objects.filter(county=county, grade="qualified", status="reviewed").order_by("-pk")[:8]
    for report in qualified:
        officer = Officer.objects.get(pk=report.officer_id)
        if officer.user_id is None:
            officer_save(officer=officer)  # an account, to be told of the adoption
        item_add(issue=issue, actor=staff, report_id=report.pk)
    issue_update(issue=issue, actor=staff, signer="压测主席", compiler="压测审核")
    issue_sign(issue=issue, actor=staff)
    with mock.patch("unionportal.core.outbox.enqueue"):  # nobody to tell: no worker runs in the benchmark
        notices.notice_publish(notice=notices.notice_build(county=county, month=date(2026, 10, 1)), actor=admin)


CASE_MARK = "压测：有记录的案件"


def case_with_records():
    """The dispute case of load.py: one being worked on (who registered it handles it, a report linked,
    three follow-ups, a payment received), made through the services once. The province's ledger cases
    have none of those, so their page skips every list (1 query): not the page a mediator opens."""
    from decimal import Decimal

    from django.utils import timezone

    from disputes import services
    from disputes.models import DisputeCase
    from officers.models import County, User
    from reports.models import Report

    county = County.objects.get(code=COUNTY)
    case = DisputeCase.objects.filter(county=county, description=CASE_MARK).first()
    if case is not None:
        return case
    reviewer = User.objects.get(username="13911110001")
    report = Report.objects.filter(county=county).order_by("-pk").first()
    case = services.case_register(
        county=county, actor=reviewer, dispute_type="other", workers_involved=5, enterprise_name="压测某厂",
        description=CASE_MARK, amount_claimed=Decimal("50000"),
    )  # fmt: skip
    services.case_link_report(case=case, report=report, actor=reviewer)
    for n in range(3):
        services.follow_up_add(case=case, actor=reviewer, action=f"第{n + 1}次跟进")
    services.outcome_add(
        case=case, actor=reviewer, kind="wages", amount=Decimal("10000"), received_on=timezone.localdate()
    )
    return case
