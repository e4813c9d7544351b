from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe

from unionportal.core import figures, form_markup
from unionportal.core.masking import mask_phone

register = template.Library()


@register.filter
def percent(value, places=1):
    """A rate (0 to 1) as a percentage: 0.951 → 95.1% (``|percent:0`` → 95%); none → —."""
    return figures.percent(value, int(places))


@register.filter
def money(value, places=2):
    """An amount of yuan with thousands separators: 320000 → 320,000.00 (``|money:0`` → 320,000);
    Decimal-exact, none → —. Files (xlsx, csv) keep plain numbers; this is for the screen only."""
    return figures.money(value, int(places))


@register.filter
def signed(value):
    """A change with its sign: +3, -2, 0."""
    return figures.signed(value)


@register.filter
def quick_form(form):
    """``{{ form|crispy }}``'s markup, built without templates (``core/form_markup.py``): how every
    template writes a form (through crispy-forms' templates the report page's grade form alone was a
    seventh of the page)."""
    return form_markup.form_markup(form)


@register.filter
def quick_field(field):
    """``{{ field|as_crispy_field }}``'s markup, built the same way."""
    return form_markup.field_markup(field)


@register.filter
def phone_for(phone, user):
    """Lists show phones masked (138****0001) to everyone but admins."""
    return phone if getattr(user, "is_portal_admin", False) else mask_phone(phone or "")


# A filter's options as markup, kept per process by their values and labels: a county's townships and
# the fixed choices (categories, grades, statuses) are the same on every request, and formatting them
# one by one was a third of the filter form's time. Bounded: cleared when full.
_OPTIONS: dict[tuple, tuple[tuple[str, str, str], ...]] = {}
OPTIONS_KEPT = 512


def _options(choices, label, prefix_label) -> tuple[tuple[str, str, str], ...]:
    """(value, markup unselected, markup selected) of each choice."""
    shown = []
    for value, text in choices:
        value = "" if value is None else str(value)
        if prefix_label and not value:
            text = format_html("{}：{}", label, text)
        shown.append((value, text))
    # SafeData labels are not escaped again: whether a label is safe is part of what it looks like.
    key = tuple((value, str(text), isinstance(text, SafeData)) for value, text in shown)
    options = _OPTIONS.get(key)
    if options is None:
        if len(_OPTIONS) >= OPTIONS_KEPT:
            _OPTIONS.clear()
        options = _OPTIONS[key] = tuple(
            (
                value,
                format_html('<option value="{}">{}</option>', value, text),
                format_html('<option value="{}" selected>{}</option>', value, text),
            )
            for value, text in shown
        )
    return options


@register.simple_tag
def filter_control(field, prefix_label=False):
    """A list page's filter as a <select> of its choices, or a date input, built here rather than by a
    template loop over every option (which cost more than the rest of a list page's rendering).
    ``prefix_label`` shows the filter's name in its empty option ("状态：全部")."""
    value = field.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {"" if value is None else str(value)}
    current = next(iter(chosen)) if len(chosen) == 1 else ""
    if not hasattr(field.field, "choices"):
        return format_html(
            '<input class="form-control" type="date" name="{}" id="{}" value="{}" aria-label="{}" title="{}">',
            field.html_name,
            field.id_for_label,
            current,
            field.label,
            field.label,
        )
    options = _options(field.field.choices, field.label, prefix_label)
    markup = "".join(selected if value in chosen else plain for value, plain, selected in options)
    safe_markup = mark_safe(markup)  # noqa: S308  # nosec B703 B308 - every option escaped in _options
    return format_html(
        '<select class="form-select" name="{}" id="{}" aria-label="{}">{}</select>',
        field.html_name,
        field.id_for_label,
        field.label,
        safe_markup,
    )
