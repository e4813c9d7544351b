"""Reads of the reporting system, one module per concern: always through ``visible_to``, with a fixed
number of queries. ``from reports import selectors`` still reaches every one."""

from ..choices import COUNTED_STATUSES
from .commissions import commission_counts, commission_detail, commission_list, my_commissions, open_commissions
from .officer_record import officer_record
from .points import county_points, grouped_points, instruction_counts, missed_followup_counts, officer_points
from .ranking import contract_figures, counties_ranked, ranking_figures, reporting_figures
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
    "commission_counts",
    "commission_detail",
    "commission_list",
    "contract_figures",
    "counties_ranked",
    "county_points",
    "grouped_points",
    "instruction_counts",
    "missed_followup_counts",
    "my_commissions",
    "officer_points",
    "open_commissions",
    "ranking_figures",
    "reporting_figures",
    "budget_overview",
    "county_for_admin",
    "month_progress",
    "my_reports",
    "officer_record",
    "open_emergencies",
    "pending_in_month",
    "pending_review_count",
    "report_for_view",
    "report_totals",
    "reports_in_month",
    "review_queue",
    "sheet_lines",
    "sheet_month_problem",
    "sheet_summary",
    "snapshot_lines",
    "stipend_lines",
    "stipend_terms",
]
