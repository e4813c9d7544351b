"""core.form_markup (``|quick_form``, ``|quick_field``): every form of the portal comes out as crispy-forms'
bootstrap5 pack writes it (compared as HTML, so attribute order and blank space aside), unbound, bound
and empty, and bound with bad values; without rendering a template."""

import difflib
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.template import Context, Template
from django.test.html import parse_html
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from officers.models import Township
from reports.choices import EntryKind
from reports.forms import GradeForm
from reports.models import Report
from tests.factories import AdminFactory, OfficerFactory, TownshipFactory
from unionportal.core.form_markup import field_markup, form_markup
from unionportal.core.forms import MultipleFileField, MultipleFileInput

pytestmark = pytest.mark.django_db

CRISPY_FORM = Template("{% load crispy_forms_tags %}{{ form|crispy }}")
QUICK_FORM = Template("{% load portal %}{{ form|quick_form }}")
CRISPY_FIELD = Template("{% load crispy_forms_tags %}{{ field|as_crispy_field }}")
QUICK_FIELD = Template("{% load portal %}{{ field|quick_field }}")


def project_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in the portal's own form modules."""
    found = {}
    for app in apps.get_app_configs():
        if not app.name.startswith(("officers", "reports", "disputes", "unionportal")):
            continue
        for module in pkgutil.walk_packages([app.path], app.name + "."):
            if "forms" not in module.name or "migrations" in module.name:
                continue
            loaded = importlib.import_module(module.name)
            for name, value in vars(loaded).items():
                if inspect.isclass(value) and issubclass(value, forms.BaseForm) and value.__module__ == loaded.__name__:
                    found[f"{value.__module__}.{name}"] = value
    return [found[name] for name in sorted(found)]


FORMS = project_forms()


@pytest.fixture
def arguments(county):
    """What the forms that need more than data are given, by the name of their keyword."""
    TownshipFactory(county=county, name="东坎<b>街道</b>")
    TownshipFactory(county=county, name="八巨镇")
    admin = AdminFactory(county=county, full_name="管理<i>员</i>")
    return {
        "user": admin,
        "officer": OfficerFactory(county=county),
        "reports": Report.objects.none(),
        "kind": EntryKind.FINAL,
        "owners": get_user_model().objects.filter(county=county),
    }


def build(form_class, arguments, data=None):
    needed = [
        p.name
        for p in inspect.signature(form_class.__init__).parameters.values()
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty
    ]
    missing = [name for name in needed if name not in arguments]
    assert not missing, f"{form_class.__name__} needs {missing}: add them to the arguments fixture"
    form = form_class(data, **{name: arguments[name] for name in needed})
    if data is not None:
        form.is_valid()
    return form


def differences(quick: str, crispy: str) -> str:
    """Empty when the two are the same HTML; else where they differ, line by line."""
    quick_html, crispy_html = parse_html(quick), parse_html(crispy)
    if quick_html == crispy_html:
        return ""
    split = [str(html).replace("><", ">\n<").splitlines() for html in (crispy_html, quick_html)]
    return "\n".join(difflib.unified_diff(*split, "crispy", "quick", lineterm="", n=1))


def bad_values(form) -> dict:
    """A value for every field that no field accepts, markup in it."""
    return {name: '-1<script>alert("x")</script>' for name in form.fields} | {"version": "x"}


def test_the_portal_has_forms_to_compare():
    names = {form.__name__ for form in FORMS}
    assert {"GradeForm", "ReportForm", "CaseForm", "OfficerForm", "MoveForm", "SummaryActionForm"} <= names
    assert len(FORMS) >= 60


@pytest.mark.parametrize("form_class", FORMS, ids=lambda form: form.__name__)
def test_every_form_comes_out_as_crispy_writes_it(form_class, arguments):
    unbound = build(form_class, arguments)
    for form in (unbound, build(form_class, arguments, {}), build(form_class, arguments, bad_values(unbound))):
        crispy = CRISPY_FORM.render(Context({"form": form}))
        quick = QUICK_FORM.render(Context({"form": form}))
        assert not differences(quick, crispy), differences(quick, crispy)
        for field in form:
            crispy = CRISPY_FIELD.render(Context({"field": field}))
            quick = QUICK_FIELD.render(Context({"field": field}))
            assert not differences(quick, crispy), differences(quick, crispy)


def test_what_a_user_typed_is_shown_escaped_and_errors_marked():
    form = GradeForm({"version": "3", "grade": "county_adopted", "adopted_by": "", "comment": "<script>x</script>"})
    assert not form.is_valid()
    html = str(form_markup(form))
    assert "&lt;script&gt;x&lt;/script&gt;</textarea>" in html and "<script>" not in html
    assert (
        '<div id="id_adopted_by_error" class="invalid-feedback"><p id="error_1_id_adopted_by">'
        "<strong>采用的信息请填写采用单位</strong></p></div>"
    ) in html
    assert 'class="textinput form-control is-invalid"' in html and 'aria-invalid="true"' in html
    # The chosen grade stays chosen.
    assert parse_html(
        '<input type="radio" class="form-check-input" name="grade" value="county_adopted" '
        'id="id_grade_2" required checked>'
    ) in parse_html(html)


