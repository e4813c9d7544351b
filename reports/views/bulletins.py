"""Bulletin pages: publications, their issues, the issue editor, signing and the DOCX."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView

from officers.permissions import UnitStaffRequiredMixin
from unionportal.core.actions import DeferredFormMixin, ServiceActionView
from unionportal.core.audit import audit_record
from unionportal.core.forms import add_service_errors
from unionportal.core.models import AuditEntry

from .. import selectors, services
from ..bulletin_docx import DOCX_TYPE, bulletin_docx_bytes, bulletin_file_name
from ..bulletin_forms import EmptyForm, InstructionForm, IssueHeaderForm, ItemAddForm, ItemForm, PublicationForm
from ..models import BulletinIssue, BulletinItem, Publication

CANDIDATES_SHOWN = 50


class PublicationListView(UnitStaffRequiredMixin, TemplateView):
    """刊物: the publications the user's unit keeps and those from the units above; admins add one."""

    template_name = "reports/publication_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["publications"] = selectors.publications_for(user=user)
        context["may_create"] = user.is_portal_admin and user.unit is not None
        context["form"] = kwargs.get("form") or PublicationForm()
        return context

    def post(self, request):
        form = PublicationForm(request.POST)
        if form.is_valid():
            try:
                publication = services.publication_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已新建刊物{publication}")
                return redirect("reports:publication", pk=publication.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PublicationScopedMixin:
    def get_publication(self) -> Publication:
        publication = (
            Publication.objects.visible_to(self.request.user)
            .select_related("county", "region")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if publication is None:
            raise Http404("没有找到该刊物")
        return publication


class PublicationDetailView(UnitStaffRequiredMixin, PublicationScopedMixin, TemplateView):
    """A publication's issues (drafts only for its own unit), and 新编一期."""

    template_name = "reports/publication_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        publication = self.get_publication()
        context["publication"] = publication
        context["issues"] = selectors.issues_of(user=self.request.user, publication=publication)
        context["may_edit"] = services.may_edit_publication(user=self.request.user, publication=publication)
        return context

    def post(self, request, pk):
        publication = self.get_publication()
        try:
            issue = services.issue_create(publication=publication, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("reports:publication", pk=pk)
        messages.success(request, "已新建一期草稿，请编入信息并填写签发人")
        return redirect("reports:issue", pk=issue.pk)


class IssueScopedMixin:
    def get_issue(self) -> BulletinIssue:
        if not hasattr(self, "_issue"):
            try:
                self._issue = selectors.issue_for_view(user=self.request.user, pk=self.kwargs["pk"])
            except BulletinIssue.DoesNotExist:
                raise Http404("没有找到该期刊物") from None
        return self._issue


class IssueDetailView(UnitStaffRequiredMixin, IssueScopedMixin, TemplateView):
    """An issue: read-only once signed; a draft with its editor for the unit's own staff."""

    template_name = "reports/issue_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        issue = self.get_issue()
        user = self.request.user
        editable = not issue.is_signed and services.may_edit_publication(user=user, publication=issue.publication)
        items = list(issue.items.all())
        context.update(issue=issue, items=items, editable=editable)
        if editable:
            in_issue = {item.report_id for item in items}
            candidates = (
                services.unit_candidates(publication=issue.publication)
                .exclude(pk__in=in_issue)
                .select_related("county")
                .order_by("-submitted_at", "-pk")[:CANDIDATES_SHOWN]
            )
            context["candidates"] = candidates
            context["header_form"] = kwargs.get("header_form") or IssueHeaderForm(instance=issue)
            failed_item = kwargs.get("item_form")
            context["item_forms"] = [
                (
                    item,
                    failed_item
                    if failed_item is not None and failed_item.prefix == f"item{item.pk}"
                    else ItemForm(instance=item, prefix=f"item{item.pk}"),
                )
                for item in items
            ]
            context["add_error"] = kwargs.get("add_form") is not None and kwargs["add_form"].errors
            context["sign_form"] = kwargs.get("sign_form")
        elif issue.is_signed and user.is_portal_staff:
            # Instructions are recorded on the items of a signed issue by the unit that keeps it.
            may_record = services.may_edit_publication(user=user, publication=issue.publication)
            context["may_record_instruction"] = may_record and bool(items)
            # Folded: fetched when opened (IssueInstructionView.get), here only after a refused POST.
            context["instruction_form"] = kwargs.get("instruction_form")
        return context


def instruction_form(issue, user, data=None, files=None):
    """One form for the whole issue: the item, and an owner among the staff of the items' counties
    (and the recorder's unit): the same queries however many items the issue has."""
    counties = issue.items.values_list("report__county_id", flat=True)
    return InstructionForm(
        data,
        files,
        items=issue.items.all(),
        owners=services.owner_choices(actor=user, county_ids=list(counties)),
    )


class IssueActionView(UnitStaffRequiredMixin, IssueScopedMixin, ServiceActionView):
    detail_view = IssueDetailView

    def get_object(self):
        return self.get_issue()

    def get_success_url(self, issue):
        return reverse("reports:issue", args=[issue.pk])

    def prime_detail_view(self, view, issue):
        view._issue = selectors.issue_for_view(user=self.request.user, pk=issue.pk)


class IssueUpdateView(IssueActionView):
    form_class = IssueHeaderForm
    form_name = "header_form"
    success_message = "已保存"

    def get_form(self, issue):
        return IssueHeaderForm(
            self.request.POST, instance=BulletinIssue(publication=issue.publication, year=issue.year)
        )

    def act(self, issue, data):
        services.issue_update(issue=issue, actor=self.request.user, **data)


class ItemAddView(IssueActionView):
    form_class = ItemAddForm
    form_name = "add_form"
    success_message = "已编入本期"

    def act(self, issue, data):
        services.item_add(issue=issue, actor=self.request.user, report_id=data["report_id"])

    def refused(self, form, exc):
        form = super().refused(form, exc)
        messages.error(self.request, "；".join(exc.messages))
        return form


class IssueSignView(IssueActionView):
    form_class = EmptyForm
    form_name = "sign_form"

    def act(self, issue, data):
        signed = services.issue_sign(issue=issue, actor=self.request.user, request=self.request)
        return f"已签发：{signed}。编入的信息已记为{signed.publication.unit_body}采用。"

    def refused(self, form, exc):
        form = super().refused(form, exc)
        messages.error(self.request, "；".join(exc.messages))
        return form


class ItemScopedMixin:
    def get_item(self) -> BulletinItem:
        item = (
            BulletinItem.objects.visible_to(self.request.user)
            .select_related("issue__publication", "report")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if item is None:
            raise Http404("没有找到该条目")
        return item


class ItemActionView(UnitStaffRequiredMixin, ItemScopedMixin, ServiceActionView):
    detail_view = IssueDetailView

    def get_object(self):
        return self.get_item()

    def get_success_url(self, item):
        return reverse("reports:issue", args=[item.issue_id]) + f"#item-{item.pk}"

    def prime_detail_view(self, view, item):
        view.kwargs = {"pk": item.issue_id}
        view._issue = selectors.issue_for_view(user=self.request.user, pk=item.issue_id)


class ItemUpdateView(ItemActionView):
    form_name = "item_form"
    success_message = "条目已保存"

    def get_form(self, item):
        return ItemForm(
            self.request.POST, instance=BulletinItem(issue=item.issue, report=item.report), prefix=f"item{item.pk}"
        )

    def act(self, item, data):
        services.item_update(item=item, actor=self.request.user, **data)


class ItemRemoveView(ItemActionView):
    form_class = EmptyForm
    form_name = "remove_form"
    success_message = "已从本期移出"

    def get_success_url(self, item):
        return reverse("reports:issue", args=[item.issue_id])

    def act(self, item, data):
        services.item_remove(item=item, actor=self.request.user)

    def refused(self, form, exc):
        messages.error(self.request, "；".join(exc.messages))
        return form


NOT_THE_KEEPER = "只有刊物所属单位的工作人员可以在已签发的条目上登记批示"


class IssueInstructionView(DeferredFormMixin, IssueActionView):
    """领导批示 on an item of a signed issue, recorded by the unit that keeps the publication."""

    form_name = "instruction_form"
    success_message = "批示已登记，已通知报送县区和信息员，并生成落实事项"
    form_template = "reports/_issue_instruction_form.html"
    heading = "登记领导批示"

    def form_problem(self, issue):
        if not issue.is_signed or not services.may_edit_publication(
            user=self.request.user, publication=issue.publication
        ):
            return NOT_THE_KEEPER
        if not issue.items.exists():
            return "本期没有信息条目，不能登记批示"
        return None

    def blank_form(self, issue):
        return instruction_form(issue, self.request.user)

    def form_context(self, issue):
        return {"issue": issue}

    def get_form(self, issue):
        return instruction_form(issue, self.request.user, self.request.POST, self.request.FILES)

    def refused(self, form, exc):
        form = super().refused(form, exc)
        messages.error(self.request, "；".join(exc.messages))  # shown even where the form is not
        return form

    def act(self, issue, data):
        if not issue.is_signed or not services.may_edit_publication(
            user=self.request.user, publication=issue.publication
        ):
            raise ValidationError(NOT_THE_KEEPER)
        item = data.pop("bulletin_item")  # the form's own field, not the service's
        services.instruction_record(
            report=item.report, bulletin_item=item, actor=self.request.user, request=self.request, **data
        )


class IssueDocxView(UnitStaffRequiredMixin, IssueScopedMixin, View):
    """The signed issue as DOCX (GB/T 9704 layout); the download is audited."""

    def get(self, request, pk):
        issue = self.get_issue()
        if not issue.is_signed:
            messages.error(request, "该期尚未签发，签发后才能下载")
            return redirect("reports:issue", pk=pk)
        data = bulletin_docx_bytes(issue=issue, items=list(issue.items.all()))
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.EXPORT,
            county=issue.publication.county_id,
            target=f"{issue}（DOCX）"[:200],
            request=request,
        )
        response = HttpResponse(data, content_type=DOCX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, bulletin_file_name(issue))
        return response
