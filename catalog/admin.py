from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.uploads import ServedFileInput
from registry.admin import MoUAdmin, MoUPartyInline
from registry.forms import MoUPartyInlineFormSet
from registry.models import MoU

from . import services
from .admin_import import import_urls
from .models import Adoption, AdoptionEvent, App, AppContact, Screenshot, ServiceFigure


class ContactInline(admin.TabularInline):
    model = AppContact
    extra = 0


class FigureInline(admin.TabularInline):
    """Figures entered by hand: who entered (or last changed) one is recorded, not typed."""

    model = ServiceFigure
    extra = 0
    readonly_fields = ("entered_by",)


class ScreenshotInline(admin.TabularInline):
    model = Screenshot
    extra = 0
    # The current image links to the view that serves it: nothing is served from MEDIA_URL.
    formfield_overrides = {
        models.ImageField: {
            "widget": ServedFileInput(
                lambda shot: reverse("catalog:screenshot", kwargs={"slug": shot.app.slug, "pk": shot.pk})
            )
        }
    }


class AdoptionInline(admin.TabularInline):
    model = Adoption
    extra = 0
    fields = ("region", "stage", "since", "evidence_url", "verified", "recorded_by")
    readonly_fields = ("verified", "recorded_by")
    autocomplete_fields = ("region",)


class AdoptionEventInline(admin.TabularInline):
    """The adoption's timeline: appended by the services (every change of the record), never edited."""

    model = AdoptionEvent
    extra = 0
    can_delete = False
    fields = (
        "occurred_on", "date_precision", "stage", "evidence_url", "evidence_note", "source", "link_url",
        "link_label", "verified", "recorded_by", "created_at",
    )  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(App)
class AppAdmin(SimpleHistoryAdmin):
    change_list_template = "admin/catalog/app/change_list.html"
    inlines = (ContactInline, FigureInline, ScreenshotInline, AdoptionInline)
    list_display = (
        "name",
        "owner_region",
        "category",
        "status",
        "spbe_type",
        "has_template",
        "adoption_count",
    )
    list_filter = ("category", "dimension", "status", "spbe_type", "has_template")
    search_fields = ("name", "slug", "owner_region__name", "owner_region__code")
    list_select_related = ("owner_region",)
    autocomplete_fields = ("owner_region", "owner_agency", "based_on", "mous")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("has_template", "adoption_count", "created_by", "created_at", "updated_at")

    def get_urls(self):
        return import_urls(self) + super().get_urls()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class AppAdminForm(form):
            def clean(self):
                cleaned = super().clean()
                owner = cleaned.get("owner_region")
                if owner is not None and cleaned.get("mous"):
                    # The same rule as the API's: only MoUs the owner region signed, staff or not.
                    try:
                        services.app_validate_mous(App(owner_region=owner), list(cleaned["mous"]))
                    except ValidationError as exc:
                        self.add_error("mous", exc.message_dict["mous"])
                return cleaned

        return AppAdminForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is ServiceFigure:
            for figure_form in formset.forms:
                if figure_form.has_changed() and figure_form.instance is not None:
                    figure_form.instance.entered_by = request.user
            return super().save_formset(request, form, formset, change)
        if formset.model is not Adoption:
            return super().save_formset(request, form, formset, change)
        # Adoptions through their service, like the adoption's own admin page: on the region's behalf,
        # with the change appended to the adoption's timeline.
        adoptions = formset.save(commit=False)
        for adoption in formset.deleted_objects:
            adoption.delete()
        for adoption in adoptions:
            services.adoption_save_on_behalf(adoption=adoption, recorded_by=request.user)
        formset.save_m2m()
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.apps_changed(app_ids=[form.instance.pk])

    def delete_model(self, request, obj):
        services.app_delete(app=obj)


@admin.register(Adoption)
class AdoptionAdmin(SimpleHistoryAdmin):
    list_display = ("app", "region", "stage", "since", "verified", "recorded_by")
    list_filter = ("stage", "verified")
    search_fields = ("app__name", "region__name", "region__code")
    autocomplete_fields = ("app", "region")
    readonly_fields = ("verified", "recorded_by", "created_at", "updated_at")
    inlines = (AdoptionEventInline,)

    def save_model(self, request, obj, form, change):
        services.adoption_save_on_behalf(adoption=obj, recorded_by=request.user)


@admin.register(ServiceFigure)
class ServiceFigureAdmin(admin.ModelAdmin):
    list_display = ("app", "metric", "value", "value_text", "measured_on", "entered_by")
    readonly_fields = ("entered_by",)

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)


# The MoU form of the registry's admin gains the apps an MoU covers (App.mous, declared here in the catalog):
# the registry knows nothing of apps, so the catalog registers the MoU admin again with the field.


class MoUCoveredAppsForm(forms.ModelForm):
    """The MoU form with the apps it covers (searched like the app list: by name, slug or owner region)."""

    apps = forms.ModelMultipleChoiceField(
        queryset=App.objects.select_related("owner_region"),
        required=False,
        label=_("Apps covered"),
        help_text=_("Apps of the parties that this MoU covers."),
        # The autocomplete of App.mous's through table's "app": the app list's own search.
        widget=AutocompleteSelectMultiple(App.mous.through._meta.get_field("app"), admin.site),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["apps"].initial = list(self.instance.apps.all())

    def clean(self):
        cleaned = super().clean()
        # The party inline checks the apps against the parties it is given (CoveredAppsPartyFormSet).
        self.instance._covered_apps = list(cleaned.get("apps") or [])
        return cleaned


class CoveredAppsPartyFormSet(MoUPartyInlineFormSet):
    """The parties, also checked against the apps the form covers: only apps of a party (the API's rule,
    services.app_validate_mous)."""

    def clean(self):
        super().clean()
        apps = getattr(self.instance, "_covered_apps", None)
        if not apps or any(self.errors) or self.non_form_errors():
            return
        parties = {
            form.cleaned_data["region"].code
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("region")
        }
        foreign = [app for app in apps if app.owner_region_id not in parties]
        if foreign:
            raise ValidationError(
                [
                    _("%(app)s belongs to %(region)s, which is not a party to this MoU.")
                    % {"app": app.name, "region": app.owner_region.name}
                    for app in foreign
                ]
            )


class CoveredAppsPartyInline(MoUPartyInline):
    formset = CoveredAppsPartyFormSet


class MoUWithAppsAdmin(MoUAdmin):
    form = MoUCoveredAppsForm
    inlines = (CoveredAppsPartyInline,)
    fieldsets = (*MoUAdmin.fieldsets, (_("Apps covered"), {"fields": ("apps",)}))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        mou = form.instance
        chosen, current = set(form.cleaned_data["apps"]), set(mou.apps.all())
        # Through App.mous, so that each app's history records the change (m2m_changed).
        for app in chosen - current:
            app.mous.add(mou)
        for app in current - chosen:
            app.mous.remove(mou)
        if chosen != current:
            services.apps_changed(app_ids=[app.pk for app in chosen ^ current])


admin.site.unregister(MoU)
admin.site.register(MoU, MoUWithAppsAdmin)
