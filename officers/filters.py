import django_filters
from django.db.models import Q

from unionportal.core.list_views import LightFilterSetMixin

from .models import Officer, Township


class OfficerFilter(LightFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    township = django_filters.ModelChoiceFilter(label="镇区街道", queryset=Township.objects.none(), empty_label="全部")
    category = django_filters.ChoiceFilter(label="人员类别", choices=Officer.Category.choices, empty_label="全部")
    key_group = django_filters.ChoiceFilter(label="重点群体", choices=Officer.KeyGroup.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=Officer.Status.choices, empty_label="全部")

    class Meta:
        model = Officer
        fields = ["q", "township", "category", "key_group", "status"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["township"].queryset = Township.objects.visible_to(user).select_related("county")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        text = Q(name__icontains=value) | Q(employer__name__icontains=value)
        if getattr(self.user, "is_portal_admin", False):
            return queryset.filter(text | Q(phone__contains=value))
        # Phones are masked for everyone but admins: a partial number must not reveal the rest.
        return queryset.filter(text | Q(phone=value)) if len(value) == 11 else queryset.filter(text)
