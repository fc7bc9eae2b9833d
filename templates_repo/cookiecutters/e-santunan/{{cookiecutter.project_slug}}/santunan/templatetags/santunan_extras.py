"""Filter template: rupiah dan mask."""
from django import template

from ..formatting import mask_digits, rupiah as format_rupiah

register = template.Library()


@register.filter
def rupiah(value):
    """1000000 -> "Rp 1.000.000"."""
    if value in (None, ""):
        return ""
    return format_rupiah(value)


@register.filter
def mask(value, visible=4):
    """Sembunyikan semua digit kecuali beberapa digit terakhir."""
    return mask_digits(value, int(visible))
