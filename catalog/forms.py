"""The web form of an app: a region adds its app to the catalog, or changes it (the API's twin is
AppWriteSerializer; both write through services.app_create / app_update)."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Agency, MoU, Region

from .models import App
from .services.apps import APP_DESCRIPTION_FIELDS

FEATURE_MAX_LENGTH = 300
FEATURES_MAX = 50


class FeatureLinesField(forms.CharField):
    """A list of short texts, typed one per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value) -> list[str]:
        lines = [line.strip() for line in (super().to_python(value) or "").splitlines()]
        return [line for line in lines if line]

    def validate(self, value) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(value) > FEATURES_MAX:
            raise forms.ValidationError(
                _("At most %(max)d features, one per line.") % {"max": FEATURES_MAX}, code="max_features"
            )
        if any(len(line) > FEATURE_MAX_LENGTH for line in value):
            raise forms.ValidationError(
                _("Each feature is at most %(max)d characters.") % {"max": FEATURE_MAX_LENGTH},
                code="feature_length",
            )


def _formfield(field: models.Field, **kwargs) -> forms.Field | None:
    """Form fields as the model's; an address typed without a scheme is taken as https (Django 6's)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class AppForm(forms.ModelForm):
    """What a region says about its app. The owner region is the workspace's (a new app) or the app's
    own (it never changes); the agency and the MoUs offered are that region's."""

    features = FeatureLinesField(
        label=_("Features (Indonesian)"), required=False, help_text=_("One per line.")
    )
    features_en = FeatureLinesField(
        label=_("Features (English)"), required=False, help_text=_("One per line.")
    )

    class Meta:
        model = App
        formfield_callback = _formfield
        # What the API writes (services.APP_DESCRIPTION_FIELDS), but the JSON list of platforms and the
        # lineage note and URL, which only the API and publiccode.yml carry.
        fields = (
            "name",
            *(
                name
                for name in APP_DESCRIPTION_FIELDS
                if name not in ("platforms", "based_on_url", "based_on_note")
            ),
            "mous",
        )
        widgets = {
            "long_description": forms.Textarea(attrs={"rows": 6}),
            "long_description_en": forms.Textarea(attrs={"rows": 6}),
            "launched_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "mous": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.owner_region = region
        self.fields["owner_agency"].queryset = Agency.objects.filter(region=region).order_by("name")
        self.fields["mous"].queryset = (
            MoU.objects.filter(parties__region=region).distinct().order_by("-signed_on", "title")
        )
        self.fields["mous"].help_text = _("The agreements of your region that cover this app.")
        based_on = App.objects.select_related("owner_region").order_by("name")
        if self.instance.pk:
            based_on = based_on.exclude(pk=self.instance.pk)
        self.fields["based_on"].queryset = based_on
        self.fields["based_on"].label_from_instance = lambda app: f"{app.name} ({app.owner_region.name})"
