"""An officer's page: the registry entry with the officer's reports and stipends month by month."""

from django.views.generic import TemplateView

from officers.forms import VettingNoteForm
from officers.permissions import StaffRequiredMixin
from officers.views import OfficerScopedMixin

from .. import selectors


class OfficerDetailView(StaffRequiredMixin, OfficerScopedMixin, TemplateView):
    template_name = "reports/officer_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["officer"] = self.get_officer()
        context["note_form"] = VettingNoteForm()
        context["record"] = selectors.officer_record(officer=context["officer"])
        return context
