"""A form's fields as crispy-forms' bootstrap5 pack writes them, built in Python: every template's
``|quick_form`` and ``|quick_field`` (issue 21).

Through ``|crispy`` the report page's grade form (a radio list of four grades, two lines of text, a date
and a comment) was a seventh of the whole page: every field renders the pack's field template, which
includes three more, and every widget and radio option its own Django template. Here
the same markup (the same classes, ids, ``aria-`` attributes, help texts and error blocks, so the
page's script, styles and tests see no difference) comes from the widgets' own contexts, with no
template rendered. A widget this module does not know (a checkbox, a multiple choice, a widget of
widgets, a file field showing its current file) is left to crispy-forms itself, so any form may use it.

``tests/core/test_form_markup.py`` holds it to crispy's output, field by field, bound and unbound."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.forms.utils import flatatt
from django.forms.widgets import Input
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

# Widgets whose markup is built here: an <input> of one value, a <textarea>, a <select> of one value
# and a radio list. Subclasses of these that change their template (or are files, checkboxes or
# several values) go to crispy-forms.
INPUT_TYPES = {"text", "number", "email", "url", "tel", "date", "time", "datetime-local", "password", "search"}
# Django's own templates of those inputs: each only includes input.html, which writes the input's type.
INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "email", "url", "tel", "date", "time", "datetime", "password", "search")
}
# File inputs (one or several files) are built here too while they show no current file.
FILE_TEMPLATES = {"django/forms/widgets/file.html", "django/forms/widgets/clearable_file_input.html"}
REQUIRED_MARK = mark_safe('<span class="asteriskField">*</span>')  # noqa: S308  # nosec B703 B308 - a constant


def _known(widget) -> bool:
    template = widget.template_name
    if isinstance(widget, forms.HiddenInput) and not isinstance(widget, forms.MultipleHiddenInput):
        return template == "django/forms/widgets/hidden.html"
    if isinstance(widget, forms.RadioSelect):
        return template == "django/forms/widgets/radio.html"
    if isinstance(widget, forms.Select):
        return template == "django/forms/widgets/select.html" and not widget.allow_multiple_selected
    if isinstance(widget, forms.Textarea):
        return template == "django/forms/widgets/textarea.html"
    if isinstance(widget, forms.FileInput):
        return template in FILE_TEMPLATES
    if isinstance(widget, Input):
        return widget.input_type in INPUT_TYPES and template in INPUT_TEMPLATES
    return False


def _with_class(widget, extra: str) -> dict:
    """The widget's attributes with crispy's classes: the widget's class name (``textinput``,
    ``dateinput``…) unless already there, then ``extra``'s classes not yet there."""
    attrs = dict(widget.attrs)
    name = widget.__class__.__name__.lower()
    css = attrs.get("class", "")
    css = (css + " " + name if name not in css else css) if css else name
    for part in extra.split():
        if part not in css.split():
            css += " " + part
    attrs["class"] = css
    return attrs


def _value_attr(value) -> str:
    return "" if value is None else format_html(' value="{}"', value)


def _errors(bound) -> str:
    if not bound.errors:
        return ""
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        bound.errors.field_id,
        format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((n, bound.auto_id, error) for n, error in enumerate(bound.errors, 1)),
        ),
    )


def _help(bound) -> str:
    if not bound.help_text:
        return ""
    # Help texts are the forms' own words, printed unescaped as crispy-forms and Django's templates print them.
    help_text = mark_safe(bound.help_text)  # noqa: S308  # nosec B703 B308 - the form's own text
    if bound.auto_id:
        return format_html('<div id="{}_helptext" class="form-text">{}</div>', bound.auto_id, help_text)
    return format_html('<div class="form-text">{}</div>', help_text)


def _label(bound) -> str:
    required = bound.field.required
    star = REQUIRED_MARK if required else ""
    css = "form-label" + (" requiredField" if required else "") + (" fs-6" if bound.use_fieldset else "")
    if bound.use_fieldset and not bound.id_for_label:
        return format_html('<legend class="{}">{}{}</legend>', css, bound.label, star)
    if bound.use_fieldset:
        return format_html('<legend for="{}" class="{}">{}{}</legend>', bound.id_for_label, css, bound.label, star)
    if bound.id_for_label:
        return format_html('<label for="{}" class="{}">{}{}</label>', bound.id_for_label, css, bound.label, star)
    return format_html('<label class="{}">{}{}</label>', css, bound.label, star)


