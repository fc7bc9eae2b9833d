"""One FilterSet per listed model, shared by the API and the web pages."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from registry.choices import RegionKind
from registry.models import Region

from . import search
from .choices import AdoptionStage, AppCategory, DevelopmentStatus, SmartCityDimension, SortOrder, SpbeType
from .models import Adoption, App


class _TrueFalseField(forms.NullBooleanField):
    """true or false (or nothing, for no filter); anything else is an error, not silently no filter."""

    widget = forms.TextInput
    VALUES = {"true": True, "false": False, "": None}

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        key = str(value)
        if key not in self.VALUES:
            raise forms.ValidationError(_("Use true or false."), code="invalid")
        return self.VALUES[key]


class TrueFalseFilter(django_filters.BooleanFilter):
    field_class = _TrueFalseField


ORDERINGS = {
    SortOrder.NAME: ("name", "id"),
    SortOrder.NEWEST: ("-created_at", "-id"),
    SortOrder.MOST_ADOPTED: ("-adoption_count", "name", "id"),
}


class AppFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search")
    # distinct=False: these are columns of the app itself, a DISTINCT would only slow every query.
    category = django_filters.MultipleChoiceFilter(
        label=_("Category"), choices=AppCategory.choices, distinct=False
    )
    dimension = django_filters.MultipleChoiceFilter(
        label=_("Smart city dimension"), choices=SmartCityDimension.choices, distinct=False
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province (code)"),
        field_name="owner_province",
        queryset=Region.objects.filter(kind=RegionKind.PROVINCE),
        to_field_name="code",
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Owner region (code)"),
        field_name="owner_region",
        queryset=Region.objects.all(),
        to_field_name="code",
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Development status"), choices=DevelopmentStatus.choices, distinct=False
    )
    spbe_type = django_filters.ChoiceFilter(label=_("SPBE type"), choices=SpbeType.choices)
    has_template = TrueFalseFilter(label=_("Has a template"))
    license = django_filters.CharFilter(label=_("Licence (SPDX)"))
    ordering = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SortOrder.choices, method="filter_ordering"
    )

    # The keys a facet can count over, with the query parameter that filters it.
    FACETS = {
        "category": "category",
        "dimension": "dimension",
        "province": "owner_province",
        "region": "owner_region",
        "status": "status",
        "spbe_type": "spbe_type",
        "has_template": "has_template",
        "license": "license",
    }

    class Meta:
        model = App
        fields = (
            "search",
            "category",
            "dimension",
            "province",
            "region",
            "status",
            "spbe_type",
            "has_template",
            "license",
            "ordering",
        )

    @classmethod
    def _form_class(cls):
        # django-filter builds a new form class, and every field, for each filterset (1 ms a request):
        # the fields depend on the class only (their labels and choices translate lazily), so build once.
        if "_built_form_class" not in cls.__dict__:
            cls._built_form_class = super(AppFilterSet, cls()).get_form_class()
        return cls._built_form_class

    def get_form_class(self):
        return self._form_class()

    found: "search.Found | None" = None  # what the search found (filter_search), None without one

    def search_found(self) -> "search.Found | None":
        """What the search found (None without one), the filters applied first if they were not yet."""
        self.qs  # noqa: B018 (applying the filters runs the search, once per filterset)
        return self.found

    def filter_search(self, queryset, name, value):
        """The catalog search (catalog/search/): synonyms and abbreviations from
        catalog/search/synonyms.txt, Indonesian stemming and prefixes on PostgreSQL, typo tolerance;
        annotated with `rank`. What it found is kept (`found`: its apps before any other filter, search
        being the first, and their ranks) for the paginator and the facet counts, so that a page with
        results and facets searches once."""
        self.found = search.find_apps(queryset, value)
        return queryset if self.found is None else self.found.queryset

    def filter_ordering(self, queryset, name, value):
        # Applied in filter_queryset, after every filter: relevance needs the search's rank.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        ordering = self.form.cleaned_data.get("ordering") or (
            SortOrder.RELEVANCE if self.form.cleaned_data.get("search") else SortOrder.NAME
        )
        if ordering == SortOrder.RELEVANCE:
            if "rank" in queryset.query.annotations:
                self.sort_order = ordering
                return queryset.order_by("-rank", "name", "id")
            ordering = SortOrder.NAME
        self.sort_order = ordering  # the order applied (catalog.columns sorts as the database does)
        return queryset.order_by(*ORDERINGS[ordering])


class AdoptionFilterSet(django_filters.FilterSet):
    app = django_filters.CharFilter(label=_("App (slug)"), field_name="app__slug")
    region = django_filters.ModelChoiceFilter(
        label=_("Adopting region (code)"), queryset=Region.objects.all(), to_field_name="code"
    )
    owner = django_filters.CharFilter(label=_("Owner region (code)"), field_name="app__owner_region")
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=AdoptionStage.choices)
    verified = TrueFalseFilter(label=_("Verified"))

    class Meta:
        model = Adoption
        fields = ("app", "region", "owner", "stage", "verified")
