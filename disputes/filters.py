import django_filters
from django import forms
from django.db.models import Q

from officers.models import Township
from unionportal.core.list_views import LightFilterSetMixin

from . import selectors
from .models import CaseStatus, DisputeCase, DisputeType


class CaseFilter(LightFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    status = django_filters.ChoiceFilter(label="状态", choices=CaseStatus.choices, empty_label="全部状态")
    dispute_type = django_filters.ChoiceFilter(label="争议类型", choices=DisputeType.choices, empty_label="全部类型")
    township = django_filters.ModelChoiceFilter(
        label="镇区街道", queryset=Township.objects.none(), empty_label="全部镇区"
    )
    registered_from = django_filters.DateFilter(
        field_name="registered_on",
        lookup_expr="gte",
        label="登记日期从",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    registered_to = django_filters.DateFilter(
        field_name="registered_on", lookup_expr="lte", label="至", widget=forms.DateInput(attrs={"type": "date"})
    )

    untold = django_filters.ChoiceFilter(
        label="仲裁权利告知", choices=[("1", "调解期满未告知")], empty_label="全部", method="filter_untold"
    )

    visit = django_filters.ChoiceFilter(
        label="回访", choices=[("due", "结案满30天待回访")], empty_label="全部", method="filter_visit"
    )

    class Meta:
        model = DisputeCase
        fields = ["q", "status", "dispute_type", "township", "registered_from", "registered_to", "untold", "visit"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["township"].queryset = Township.objects.visible_to(user)

    def filter_untold(self, queryset, name, value):
        return selectors.untold_overdue(queryset) if value else queryset

    def filter_visit(self, queryset, name, value):
        return selectors.return_visits_due(queryset) if value == "due" else queryset

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(enterprise__name__icontains=value)) if value else queryset
