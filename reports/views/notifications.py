"""The bell's list."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import ListView

from unionportal.core.list_views import ForgivingPaginationMixin
from unionportal.core.notifications import notifications, notifications_mark_read


class NotificationListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    template_name = "reports/notifications.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return notifications(user=self.request.user)

    def post(self, request):
        notifications_mark_read(user=request.user)
        messages.success(request, "已全部标记为已读")
        return redirect(reverse("reports:notifications"))
