"""The one shape of a page's action: a form about one object, posted to one service.

Success: a message and a redirect to the object's page. A form or service error: the object's page
again, with the posted form and its errors (400), rendered without its ``get()`` so it writes no
"viewed" audit row. A stale-version error (code ``stale``) goes back to a fresh page with the message.
A form that carries the one-time key (``SubmissionKeyFormMixin``) is acted on once: sent again (Back,
then the button), it shows the first result and changes nothing.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from .forms import add_service_errors
from .idempotency import SubmitOnceViewMixin


class ServiceActionView(SubmitOnceViewMixin, View):
    form_class = None
    form_name = ""  # the detail page's context name for this form
    success_message = ""
    detail_view = None  # the object's page, rendered again when the form or the service refuses

    # The common case, declared: the object is what the view's scoped mixin loads with ``load_method``
    # (keeping it in ``cache_attr``, which the detail view then finds filled), and its page is
    # ``url_name`` with its pk. A view with another shape overrides the three methods below.
    load_method = ""
    cache_attr = ""
    url_name = ""

    def get_object(self):
        if not self.load_method:
            raise NotImplementedError
        return getattr(self, self.load_method)()

    def act(self, obj, data):
        """Call the service; may return a message that replaces ``success_message``."""
        raise NotImplementedError

    def get_form(self, obj):
        return self.form_class(self.request.POST, self.request.FILES)

    def get_success_url(self, obj) -> str:
        if not self.url_name:
            raise NotImplementedError
        return reverse(self.url_name, args=[obj.pk])

    def refused(self, form, exc: ValidationError):
        """The form to show again with the service's reasons (a subclass may add a question to it)."""
        add_service_errors(form, exc)
        return form

    def prime_detail_view(self, view, obj) -> None:
        """Hand the loaded object to the detail view, so it is not loaded (or audited) again."""
        if self.cache_attr:
            setattr(view, self.cache_attr, obj)

    def post(self, request, *args, **kwargs):
        repeated = self.repeated_submission()
        if repeated:
            return repeated
        obj = self.get_object()
        form = self.get_form(obj)
        if form.is_valid():
            try:
                done = self.submit_once(
                    form, create=lambda: self.act(obj, form.cleaned_data), url_of=lambda _: self.get_success_url(obj)
                )
            except ValidationError as exc:
                if getattr(exc, "code", None) == "stale":
                    messages.error(request, "；".join(exc.messages))
                    return redirect(self.get_success_url(obj))
                form = self.refused(form, exc)
            else:
                if done.repeated:
                    return self.show_first_result(done)
                message = done.created if isinstance(done.created, str) else ""
                messages.success(request, message or self.success_message)
                return redirect(done.url)
        view = self.detail_view()
        view.setup(request, *args, **kwargs)
        self.prime_detail_view(view, obj)
        return view.render_to_response(view.get_context_data(**{self.form_name: form}), status=400)


class DeferredFormMixin:
    """For a ``ServiceActionView`` whose form its object's page keeps folded (登记回执, 批示, 上报): the
    page is not rendered with it; a GET of the action's own URL gives the form, alone (``?part=1``,
    fetched by static/js/deferred_form.js when the panel is opened, into the page's
    ``_deferred_form.html`` slot) or on a page of its own (the slot's link, without script). After a
    refusal the object's page shows the posted form itself, with its errors, through the same
    ``form_template``. Rendering folded forms with every view of a page was a fifth of its time."""

    form_template = ""  # the form's markup, shared with the object's page
    heading = ""

    def check_object(self, obj) -> None:
        """Raise Http404 or PermissionDenied where the user may not use this form on ``obj`` at all."""

    def form_problem(self, obj) -> str | None:
        """Why the form is not offered on ``obj`` now (None: offered); the service says the same."""
        return None

    def blank_form(self, obj):
        raise NotImplementedError

    def audit_read(self, obj) -> None:
        """A form that shows the object's confidential text writes its read to the audit log."""

    def form_context(self, obj) -> dict:
        """What ``form_template`` needs besides ``form``."""
        return {}

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_object(obj)
        problem = self.form_problem(obj)
        if problem is None:
            self.audit_read(obj)
        context = {
            **self.form_context(obj),
            "object": obj,
            "object_url": self.get_success_url(obj),
            "form": None if problem else self.blank_form(obj),
            "problem": problem,
            "form_template": self.form_template,
            "heading": self.heading,
        }
        part = request.GET.get("part") == "1"
        return render(request, "deferred_form_part.html" if part else "deferred_form_page.html", context)
