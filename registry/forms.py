from django import forms
from django.utils.translation import gettext_lazy as _


class MoUPartyInlineFormSet(forms.BaseInlineFormSet):
    """The admin's party inline: an MoU needs at least two different regions."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        regions = [
            form.cleaned_data["region"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("region")
        ]
        if len(set(regions)) < 2:
            raise forms.ValidationError(_("An MoU needs at least two different regions as parties."))
        if len(set(regions)) != len(regions):
            raise forms.ValidationError(_("Each region can be a party only once."))
        for form in self.forms:
            data = form.cleaned_data or {}
            agency, region = data.get("agency"), data.get("region")
            if agency is not None and region is not None and agency.region_id != region.code:
                form.add_error("agency", _("This agency belongs to another region."))
