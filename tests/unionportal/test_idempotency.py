"""The one-time submission key (unionportal/core/idempotency.py)."""

import uuid

import pytest
from django import forms
from django.core.exceptions import ValidationError

from tests.factories import OfficerFactory, ReviewerFactory
from unionportal.core import idempotency
from unionportal.core.models import Notification, SubmissionKey

pytestmark = pytest.mark.django_db


def note(user, title="提醒"):
    return Notification.objects.create(recipient=user, kind="reminder", title=title)


def send(key, user, purpose="reports:create", title="提醒"):
    return idempotency.submit_once(
        key=key, user=user, purpose=purpose, create=lambda: note(user, title), url_of=lambda n: f"/n/{n.pk}/"
    )


def test_a_key_creates_once_and_then_shows_the_first_result(county):
    user = ReviewerFactory(county=county)
    key = uuid.uuid4()
    first = send(key, user)
    again = send(key, user, title="第二次")
    assert (first.repeated, again.repeated, again.created) == (False, True, None)
    assert again.url == first.url == f"/n/{first.created.pk}/"
    assert list(Notification.objects.values_list("title", flat=True)) == ["提醒"]
    claim = SubmissionKey.objects.get()
    assert (claim.key, claim.user, claim.result_label, claim.result_pk) == (
        key,
        user,
        "core.notification",
        str(first.created.pk),
    )


def test_a_client_supplied_uuid_text_is_a_key(county):
    user = ReviewerFactory(county=county)
    text = "3F2504E0-4F89-11D3-9A0C-0305E82C3301"
    send(text, user)
    assert send(text.lower(), user).repeated
    assert Notification.objects.count() == 1


def test_another_accounts_key_is_refused_and_writes_nothing(county):
    owner, other = ReviewerFactory(county=county), ReviewerFactory(county=county)
    key = uuid.uuid4()
    send(key, owner)
    with pytest.raises(ValidationError) as exc:
        send(key, other)
    assert exc.value.messages == [idempotency.NOT_YOURS_MESSAGE]
    assert Notification.objects.filter(recipient=other).count() == 0
    assert idempotency.first_result(key=key, user=other, purpose="reports:create") is None


def test_a_key_is_good_for_one_form_only(county):
    user = ReviewerFactory(county=county)
    key = uuid.uuid4()
    send(key, user, purpose="reports:create")
    with pytest.raises(ValidationError):
        send(key, user, purpose="disputes:create")
    assert Notification.objects.count() == 1


def test_a_refused_creation_leaves_the_key_free(county):
    user = ReviewerFactory(county=county)
    key = uuid.uuid4()

    def refuse():
        note(user, "半途")
        raise ValidationError("请填写信息内容")

    with pytest.raises(ValidationError):
        idempotency.submit_once(key=key, user=user, purpose="p", create=refuse, url_of=str)
    assert (SubmissionKey.objects.count(), Notification.objects.count()) == (0, 0)
    assert send(key, user, purpose="p").repeated is False
    assert Notification.objects.count() == 1


def test_without_a_key_every_submission_creates(county):
    user = ReviewerFactory(county=county)
    send(None, user)
    send("", user)
    assert (Notification.objects.count(), SubmissionKey.objects.count()) == (2, 0)


def test_a_key_that_is_not_a_uuid_is_refused(county):
    user = ReviewerFactory(county=county)
    with pytest.raises(ValidationError) as exc:
        send("../../etc", user)
    assert exc.value.messages == [idempotency.INVALID_MESSAGE]
    assert Notification.objects.count() == 0


class NoteForm(idempotency.SubmissionKeyFormMixin, forms.Form):
    title = forms.CharField()


def test_the_form_issues_a_fresh_key_on_every_render_and_keeps_it_out_of_cleaned_data():
    first, second = NoteForm(), NoteForm()
    html = str(first[idempotency.KEY_FIELD])
    assert 'type="text"' in html and " hidden" in html and 'name="submission_key"' in html
    assert first[idempotency.KEY_FIELD].value() != second[idempotency.KEY_FIELD].value()
    key = uuid.uuid4()
    form = NoteForm({"title": "标题", "submission_key": str(key)})
    assert form.is_valid()
    assert (form.cleaned_data, form.submission_key) == ({"title": "标题"}, key)
    # A refused form shown again keeps its key: the corrected form is still the same submission.
    refused = NoteForm({"title": "", "submission_key": str(key)})
    assert not refused.is_valid() and f'value="{key}"' in str(refused[idempotency.KEY_FIELD])


def test_a_broken_key_is_an_error_of_the_form():
    form = NoteForm({"title": "标题", "submission_key": "不是令牌"})
    assert not form.is_valid()
    assert form.non_field_errors() == [idempotency.INVALID_MESSAGE]
    assert idempotency.KEY_FIELD not in form.errors


def test_first_result_is_a_read_of_ones_own_keys(county):
    officer = OfficerFactory(county=county)
    key = uuid.uuid4()
    done = send(key, officer.user)
    assert idempotency.first_result(key=str(key), user=officer.user, purpose="reports:create").url == done.url
    assert idempotency.first_result(key="garbage", user=officer.user, purpose="reports:create") is None
    assert idempotency.first_result(key=uuid.uuid4(), user=officer.user, purpose="reports:create") is None
