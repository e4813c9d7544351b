"""core.forms: a short list of model choices is read with one plain query, not a server-side cursor."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from officers.models import Township
from tests.factories import TownshipFactory
from unionportal.core.forms import SmallModelChoiceField, list_small_choices

pytestmark = pytest.mark.django_db(transaction=True)  # outside a transaction, where iterator() declares a cursor


class PlaceForm(forms.Form):
    small = SmallModelChoiceField(queryset=Township.objects.order_by("name"), empty_label="请选择")
    plain = forms.ModelChoiceField(queryset=Township.objects.order_by("name"))


def test_the_choices_are_the_same_and_read_without_a_cursor(county):
    TownshipFactory(county=county, name="八巨镇")
    TownshipFactory(county=county, name="东坎街道")
    form = PlaceForm()
    with CaptureQueriesContext(connection) as small:
        choices = [str(label) for _, label in form.fields["small"].choices]
    list_small_choices(form, "plain")
    with CaptureQueriesContext(connection) as listed:
        plain = [str(label) for _, label in form.fields["plain"].choices]
    assert choices == ["请选择", "东坎街道", "八巨镇"] and plain == ["---------", "东坎街道", "八巨镇"]
    sql = [q["sql"] for q in [*small.captured_queries, *listed.captured_queries]]
    assert len(sql) == 2 and not any("DECLARE" in q for q in sql)
