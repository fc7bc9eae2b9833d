"""Whom to ask about an app: the originating region's mentor contacts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import App
from registry.models import Agency, Region
from registry.permissions import RestrictedQuerySet


class MentorContactQuerySet(RestrictedQuerySet):
    region_lookup = "region"


class MentorContact(models.Model):
    """A person of the originating region whom others may ask about an app ("tempat bertanya").

    Their e-mail and telephone are personal data: shown to signed-in members of any region only.
    """

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="mentor_contacts"
    )
    app = models.ForeignKey(
        App, verbose_name=_("app"), on_delete=models.CASCADE, related_name="mentor_contacts"
    )
    name = models.CharField(_("name"), max_length=120)
    position = models.CharField(_("position"), max_length=160, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency (OPD)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(
        _("phone / WhatsApp"),
        max_length=20,
        blank=True,
        help_text=_("Indonesian number, e.g. 0812 3456 7890."),
    )
    topics = models.CharField(_("topics"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MentorContactQuerySet.as_manager()

    class Meta:
        ordering = ["app", "name", "id"]
        verbose_name = _("mentor contact")
        verbose_name_plural = _("mentor contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.region.name})"
