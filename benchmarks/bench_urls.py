"""URLconf of the benchmarks: the portal's URLs plus baselines that go through the same middleware.

- ``bench/post/`` (submit.py): the baseline of report submission, a POST with the same login and officer
  check as ``reports:create`` (OfficerRequiredMixin, CSRF included), that does nothing and answers 204;
- ``bench/page/`` (load.py): the floor of every signed-in page, the portal's layout (navigation, the
  bell's unread count) with nothing in it, for a signed-in user;
- ``bench/list/`` and ``bench/list-sql/`` (load.py, issue 21's eleventh pass): the least a list page
  can cost, for the review queue's first page (its count and twenty rows under the one scoping rule,
  in the layout, no filter form). ``bench/list/`` builds the list with the ORM as any page does;
  ``bench/list-sql/`` runs the same two queries' SQL, compiled once per user and process, and
  writes the same rows (the queue's row tag) from tuples: what no Django queryset can undercut,
  the bound of a layer of raw SQL;
- ``bench/list-prepared/`` (issue 21's twelfth pass): the same, with both statements also prepared on
  the server once per connection (``PREPARE`` with the first ``EXECUTE``, then ``EXECUTE`` alone), so
  PostgreSQL does not plan them again: the bound of a layer of prepared statements.
"""

import hashlib
import re
from datetime import datetime
from types import SimpleNamespace
from typing import NamedTuple

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import include, path
from django.views import View
from django.views.generic import TemplateView

from officers.permissions import OfficerRequiredMixin, StaffRequiredMixin
from reports import selectors
from reports.choices import Status
from reports.templatetags.report_tags import review_rows


class BarePostView(OfficerRequiredMixin, View):
    # Not csrf_exempt: CsrfViewMiddleware checks the token here exactly as it does for the report form.
    def post(self, request):
        return HttpResponse(status=204)


class BarePageView(LoginRequiredMixin, TemplateView):
    template_name = "base.html"


PAGE_SIZE = 20  # the review queue's (core.list_views)
LIST = engines["django"].from_string(
    '{% extends "base.html" %}{% load report_tags %}{% block content %}'
    '<h1 class="h4 mb-2">信息审核</h1><p class="small text-muted">共 {{ count }} 条</p>'
    '<div class="list-group mb-3">{% review_rows reports %}</div>{% endblock %}'
)
SQL_LIST = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}'
    '<h1 class="h4 mb-2">信息审核</h1><p class="small text-muted">共 {{ count }} 条</p>'
    '<div class="list-group mb-3">{{ rows }}</div>{% endblock %}'
)
# The columns review_rows shows (reports.selectors.QUEUE_ROW_FIELDS and the attachment count).
ROW_COLUMNS = (
    *("pk", "title", "category", "grade", "submitted_at", "status", "urgency", "on_time", "merged_at"),
    *("officer__name", "township_id", "township__name", "attachment_count"),
)
STATUS = dict(Status.choices)


class Row(NamedTuple):
    """A row of the SQL as review_rows reads a report: the same markup from a tuple."""

    pk: int
    title: str
    category: str
    grade: str
    submitted_at: datetime
    status: str
    urgency: str
    on_time: bool | None
    merged_at: datetime | None
    officer_name: str
    township_id: int | None
    township_name: str | None
    attachment_count: int

    @property
    def officer(self):
        return SimpleNamespace(name=self.officer_name)

    @property
    def township(self):
        return SimpleNamespace(name=self.township_name)

    def get_status_display(self):
        return STATUS.get(self.status, self.status)


def waiting(user):
    """The review queue's first page as it opens (待审核), under the one scoping rule."""
    return selectors.review_queue(user=user).filter(status=Status.SUBMITTED)


class BareListView(StaffRequiredMixin, View):
    def get(self, request):
        reports = waiting(request.user)
        context = {"count": reports.count(), "reports": reports[:PAGE_SIZE]}
        return TemplateResponse(request, LIST, context)


# (user id, role, county id) → (count SQL, its parameters, list SQL, its parameters): what the scoping
# rule's SQL depends on is in the key, so a role or unit changed is compiled again.
_compiled: dict[tuple, tuple] = {}


def compiled(user) -> tuple:
    key = (user.pk, user.role, user.county_id)
    if key not in _compiled:
        reports = waiting(user)
        count_sql, count_params = reports.values("pk").order_by().query.get_compiler(using="default").as_sql()
        rows = reports.values_list(*ROW_COLUMNS)[:PAGE_SIZE].query.get_compiler(using="default").as_sql()
        _compiled[key] = (f"SELECT COUNT(*) FROM ({count_sql}) counted", count_params, *rows)
    return _compiled[key]


def numbered(sql: str) -> str:
    """Django's SQL with its ``%s`` placeholders as PostgreSQL's ``$1``, ``$2``…, for ``PREPARE``; a
    literal ``%`` stays ``%%`` (the driver reads the text with the ``EXECUTE``'s parameters)."""
    n = 0

    def placeholder(match):
        nonlocal n
        if match.group() == "%%":
            return "%%"
        n += 1
        return f"${n}"

    return re.sub(r"%%|%s", placeholder, sql)


# The statements prepared on a driver connection, by name, remembered against that connection: a new
# one (after a reconnection) prepares them again. A statement is named after its SQL text, so a name
# always means the same statement (the scope's values are its parameters); PostgreSQL keeps prepared
# statements for the session, whatever becomes of the transaction they were prepared in.
_prepared: dict[str, object] = {}


def run_prepared(cursor, sql: str, params) -> None:
    """Run ``sql`` as a statement prepared on ``cursor``'s connection, preparing it with the first run
    there."""
    name = "bench_" + hashlib.sha256(sql.encode()).hexdigest()[:20]
    args = ", ".join(["%s"] * len(params))
    execute = f"EXECUTE {name}({args})" if params else f"EXECUTE {name}"
    if _prepared.get(name) is not connection.connection:
        cursor.execute(f"PREPARE {name} AS {numbered(sql)}; {execute}", params)
        _prepared[name] = connection.connection
    else:
        cursor.execute(execute, params)


class BareSqlListView(StaffRequiredMixin, View):
    """The least list from the SQL compiled once (``compiled``); ``prepared``: run as statements
    prepared on the server once per connection (``run_prepared``)."""

    prepared = False

    def get(self, request):
        count_sql, count_params, list_sql, list_params = compiled(request.user)
        with connection.cursor() as cursor:
            run = (lambda sql, params: run_prepared(cursor, sql, params)) if self.prepared else cursor.execute
            run(count_sql, count_params)
            (count,) = cursor.fetchone()
            run(list_sql, list_params)
            found = cursor.fetchall()
        rows = review_rows([Row(*found_row) for found_row in found])
        return TemplateResponse(request, SQL_LIST, {"count": count, "rows": rows})


urlpatterns = [
    path("bench/post/", BarePostView.as_view(), name="bench_post"),
    path("bench/page/", BarePageView.as_view(), name="bench_page"),
    path("bench/list/", BareListView.as_view(), name="bench_list"),
    path("bench/list-sql/", BareSqlListView.as_view(), name="bench_list_sql"),
    path("bench/list-prepared/", BareSqlListView.as_view(prepared=True), name="bench_list_prepared"),
    path("", include("unionportal.urls")),
]

handler403 = "unionportal.core.views.permission_denied"
handler404 = "unionportal.core.views.page_not_found"
handler500 = "unionportal.core.views.server_error"
