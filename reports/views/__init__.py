"""The reporting system's pages, one module per concern."""

from .commissions import (
    CommissionCreateView,
    CommissionDetailView,
    CommissionListView,
    CommissionNothingView,
    MyCommissionsView,
)
from .events import (
    EventDetailView,
    EventEntryConfirmView,
    EventEntryCreateView,
    EventFinalCreateView,
    EventListView,
    ReportMergeView,
)
from .forwarding import (
    ForwardAdoptView,
    ForwardedAttachmentView,
    ForwardedItemDetailView,
    ForwardOnView,
    ForwardQueueView,
    ForwardRefuseView,
    OfficerRevealView,
    ReportForwardView,
)
from .my_info import MyInfoExportView, MyInfoView
from .notifications import NotificationListView
from .officer_record import OfficerDetailView
from .offline import ReportOfflineShellView, ReportOutboxView
from .points import MyPointsView, PointsTableView
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
    "ForwardAdoptView",
    "ForwardOnView",
    "ForwardQueueView",
    "ForwardRefuseView",
    "ForwardedAttachmentView",
    "ForwardedItemDetailView",
    "CommissionCreateView",
    "CommissionDetailView",
    "CommissionListView",
    "CommissionNothingView",
    "MyCommissionsView",
    "MyPointsView",
    "PointsTableView",
    "EventDetailView",
    "EventEntryConfirmView",
    "EventEntryCreateView",
    "EventFinalCreateView",
    "EventListView",
    "MyReportsView",
    "NotificationListView",
    "OfficerDetailView",
    "OfficerRevealView",
    "ReportCreateView",
    "ReportDeleteDraftView",
    "ReportDetailView",
    "ReportEditView",
    "ReportForwardView",
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
