"""Reads of commissions (约稿): staff's list with its counts, one commission with each recipient's
state, an officer's own commissions. Scoped through ``visible_to``; counts in the database."""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from officers.selectors import with_names

from .. import rules
from ..models import COUNTED_STATUSES, Commission, CommissionRecipient, Report


def _answered_by_report():
    return Exists(
        Report.objects.filter(
            commission_id=OuterRef("commission_id"), officer_id=OuterRef("officer_id"), status__in=COUNTED_STATUSES
        )
    )


def commission_list(*, user):
    """The commissions ``user`` may see, latest due first, with recipients, answers (a report or
    无相关情况) and the recipients still without an answer: one query (a grouped subquery per count)."""
    answered = Report.objects.filter(
        commission_id=OuterRef("pk"), officer_id=OuterRef("recipients__officer_id"), status__in=COUNTED_STATUSES
    )
    return (
        Commission.objects.visible_to(user)
        .select_related("county", "township", "region")
        .annotate(
            recipient_count=Count("recipients", distinct=True),
            nothing_count=Count("recipients", filter=Q(recipients__nothing_at__isnull=False), distinct=True),
            report_count=Count("recipients", filter=Q(Exists(answered)), distinct=True),
            waiting_count=Count(
                "recipients", filter=Q(recipients__nothing_at__isnull=True) & ~Q(Exists(answered)), distinct=True
            ),
        )
        .order_by("-due_on", "-id")
    )


def commission_detail(*, user, pk) -> Commission:
    """One commission with its recipients (each with ``answered`` and their answering reports);
    Commission.DoesNotExist when ``user`` may not see it."""
    reports = Report.objects.filter(commission_id=pk, status__in=COUNTED_STATUSES).order_by("submitted_at", "pk")
    commission = (
        with_names(Commission.objects.visible_to(user), "created_by")
        .select_related("county", "township", "region")
        .prefetch_related(
            Prefetch(
                "recipients",
                queryset=CommissionRecipient.objects.select_related("officer", "officer__township").annotate(
                    answered=_answered_by_report()
                ),
            ),
            Prefetch("answers", queryset=reports.select_related("officer"), to_attr="answer_list"),
        )
        .get(pk=pk)
    )
    today = timezone.localdate()
    by_officer: dict = {}
    for report in commission.answer_list:
        by_officer.setdefault(report.officer_id, []).append(report)
    for recipient in commission.recipients.all():
        recipient.state = rules.recipient_state(
            answered_by_report=recipient.answered,
            nothing=recipient.nothing_at is not None,
            due_on=commission.due_on,
            today=today,
        )
        recipient.state_label = rules.RECIPIENT_STATES[recipient.state]
        recipient.reports = by_officer.get(recipient.officer_id, [])
    return commission


def commission_counts(commission) -> dict:
    """Counts by state of a commission loaded by ``commission_detail`` (no query)."""
    counts = dict.fromkeys(rules.RECIPIENT_STATES, 0)
    for recipient in commission.recipients.all():
        counts[recipient.state] += 1
    return counts


def my_commissions(*, officer):
    """An officer's commissions, latest due first, each with its state for them."""
    rows = list(
        CommissionRecipient.objects.filter(officer=officer)
        .select_related("commission", "commission__county", "commission__region")
        .annotate(answered=_answered_by_report())
        .order_by("-commission__due_on", "-commission_id")
    )
    today = timezone.localdate()
    for row in rows:
        row.state = rules.recipient_state(
            answered_by_report=row.answered,
            nothing=row.nothing_at is not None,
            due_on=row.commission.due_on,
            today=today,
        )
        row.state_label = rules.RECIPIENT_STATES[row.state]
    return rows


OPEN_AFTER_DUE = timedelta(days=30)


def open_commissions(*, officer, today=None):
    """The commissions a report of this officer may answer: sent to them, not answered with
    无相关情况, due no more than a month ago (a late answer is still an answer; a second report to
    the same commission is welcome)."""
    today = today or timezone.localdate()
    return Commission.objects.filter(
        recipients__officer=officer, recipients__nothing_at__isnull=True, due_on__gte=today - OPEN_AFTER_DUE
    ).order_by("due_on", "pk")
