"""Reads of the reporting system, one module per concern: always through ``visible_to``, with a fixed
number of queries. ``from reports import selectors`` still reaches every one."""

from ..choices import COUNTED_STATUSES
from .forwarding import (
    counties_below,
    forward_figures,
    instructions_received,
    item_attachments,
    item_chain,
    item_for_view,
    report_forwards,
    unit_queue,
)
from .forwarding import pending_count as forwarded_pending_count
from .officer_record import officer_record
from .reports import (
    OPEN_EMERGENCIES_SHOWN,
    attachment_count,
    month_progress,
    my_reports,
    open_emergencies,
    pending_review_count,
    report_for_view,
    report_totals,
    review_queue,
)
from .stipends import (
    SheetLine,
    SheetSummary,
    Terms,
    budget_overview,
    county_for_admin,
    pending_in_month,
    reports_in_month,
    sheet_lines,
    sheet_month_problem,
    sheet_summary,
    snapshot_lines,
    stipend_lines,
    stipend_terms,
)

__all__ = [
    "COUNTED_STATUSES",
    "OPEN_EMERGENCIES_SHOWN",
    "SheetLine",
    "SheetSummary",
    "Terms",
    "attachment_count",
    "budget_overview",
    "counties_below",
    "county_for_admin",
    "forward_figures",
    "forwarded_pending_count",
    "instructions_received",
    "item_attachments",
    "item_chain",
    "item_for_view",
    "month_progress",
    "my_reports",
    "officer_record",
    "open_emergencies",
    "pending_in_month",
    "pending_review_count",
    "report_for_view",
    "report_forwards",
    "report_totals",
    "reports_in_month",
    "review_queue",
    "sheet_lines",
    "sheet_month_problem",
    "sheet_summary",
    "snapshot_lines",
    "stipend_lines",
    "stipend_terms",
    "unit_queue",
]
