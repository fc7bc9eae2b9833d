from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.uploads import ServedFileInput

from .choices import MoUStatus, RegionKind
from .filtersets import YearFilter
from .forms import MoUPartyInlineFormSet
from .models import Agency, Membership, MoU, MoUNotice, MoUParty, Region, StudyVisit


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Regions come from Kemendagri data (load_regions): read-only here."""

    list_display = ("code", "name", "kind", "province")
    list_filter = ("kind", ("province", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name")
    list_select_related = ("province",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "region__name", "region__code")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "region", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "region__name", "region__code")
    autocomplete_fields = ("user", "region")
    list_select_related = ("user", "region")


class MoUPartyInline(admin.TabularInline):
    model = MoUParty
    formset = MoUPartyInlineFormSet
    extra = 2
    min_num = 2
    fields = ("region", "signatory_name", "signatory_title", "agency", "position")
    autocomplete_fields = ("region", "agency")


class MoUStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return MoUStatus.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(current_status=self.value())
        return queryset


class MoUYearFilter(admin.SimpleListFilter):
    title = _("year signed")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = MoU.objects.filter(signed_on__isnull=False).dates("signed_on", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            year = YearFilter().field.clean(self.value())  # the API's and the pages' rule: 1 to 9999
        except ValidationError as exc:
            raise IncorrectLookupParameters(exc) from exc
        return queryset.filter(signed_on__year=year)


class MoUProvinceFilter(admin.SimpleListFilter):
    title = _("province")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        return Region.objects.filter(kind=RegionKind.PROVINCE).order_by("name").values_list("code", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Q(parties__region__province=self.value()) | Q(parties__region=self.value())
            ).distinct()
        return queryset


@admin.register(MoU)
class MoUAdmin(SimpleHistoryAdmin):
    inlines = (MoUPartyInline,)
    list_display = ("title", "number", "signed_on", "ends_on", "status_label", "party_names")
    list_filter = (MoUStatusFilter, MoUYearFilter, MoUProvinceFilter)
    search_fields = ("title", "number", "parties__region__name", "parties__region__code")
    date_hierarchy = "signed_on"
    readonly_fields = ("created_by", "created_at", "updated_at")
    # The current document links to its download view: nothing is served from MEDIA_URL.
    formfield_overrides = {
        models.FileField: {
            "widget": ServedFileInput(lambda mou: reverse("registry:mou-document", kwargs={"pk": mou.pk}))
        }
    }
    fieldsets = (
        (None, {"fields": ("title", "number", "scope")}),
        (_("Dates"), {"fields": ("signed_on", "signed_at", "starts_on", "ends_on")}),
        (_("Termination"), {"fields": ("terminated_on", "termination_reason"), "classes": ("collapse",)}),
        (None, {"fields": ("document", "source", "created_by", "created_at", "updated_at")}),
    )

    class Media:
        css = {"all": ("registry/admin-mou.css",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_status(timezone.localdate())
            .prefetch_related("parties__region")
        )

    @admin.display(description=_("status"), ordering="current_status")
    def status_label(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("parties"))
    def party_names(self, obj):
        return ", ".join(party.region.name for party in obj.parties.all())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if obj.signed_on and not obj.starts_on:
            obj.starts_on = obj.signed_on
        super().save_model(request, obj, form, change)


@admin.register(MoUNotice)
class MoUNoticeAdmin(admin.ModelAdmin):
    list_display = ("mou", "kind", "ends_on", "sent_at")
    list_filter = ("kind",)
    readonly_fields = ("mou", "kind", "ends_on", "recipients", "sent_at")

    def has_add_permission(self, request):
        return False


@admin.register(StudyVisit)
class StudyVisitAdmin(admin.ModelAdmin):
    list_display = ("visiting_region", "hosts", "visited_on", "kind", "delegation_size")
    list_filter = ("kind",)
    search_fields = ("purpose", "notes", "leader", "visiting_region__name", "host_regions__name")
    autocomplete_fields = ("visiting_region", "host_regions")
    date_hierarchy = "visited_on"
    readonly_fields = ("created_by", "created_at", "updated_at")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("visiting_region").prefetch_related("host_regions")
        )

    @admin.display(description=_("host regions"))
    def hosts(self, obj):
        return ", ".join(region.name for region in obj.host_regions.all())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
