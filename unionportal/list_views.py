"""What every filtered, paginated list page of the portal shares."""


class FilteredListMixin:
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
