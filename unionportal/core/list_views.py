"""What every filtered, paginated list page of the portal shares."""

import copy

from django import forms
from django.http import QueryDict

from .forms import ListedModelChoiceIterator


class ForgivingPaginationMixin:
    """A page number past the end shows the last page, and one that is not a number the first:
    grading the last items of a queue shortens it under a reviewer's feet, and a 404 there would
    read as "not found or not yours"."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=self.get_allow_empty())
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class FilteredListMixin(ForgivingPaginationMixin):
    """A django-filter list whose filter choices are scoped to the user, with pages that keep the filters."""

    paginate_by = 20

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context


class _FieldsOfOneRequest(dict):
    """The fields of a form class made for one request: django-filter builds the class, and each of
    its fields, anew for every FilterSet (``get_form_class``). ``Form.__init__`` deep-copies a class's
    fields so that requests sharing a class do not share them; nobody shares these, so the form takes
    them as they are."""

    def __deepcopy__(self, memo):
        return dict(self)


class LightFilterSetMixin:
    """For a django-filter FilterSet: each request's filters are shallow copies of the class's (their
    own ``model``, ``parent`` and ``queryset``), not the deep copies django-filter makes of every
    filter's choices, labels and widgets on every request. A filter's options are never changed in
    place by a request (a FilterSet that needs another queryset sets it on its own copy), so sharing
    them is safe; the form field is still built per request, from the copy, and the form uses those
    fields as they are, rather than deep copies of them."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = copy.copy(base)
            filter_.__dict__.pop("_field", None)  # its form field is built for this request, never shared
            # A filter's field sets extra["queryset"] on itself: each copy keeps its own dict.
            filter_.extra = dict(base.extra)
            if base.method is not None:
                filter_.method = base.method  # binds a FilterMethod to this copy, not to the class's
            filter_.model, filter_.parent = queryset.model, self
            self.filters[name] = filter_

    def get_form_class(self):
        form_class = super().get_form_class()
        form_class.base_fields = _FieldsOfOneRequest(form_class.base_fields)
        return form_class

    @property
    def form(self):
        """The filter form, its model choices (a county's townships, its staff) read as one plain query,
        not a server-side cursor (see ``ListedModelChoiceIterator``)."""
        if not hasattr(self, "_form"):
            form = super().form
            for field in form.fields.values():
                if isinstance(field, forms.ModelChoiceField):
                    field.iterator = ListedModelChoiceIterator
        return self._form
