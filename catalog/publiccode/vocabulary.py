"""publiccode.yml (core schema, publiccodeYmlVersion "0.4"): the standard's constants and vocabularies,
and how Lumbung's categories map onto the standard's category tags."""

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from ..choices import AppCategory, MaintenanceType

PUBLICCODE_VERSION = "0.4"
PUBLICCODE_MAX_BYTES = 256 * 1024
PUBLICCODE_CONTENT_TYPE = "application/yaml; charset=utf-8"
EXTENSION_KEY = "x-lumbung"

PLATFORMS = ("web", "windows", "mac", "linux", "ios", "android")
MAINTENANCE_NEEDS_CONTACTS = (MaintenanceType.INTERNAL, MaintenanceType.CONTRACT)
SHORT_DESCRIPTION_MAX = 150
LONG_DESCRIPTION_MIN, LONG_DESCRIPTION_MAX = 150, 10000

# The standard's controlled vocabulary of categories (core 0.4).
CATEGORIES = frozenset(
    """
    accounting agile-project-management applicant-tracking application-development
    appointment-scheduling backup billing-and-invoicing blog budgeting business-intelligence
    business-process-management cad call-center-management cloud-management collaboration communications
    compliance-management contact-management content-management crm customer-service-and-support
    data-analytics data-collection data-visualization design design-system digital-asset-management
    digital-citizenship document-management donor-management e-commerce e-signature educational-content
    email-management email-marketing employee-management enterprise-project-management
    enterprise-social-networking erp event-management facility-management
    feedback-and-reviews-management financial-reporting fleet-management fundraising gamification
    geographic-information-systems grant-management graphic-design help-desk hr ide identity-management
    instant-messaging inventory-management it-asset-management it-development it-management it-security
    it-service-management knowledge-management learning-management-system marketing mind-mapping
    mobile-marketing mobile-payment network-management office online-booking online-community
    payment-gateway payroll predictive-analysis procurement productivity-suite project-collaboration
    project-management property-management real-estate-management remote-support resource-management
    sales-management seo service-desk social-media-management survey talent-management task-management
    taxes-management test-management time-management time-tracking translation video-conferencing
    video-editing visitor-management voip warehouse-management web-collaboration web-conferencing
    website-builder whistleblowing workflow-management
    """.split()  # noqa: SIM905
)

# Our category -> the standard's tags, most specific first. "lainnya" gets the most general tag for
# public-sector software; the vocabulary has no "other".
CATEGORY_MAP: dict[str, tuple[str, ...]] = {
    AppCategory.COMPLAINTS: ("feedback-and-reviews-management", "customer-service-and-support"),
    AppCategory.SOCIAL_ASSISTANCE: ("grant-management", "digital-citizenship"),
    AppCategory.PLANNING: ("project-management", "budgeting"),
    AppCategory.BUDGETING: ("budgeting", "financial-reporting"),
    AppCategory.PROCUREMENT: ("procurement",),
    AppCategory.PUBLIC_INFORMATION: ("content-management", "knowledge-management"),
    AppCategory.COMMAND_CENTER: ("data-visualization", "data-analytics"),
    AppCategory.VILLAGE_SERVICES: ("digital-citizenship", "document-management"),
    AppCategory.HEALTH: ("appointment-scheduling", "data-collection"),
    AppCategory.EDUCATION: ("learning-management-system", "educational-content"),
    AppCategory.TOURISM: ("marketing", "online-booking"),
    AppCategory.ROADS: ("geographic-information-systems", "facility-management"),
    AppCategory.CIVIL_SERVICE: ("hr", "employee-management"),
    AppCategory.LICENSING: ("workflow-management", "e-signature"),
    AppCategory.OTHER: ("digital-citizenship",),
}

_LUMBUNG_PAGE = re.compile(r"/aplikasi/(?P<slug>[-a-zA-Z0-9_]+)/?$")


def lumbung_slug(url: str) -> str | None:
    """The slug of a Lumbung app page URL (ending in /aplikasi/<slug>/), else None."""
    match = _LUMBUNG_PAGE.search(urlsplit(url).path)
    return match["slug"] if match else None


def category_from_tags(tags: Sequence[str]) -> str:
    """Our category closest to the standard's `tags` (Jaccard; ties: AppCategory order), or "lainnya"."""
    wanted = set(tags)
    best, best_score = AppCategory.OTHER.value, 0.0
    for category in AppCategory.values:
        mapped = set(CATEGORY_MAP[category])
        score = len(mapped & wanted) / len(mapped | wanted) if wanted else 0.0
        if score > best_score:
            best, best_score = category, score
    return best
