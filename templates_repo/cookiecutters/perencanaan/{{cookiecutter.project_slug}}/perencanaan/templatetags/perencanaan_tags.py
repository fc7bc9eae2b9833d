"""Filter templat: format Rupiah dan label tahap musrenbang."""

from django import template

from .. import services

register = template.Library()


@register.filter
def rupiah(value):
    """1000000 -> "Rp 1.000.000"; kosong tetap kosong."""
    if value in (None, ""):
        return ""
    try:
        return services.format_rupiah(value)
    except (TypeError, ValueError):
        return value


@register.filter
def round_label(level):
    """ "kabupaten" -> "Musrenbang Kabupaten" atau "Musrenbang Kota" sesuai daerah."""
    return services.round_label(level)
