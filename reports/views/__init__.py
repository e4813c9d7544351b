"""The reporting system's pages, one module per concern."""

from .events import (
    EventDetailView,
    EventEntryConfirmView,
    EventEntryCreateView,
    EventFinalCreateView,
    EventListView,
    ReportMergeView,
)
from .notifications import NotificationListView
from .officer_record import OfficerDetailView
from .offline import ReportOfflineShellView, ReportOutboxView
from .reports import (
    XLSX_TYPE,
    AttachmentDownloadView,
    MyReportsView,
    ReportCreateView,
    ReportDeleteDraftView,
    ReportDetailView,
    ReportEditView,
    ReportWithdrawView,
)
from .review import ReportGradeView, ReportReturnView, ReviewQueueView
from .stipends import BudgetView, SheetApproveView, SheetExportView, SheetReopenView, StipendSheetView

__all__ = [
    "XLSX_TYPE",
    "AttachmentDownloadView",
    "BudgetView",
    "EventDetailView",
    "EventEntryConfirmView",
    "EventEntryCreateView",
    "EventFinalCreateView",
    "EventListView",
    "MyReportsView",
    "NotificationListView",
    "OfficerDetailView",
    "ReportCreateView",
    "ReportDeleteDraftView",
    "ReportDetailView",
    "ReportEditView",
    "ReportGradeView",
    "ReportMergeView",
    "ReportOfflineShellView",
    "ReportOutboxView",
    "ReportReturnView",
    "ReportWithdrawView",
    "ReviewQueueView",
    "SheetApproveView",
    "SheetExportView",
    "SheetReopenView",
    "StipendSheetView",
]
