"""Form helpers every app uses."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def add_service_errors(form, error: ValidationError):
    """Show a service's ValidationError on the form, field by field where it can."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


class ListedModelChoiceIterator(ModelChoiceIterator):
    """A form's few choices read as one plain query. Django reads a ModelChoiceField's queryset with
    ``iterator()``, which on PostgreSQL outside a transaction is a server-side cursor (DECLARE ... WITH
    HOLD, its rows written aside at commit): two more round trips and a copy, for a dozen names."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class SmallModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for a short list (a county's staff, its townships, a bulletin's items)."""

    iterator = ListedModelChoiceIterator


def list_small_choices(form, *names: str) -> None:
    """Read these model choice fields of ``form`` (a ModelForm's own) as :class:`SmallModelChoiceField` does."""
    for name in names:
        if name in form.fields:
            form.fields[name].iterator = ListedModelChoiceIterator
