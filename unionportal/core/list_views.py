"""What every filtered, paginated list page of the portal shares."""


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
