from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q

from officers.models import County, Township
from unionportal.core.list_views import LightFilterSetMixin

from .models import Category, ForwardedItem, Grade, Report, Status, Urgency
from .rules import BEIJING

DATE_RANGE_MESSAGE = "开始日期不能晚于结束日期"


class ReviewQueueForm(forms.Form):
    """The queue's filters as a form: a date range that ends before it starts is an error (and the
    list then shows nothing, rather than a silently empty or misleading result)."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(DATE_RANGE_MESSAGE, code="date_range")
        return cleaned


class ReviewQueueFilter(LightFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[(s.value, s.label) for s in Status if s not in (Status.DRAFT, Status.WITHDRAWN)],
        empty_label="全部状态",
    )
    urgency = django_filters.ChoiceFilter(label="紧急程度", choices=Urgency.choices, empty_label="全部紧急程度")
    category = django_filters.ChoiceFilter(label="信息类别", choices=Category.choices, empty_label="全部类别")
    grade = django_filters.ChoiceFilter(label="审核结果", choices=Grade.choices, empty_label="全部审核结果")
    township = django_filters.ModelChoiceFilter(
        label="镇区街道", queryset=Township.objects.none(), empty_label="全部镇区"
    )
    on_time = django_filters.ChoiceFilter(
        label="时效", choices=[("1", "按时"), ("0", "超时")], empty_label="全部时效", method="filter_on_time"
    )
    date_from = django_filters.DateFilter(
        label="报送日期从", method="filter_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(label="至", method="filter_to", widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Report
        form = ReviewQueueForm
        fields = ["q", "status", "urgency", "category", "grade", "township", "on_time", "date_from", "date_to"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["township"].queryset = Township.objects.visible_to(user)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(content__icontains=value)) if value else queryset

    def filter_on_time(self, queryset, name, value):
        return queryset.filter(on_time=(value == "1"))

    def filter_from(self, queryset, name, value):
        return queryset.filter(submitted_at__gte=datetime.combine(value, time.min, tzinfo=BEIJING))

    def filter_to(self, queryset, name, value):
        return queryset.filter(submitted_at__lt=datetime.combine(value + timedelta(days=1), time.min, tzinfo=BEIJING))


class ForwardQueueFilter(LightFilterSetMixin, django_filters.FilterSet):
    """A unit's queue of forwarded items: the county queue's filters, with the source county in place
    of the township and the forwarding date as the range."""

    q = django_filters.CharFilter(label="搜索", method="search")
    status = django_filters.ChoiceFilter(label="处理状态", choices=ForwardedItem.Status.choices, empty_label="全部状态")
    urgency = django_filters.ChoiceFilter(label="紧急程度", choices=Urgency.choices, empty_label="全部紧急程度")
    category = django_filters.ChoiceFilter(label="信息类别", choices=Category.choices, empty_label="全部类别")
    county = django_filters.ModelChoiceFilter(label="来源县区", queryset=County.objects.none(), empty_label="全部县区")
    date_from = django_filters.DateFilter(
        label="上报日期从", method="filter_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(label="至", method="filter_to", widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = ForwardedItem
        form = ReviewQueueForm
        fields = ["q", "status", "urgency", "category", "county", "date_from", "date_to"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["county"].queryset = County.objects.visible_to(user).order_by("code")

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(content__icontains=value)) if value else queryset

    def filter_from(self, queryset, name, value):
        return queryset.filter(forwarded_at__gte=datetime.combine(value, time.min, tzinfo=BEIJING))

    def filter_to(self, queryset, name, value):
        return queryset.filter(forwarded_at__lt=datetime.combine(value + timedelta(days=1), time.min, tzinfo=BEIJING))
