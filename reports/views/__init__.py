"""The reporting system's pages, one module per concern."""

from .bulletins import (
    IssueDetailView,
    IssueDocxView,
    IssueInstructionView,
    IssueSignView,
    IssueUpdateView,
    ItemAddView,
    ItemRemoveView,
    ItemUpdateView,
    PublicationDetailView,
    PublicationListView,
)
from .instructions import (
    AdoptionReceiptView,
    FollowUpFeedbackView,
    InstructionDetailView,
    InstructionListView,
    InstructionScanView,
    ReceiptCreateView,
    ReportInstructionView,
)
from .my_info import MyInfoExportView, MyInfoView
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
from .supervision import (
    ExtensionDecideView,
    ReportRiskView,
    SupervisionCloseView,
    SupervisionDetailView,
    SupervisionExtendView,
    SupervisionListView,
    SupervisionRespondView,
)

__all__ = [
    "AdoptionReceiptView",
    "FollowUpFeedbackView",
    "InstructionDetailView",
    "InstructionListView",
    "InstructionScanView",
    "IssueDetailView",
    "IssueDocxView",
    "IssueSignView",
    "IssueUpdateView",
    "ItemAddView",
    "IssueInstructionView",
    "ItemRemoveView",
    "ItemUpdateView",
    "PublicationDetailView",
    "PublicationListView",
    "ReceiptCreateView",
    "ReportInstructionView",
    "ExtensionDecideView",
    "ReportRiskView",
    "SupervisionCloseView",
    "SupervisionDetailView",
    "SupervisionExtendView",
    "SupervisionListView",
    "SupervisionRespondView",
    "MyInfoExportView",
    "MyInfoView",
    "XLSX_TYPE",
    "AttachmentDownloadView",
    "BudgetView",
    "MyReportsView",
    "NotificationListView",
    "OfficerDetailView",
    "ReportCreateView",
    "ReportDeleteDraftView",
    "ReportDetailView",
    "ReportEditView",
    "ReportGradeView",
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