def test_errors_of_the_whole_form_come_first():
    form = GradeForm({"version": "3", "grade": "qualified"})
    assert form.is_valid()
    form.add_error(None, "该信息已被其他工作人员修改，请刷新后再审核")
    html = str(form_markup(form))
    assert html.startswith(
        '<div class="alert alert-block alert-danger"><ul class="m-0">'
        "<li>该信息已被其他工作人员修改，请刷新后再审核</li></ul></div>"
    )


class Unusual(forms.Form):
    """Widgets built by crispy-forms itself: a checkbox, several choices, grouped choices."""

    agreed = forms.BooleanField(label="同意", required=False)
    several = forms.MultipleChoiceField(
        label="多选", choices=[("a", "甲"), ("b", "乙")], widget=forms.CheckboxSelectMultiple, required=False
    )
    grouped = forms.ChoiceField(label="分组", choices=[("苏北", [("1", "盐城"), ("2", "淮安")]), ("3", "南京")])


def test_widgets_it_does_not_build_are_crispys_own():
    for form in (Unusual(), Unusual({"grouped": "9"}, {})):
        form.is_valid()
        crispy = CRISPY_FORM.render(Context({"form": form}))
        quick = QUICK_FORM.render(Context({"form": form}))
        assert not differences(quick, crispy), differences(quick, crispy)
    assert 'type="checkbox"' in str(field_markup(Unusual()["agreed"]))
    assert '<optgroup label="苏北">' in str(field_markup(Unusual()["grouped"]))


class Files(forms.Form):
    """File inputs: one file, several (the portal's attachments), optional with a help text, disabled."""

    upload = forms.FileField(label="附件")
    several = MultipleFileField(
        label="照片", widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf", "class": "mine"})
    )
    optional = forms.FileField(label="可选", required=False, help_text="不超过 <b>10MB</b>")
    fixed = forms.FileField(label="不可改", required=False, disabled=True)


class Stored:
    """A file already kept, as a model's FieldFile shows it to a form (a name and a URL)."""

    name, url = "协议.pdf", "/files/协议.pdf"

    def __str__(self):
        return self.name


def test_file_inputs_come_out_as_crispy_writes_them_without_a_template():
    rendered = []

    def seen(sender, template, **kwargs):
        rendered.append(template.name)

    for form in (Files(), Files({}, {})):
        form.is_valid()
        crispy = CRISPY_FORM.render(Context({"form": form}))
        template_rendered.connect(seen)
        try:
            quick = str(form_markup(form))
        finally:
            template_rendered.disconnect(seen)
        assert not differences(quick, crispy), differences(quick, crispy)
        assert rendered == []
    bound = Files({}, {})
    bound.is_valid()
    html = str(field_markup(bound["upload"]))
    assert '<div class="is-invalid"><input type="file" name="upload" class="form-control is-invalid"' in html
    assert '<p id="error_1_id_upload"><strong>这个字段是必填项。</strong></p>' in html
    assert 'accept="image/*,application/pdf" multiple' in str(field_markup(Files()["several"]))


def test_a_file_input_showing_its_current_file_is_crispys_own():
    form = Files(initial={"optional": Stored()})
    html = str(field_markup(form["optional"]))
    assert '<a href="/files/协议.pdf">协议.pdf</a>' in html and 'name="optional-clear"' in html
    crispy = CRISPY_FIELD.render(Context({"field": form["optional"]}))
    assert not differences(html, crispy), differences(html, crispy)


def test_no_template_is_rendered():
    """What made crispy-forms slow on the report page: a template per field, widget and option."""
    rendered = []

    def seen(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(seen)
    try:
        CRISPY_FORM.render(Context({"form": GradeForm(initial={"version": 1})}))
        by_crispy = len(rendered)
        rendered.clear()
        form_markup(GradeForm(initial={"version": 1}))
    finally:
        template_rendered.disconnect(seen)
    assert by_crispy > 10 and rendered == []


class Place(forms.Form):
    township = forms.ModelChoiceField(label="镇区", queryset=Township.objects.order_by("name"))


def test_a_models_choices_are_read_once(county):
    TownshipFactory(county=county, name="八巨镇")
    with CaptureQueriesContext(connection) as queries:
        html = str(field_markup(Place()["township"]))
    assert len(queries) == 1 and ">八巨镇</option>" in html


def test_no_template_writes_a_form_through_crispy_forms_templates():
    """One way to write a form: a template using ``|crispy`` would bring back the cost it removed."""
    root = Path(__file__).resolve().parents[2] / "templates"
    found = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if re.search(r"\|\s*(crispy|as_crispy_field)\b|\{%\s*crispy\s", path.read_text(encoding="utf-8"))
    ]
    assert found == []
