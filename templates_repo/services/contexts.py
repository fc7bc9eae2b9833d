"""A fork's context: the one check of the values a request, the web form or a preview asks for.

`fork_context` builds it from the version's parameter schema (`selectors.version_schema`): the values
that come from the region and the template's mentor, then the request's, then the template's defaults,
all through `rendering.validate_context`. The form's fields take their limits from the same schema
(`rendering.text_limit`), and the API serializer its "is it an object" check (`rendering.check_mapping`),
so no caller can let through what another refuses.
"""

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from registry.choices import RegionKind
from registry.models import Agency, Region

from .. import rendering, selectors
from ..models import Template, TemplateVersion

# Fewer agencies than this known in the registry, and a fork's agency list is the template's own, offered
# as a suggestion: a region's copy routing every report to the one agency a news story named is worse.
MIN_KNOWN_AGENCIES = 3
# Values a fork takes from its region; a request may not say otherwise.
REGION_KEYS = ("region_name", "region_code", "province_name")
# ...and the mentor comes from the template.
LOCKED_KEYS = (*REGION_KEYS, "mentor_region_name")


class ContextError(ValidationError):
    """The requested context is refused: by parameter (a dict), or as a whole (a list). The API answers
    it under the request's `context` field."""

    @classmethod
    def of(cls, exc: ValidationError) -> "ContextError":
        return cls(exc.error_dict if hasattr(exc, "error_dict") else exc.error_list)


def _short_region_name(region: Region) -> str:
    name = re.sub(r"^(Kabupaten Administrasi|Kota Administrasi|Kabupaten|Kota|Provinsi)\s+", "", region.name)
    return slugify(name).replace("-", "_")


def region_defaults(*, template: Template, region: Region) -> dict:
    """The context values a fork takes from its region and the template's mentor; the region's agencies
    only when the registry knows at least MIN_KNOWN_AGENCIES of them (else the template's suggestion)."""
    province = region if region.kind == RegionKind.PROVINCE else region.province
    agencies = list(Agency.objects.filter(region=region).order_by("name").values_list("name", flat=True))
    slug = f"{template.slug.replace('-', '')}_{_short_region_name(region)}"[:40].rstrip("_")
    values = {
        "project_name": f"{template.name} {region.name}",
        "project_slug": slug,
        "region_name": region.name,
        "region_code": region.code,
        "province_name": province.name,
        "mentor_region_name": template.mentor_region.name,
    }
    if len(agencies) >= MIN_KNOWN_AGENCIES:
        values["agencies"] = ";".join(agency.replace(";", ",") for agency in agencies)
    return values


def fork_context(*, version: TemplateVersion, region: Region, requested: Mapping) -> dict:
    """The full, validated context: region values, then the request's, then the template's defaults.
    ContextError when the request asks for what the schema refuses."""
    try:
        rendering.check_mapping(requested)
    except ValidationError as exc:
        raise ContextError.of(exc) from exc
    errors = {}
    fixed = region_defaults(template=version.template, region=region)
    for key in LOCKED_KEYS:
        if key in requested and str(requested[key]) != str(fixed[key]):
            source = _("the template's mentor") if key == "mentor_region_name" else _("the region")
            errors[key] = [_("This value comes from %(source)s and cannot be changed.") % {"source": source}]
    if errors:
        raise ContextError(errors)
    schema = selectors.version_schema(version)
    names = {parameter.name for parameter in schema}
    derived = {key: value for key, value in fixed.items() if key in names}
    try:
        return rendering.validate_context(schema, {**derived, **requested})
    except ValidationError as exc:
        raise ContextError.of(exc) from exc
