"""Submitting a form once (一次性提交令牌).

Every form that creates something carries a one-time key, issued as a hidden field when the form is
rendered (nothing is written on GET). The first POST with the key claims it, by a unique insert in
the same transaction as the creation: the claim and the result commit together, or neither does (a
refused submission leaves the key free, so the corrected form can be sent again). A second POST
with the same key (the browser's Back, then 报送 again; a double tap; an offline client sending
again) creates nothing and is shown the first result. Two concurrent POSTs with one key are
serialised by the unique index: the second waits for the first and then finds its result.

The key is a UUID, so an offline client may supply its own (a client idempotency key).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect

from .models import SubmissionKey

KEY_FIELD = "submission_key"
REPEATED_MESSAGE = "该表单已提交过，以下是第一次提交的结果"
NOT_YOURS_MESSAGE = "该表单令牌不属于当前账号或当前表单，未保存。请刷新页面后重新填写。"
INVALID_MESSAGE = "表单令牌无效，请刷新页面后重新填写"


@dataclass(frozen=True)
class Submitted:
    """What a submission led to: ``created`` is what this submission made (None when it repeated an
    earlier one); ``url`` the page that shows the (first) result."""

    created: object | None
    url: str
    repeated: bool


def parse_key(value) -> uuid.UUID | None:
    """A key as sent by a form or a client; ValidationError when it is not a UUID."""
    if value in (None, ""):
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise ValidationError(INVALID_MESSAGE, code="invalid_key") from None


def submit_once(*, key, user, purpose: str, create: Callable[[], object], url_of: Callable[[object], str]) -> Submitted:
    """Run ``create()`` once per ``key``: a key already used by ``user`` for ``purpose`` returns the
    first result instead; a key used by another account or for another form is refused
    (ValidationError, nothing written). Without a key (an old page), ``create()`` simply runs.

    ``create`` returns the created object (it may raise ValidationError: the claim is then undone);
    ``url_of(obj)`` the page that shows it (the page the form goes back to, when ``create`` returns
    no model instance)."""
    key = parse_key(key)
    if key is None:
        created = create()
        return Submitted(created=created, url=url_of(created), repeated=False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = SubmissionKey.objects.create(key=key, user=user, purpose=purpose)
        except IntegrityError:
            # Used before (or being used right now: the insert waited for that transaction to end).
            first = SubmissionKey.objects.filter(key=key).first()
            if first is None or first.user_id != user.pk or first.purpose != purpose or not first.result_url:
                raise ValidationError(NOT_YOURS_MESSAGE, code="key_not_yours") from None
            return Submitted(created=None, url=first.result_url, repeated=True)
        created = create()
        meta = getattr(created, "_meta", None)
        claim.result_label = meta.label_lower if meta is not None else ""
        claim.result_pk = str(getattr(created, "pk", "") or "")
        claim.result_url = url_of(created)
        claim.save(update_fields=["result_label", "result_pk", "result_url"])
        return Submitted(created=created, url=claim.result_url, repeated=False)


def first_result(*, key, user, purpose: str) -> Submitted | None:
    """The first result of a key this user already used for this form, if any (a read: the claim
    itself is ``submit_once``'s, in the creating transaction)."""
    try:
        key = parse_key(key)
    except ValidationError:
        return None
    if key is None or user is None or not user.is_authenticated:
        return None
    url = (
        SubmissionKey.objects.filter(key=key, user=user, purpose=purpose)
        .exclude(result_url="")
        .values_list("result_url", flat=True)
        .first()
    )
    return Submitted(created=None, url=url, repeated=True) if url else None


class KeyInput(forms.TextInput):
    """The key's input: out of sight, yet a text input, not ``type=hidden``. When Back brings a sent
    form back, the browser fetches the page again (with a fresh key) and restores what the page's
    text inputs held, hidden inputs excepted, and only where it differs from the page's default: the
    key would be the fresh one beside the old text, and 报送 would make a second report. So the key
    is a text input, and static/js/submission_key.js rewrites it (upper case, the same UUID) so the
    browser keeps it with the form's state. Without script the key still guards a double tap.
    Django and crispy treat it as a hidden field (no label, no wrapper)."""

    @property
    def is_hidden(self):
        return True

    def __init__(self, attrs=None):
        super().__init__(
            {"hidden": True, "aria-hidden": "true", "tabindex": "-1", "class": "submission-key"} | (attrs or {})
        )


class SubmissionKeyFormMixin:
    """Adds the hidden one-time key to a form: a fresh UUID on every render, the posted one when a
    refused form is shown again. Once validated, the key is ``form.submission_key`` and not part of
    ``cleaned_data`` (which views pass on to services as keyword arguments). A key that is not a
    UUID is an error of the form, not of its (hidden) field."""

    submission_key = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[KEY_FIELD] = forms.UUIDField(
            required=False, initial=uuid.uuid4, widget=KeyInput, error_messages={"invalid": INVALID_MESSAGE}
        )

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        if self._errors and KEY_FIELD in self._errors:
            self.add_error(None, self._errors.pop(KEY_FIELD).as_data())
        self.submission_key = self.cleaned_data.pop(KEY_FIELD, None) if hasattr(self, "cleaned_data") else None


class SubmitOnceViewMixin:
    """The view side: ``submit_once(form, create=..., url_of=...)`` claims the form's key around the
    creating service call; ``show_first_result(done)`` answers a repeated submission. Placed before
    the generic view in the bases, its ``post`` answers a used key first; a view that defines its
    own ``post`` calls ``repeated_submission()`` itself."""

    submission_purpose = ""

    def get_submission_purpose(self) -> str:
        match = getattr(self.request, "resolver_match", None)
        return self.submission_purpose or (match.view_name if match else type(self).__name__)

    def repeated_submission(self):
        """A POST whose key was used already answers with the first result at once, before the form
        is checked (after Back, a file field is empty again: the form might not even be valid)."""
        done = first_result(
            key=self.request.POST.get(KEY_FIELD), user=self.request.user, purpose=self.get_submission_purpose()
        )
        return self.show_first_result(done) if done else None

    def post(self, request, *args, **kwargs):
        return self.repeated_submission() or super().post(request, *args, **kwargs)

    def submit_once(self, form, *, create, url_of) -> Submitted:
        return submit_once(
            key=getattr(form, "submission_key", None),
            user=self.request.user,
            purpose=self.get_submission_purpose(),
            create=create,
            url_of=url_of,
        )

    def show_first_result(self, done: Submitted):
        messages.info(self.request, REPEATED_MESSAGE)
        return redirect(done.url)