def _attrs(bound, widget, extra: dict) -> dict:
    """What ``BoundField.as_widget`` passes the widget: the field's own attributes (required,
    disabled, aria-describedby, aria-invalid) and its id."""
    attrs = bound.build_widget_attrs(extra, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    return attrs


def _context(bound, widget) -> dict:
    """The widget's own context (what its template would be given), read once: a control carries
    crispy's classes, radios, files and hidden inputs their own attributes."""
    if bound.is_hidden or isinstance(widget, forms.RadioSelect | forms.FileInput):
        extra = dict(widget.attrs)
    else:
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        extra = _with_class(widget, css + (" is-invalid" if bound.errors else ""))
    return widget.get_context(bound.html_name, bound.value(), _attrs(bound, widget, extra))["widget"]


def _options(w: dict) -> list[dict]:
    return [option for _group, group_options, _index in w["optgroups"] for option in group_options]


def _control(widget, w: dict) -> str:
    """The <input>, <textarea> or <select> itself, as Django's widget templates write it."""
    if isinstance(widget, forms.Textarea):
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            w["name"],
            flatatt(w["attrs"]),
            "" if w["value"] is None else w["value"],
        )
    if isinstance(widget, forms.Select):
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((option["value"], flatatt(option["attrs"]), option["label"]) for option in _options(w)),
        )
        return format_html('<select name="{}"{}>{}</select>', w["name"], flatatt(w["attrs"]), options)
    return format_html(
        '<input type="{}" name="{}"{}{}>', w["type"], w["name"], _value_attr(w["value"]), flatatt(w["attrs"])
    )


def _initial(bound) -> str:
    """A field that shows its initial value beside it (a model field with a callable default) has
    it in a hidden input after the control, as ``str(bound_field)`` writes it: rare, so Django's."""
    return bound.as_hidden(only_initial=True) if bound.field.show_hidden_initial else ""


def _hidden(bound, w: dict) -> str:
    return format_html(
        '<input type="{}" name="{}"{}{}>{}',
        w["type"],
        w["name"],
        _value_attr(w["value"]),
        flatatt(w["attrs"]),
        _initial(bound),
    )


def _radios(bound, w: dict) -> str:
    invalid = " is-invalid" if bound.errors else ""
    options = _options(w)
    # The field's errors go inside the last option's box, as crispy-forms puts them.
    radios = format_html_join(
        "",
        '<div class="form-check"><input type="radio" class="form-check-input{}" name="{}" value="{}"{}>'
        '<label for="{}" class="form-check-label">{}</label>{}</div>',
        (
            (
                invalid,
                bound.html_name,
                option["value"],
                flatatt(option["attrs"]),
                option["attrs"].get("id", ""),
                option["label"],
                _errors(bound) if n == len(options) else "",
            )
            for n, option in enumerate(options, 1)
        ),
    )
    return format_html("<div>{}</div>{}", radios, _help(bound))


def _file(bound, w: dict) -> str:
    """A file input as crispy's ``field_file.html`` writes it: its own box holding the input (crispy's
    class first, then the widget's attributes but those set to False), the errors and the help."""
    attrs = w["attrs"]
    invalid = bool(bound.errors)
    css = "form-control" + (f" {attrs['class']}" if attrs.get("class") else "") + (" is-invalid" if invalid else "")
    rest = format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', value))
            for name, value in attrs.items()
            if value is not False and name != "class"
        ),
    )
    # The box's class and the field's own "disabled" are constants of the format, not values.
    box = '<div class="is-invalid">' if invalid else "<div>"
    disabled = " disabled" if bound.field.disabled else ""
    return format_html(
        box + '<input type="{}" name="{}" class="{}"' + disabled + "{}>{}{}</div>",
        w["type"],
        w["name"],
        css,
        rest,
        _errors(bound),
        _help(bound),
    )


def field_markup(bound) -> str:
    """One bound field as crispy's bootstrap5 pack writes it (its own rendering for other widgets)."""
    widget = bound.field.widget
    if not _known(widget):
        return as_crispy_field(bound)
    # The choices are read once, here (a model's choices are a query).
    w = _context(bound, widget)
    if any(group is not None for group, _options, _index in w.get("optgroups", ())):
        return as_crispy_field(bound)  # choices in named groups (<optgroup>)
    if bound.is_hidden:
        return _hidden(bound, w)
    if isinstance(widget, forms.FileInput) and (w.get("is_initial") or bound.field.show_hidden_initial):
        return as_crispy_field(bound)  # the current file with its link and its 清除 box
    wrapper = "mb-3" + (f" {bound.css_classes()}" if bound.css_classes() else "")
    label = _label(bound) if bound.label else ""
    if isinstance(widget, forms.RadioSelect):
        body = _radios(bound, w)
    elif isinstance(widget, forms.FileInput):
        body = _file(bound, w)
    else:
        body = format_html("{}{}{}{}", _control(widget, w), _initial(bound), _errors(bound), _help(bound))
    if bound.use_fieldset and label:
        described = format_html(' aria-describedby="{}"', bound.aria_describedby) if bound.aria_describedby else ""
        return format_html(
            '<div id="div_{}" class="{}"><fieldset{}>{}{}</fieldset></div>',
            bound.auto_id,
            wrapper,
            described,
            label,
            body,
        )
    return format_html('<div id="div_{}" class="{}">{}{}</div>', bound.auto_id, wrapper, label, body)


def form_markup(form) -> str:
    """The whole form as ``{{ form|crispy }}`` writes it: its errors not tied to a field, then each
    field (hidden ones where they stand)."""
    errors = form.non_field_errors()
    top = ""
    if errors:
        top = format_html(
            '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
            format_html_join("", "<li>{}</li>", ((error,) for error in errors)),
        )
    return format_html("{}{}", top, format_html_join("", "{}", ((field_markup(bound),) for bound in form)))
