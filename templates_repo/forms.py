"""A form built from a template version's parameter schema (cookiecutter.json)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config import languages
from registry.models import Region

from .rendering import Parameter, text_limit
from .services import LOCKED_KEYS
from .services.contexts import MIN_KNOWN_AGENCIES


class ForkForm(forms.Form):
    """One field per template parameter, with the region's values filled in and locked.

    The fields only read the values; `services.fork_context` checks them, as it does for the API, and
    its errors come back by field (`add_context_errors`). A text field's length is the renderer's own
    limit (`rendering.text_limit`), shown to the browser rather than checked a second time here.
    """

    region = forms.ModelChoiceField(
        queryset=Region.objects.none(), label=_("For region"), to_field_name="code"
    )

    def __init__(self, *args, schema: list[Parameter], regions, initial_context: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.schema = schema
        for parameter in schema:
            if parameter.name in LOCKED_KEYS:
                continue  # taken from the chosen region and the template's mentor
            initial = initial_context.get(parameter.name, parameter.default)
            # Prompts come from the template's cookiecutter.json, in Indonesian only: marked as such on
            # a page in another language.
            label = languages.indonesian(parameter.label) if parameter.label else parameter.name
            if parameter.type == "boolean":
                field = forms.BooleanField(label=label, required=False, initial=bool(initial))
            elif parameter.type == "integer":
                field = forms.IntegerField(label=label, initial=initial)
            elif parameter.type == "choice":
                field = forms.ChoiceField(
                    label=label, choices=[(c, c) for c in parameter.choices], initial=initial
                )
            else:
                attrs = {"maxlength": str(text_limit(parameter))}
                widget = (
                    forms.Textarea(attrs={"rows": 3, **attrs})
                    if parameter.name == "agencies"
                    else forms.TextInput(attrs=attrs)
                )
                field = forms.CharField(label=label, initial=initial, widget=widget)
            field.help_text = languages.indonesian(parameter.help) if parameter.help else ""
            if parameter.name == "agencies" and "agencies" not in initial_context:
                field.help_text = _(
                    "A suggestion from the template: Lumbung knows fewer than %(count)d agencies of this "
                    "region. Change it to your region's agencies (OPD), separated by semicolons."
                ) % {"count": MIN_KNOWN_AGENCIES}
            self.fields[f"p_{parameter.name}"] = field

    def context_values(self) -> dict:
        return {
            name.removeprefix("p_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("p_")
        }

    def add_context_errors(self, errors: dict) -> None:
        for name, messages in errors.items():
            field = f"p_{name}" if f"p_{name}" in self.fields else None
            for message in messages:
                self.add_error(field, message)
