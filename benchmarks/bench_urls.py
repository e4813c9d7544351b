"""URLconf of the benchmarks: the portal's URLs plus two baselines that go through the same middleware.

- ``bench/post/`` (submit.py): the baseline of report submission, a POST with the same login and officer
  check as ``reports:create`` (OfficerRequiredMixin, CSRF included), that does nothing and answers 204;
- ``bench/page/`` (load.py): the floor of every signed-in page, the portal's layout (navigation, the
  bell's unread count) with nothing in it, for a signed-in user.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.urls import include, path
from django.views import View
from django.views.generic import TemplateView

from officers.permissions import OfficerRequiredMixin


class BarePostView(OfficerRequiredMixin, View):
    # Not csrf_exempt: CsrfViewMiddleware checks the token here exactly as it does for the report form.
    def post(self, request):
        return HttpResponse(status=204)


class BarePageView(LoginRequiredMixin, TemplateView):
    template_name = "base.html"


urlpatterns = [
    path("bench/post/", BarePostView.as_view(), name="bench_post"),
    path("bench/page/", BarePageView.as_view(), name="bench_page"),
    path("", include("unionportal.urls")),
]

handler403 = "unionportal.core.views.permission_denied"
handler404 = "unionportal.core.views.page_not_found"
handler500 = "unionportal.core.views.server_error"
