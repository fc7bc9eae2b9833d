"""An app's API detail as one PostgreSQL statement that writes the JSON itself.

The detail through `AppDetailSerializer` is seven queries and seven nested serializers: about 13 ms of
Python for 3 ms in the database. Here PostgreSQL builds the same document (`json_build_object`,
`json_agg`, keys in the serializer's order) and the view sends its text as it comes. The serializer stays
the definition: `tests/catalog/test_detail_json.py` compares the two field by field on apps with every
relation filled, and other databases use the serializer.

Values are written as DRF writes them: datetimes in the current time zone, ISO 8601, microseconds only
when there are some and "Z" for UTC; decimals as strings with their two places; absolute URLs from the
request's origin.
"""

import datetime
import functools
import re
import weakref

from django.db import connection
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from registry.models import MoU

from .choices import ContactRole

STATEMENT_NAME = "lumbung_app_detail"
# Values no real slug or id has, that reverse() accepts (a pk is digits).
_PLACEHOLDERS = {"slug": "0placeholder0", "pk": "9876543210123"}


def supported() -> bool:
    return connection.vendor == "postgresql"


@functools.lru_cache(maxsize=64)
def url_formats(script_prefix: str) -> dict[str, str]:
    """An app's URLs with "{slug}" and "{pk}" in place of the values: reverse() once per deployment
    prefix, not for every row of a list or document (the API list's items use them too)."""

    def form(name: str, **kwargs) -> str:
        url = reverse(name, kwargs={key: _PLACEHOLDERS[key] for key in kwargs})
        for key in kwargs:
            url = url.replace(_PLACEHOLDERS[key], "{" + key + "}", 1)
        return url

    return {
        "api": form("api:app-detail", slug=1),
        "web": form("catalog:app-detail", slug=1),
        "publiccode": form("api:app-publiccode-yml", slug=1),
        "screenshot": form("catalog:screenshot", slug=1, pk=1),
    }


@functools.lru_cache(maxsize=4)
def _mou_status_sql(today: datetime.date) -> tuple[str, tuple]:
    """`MoUQuerySet.with_status(today)`'s CASE as SQL over the table `registry_mou` (one definition)."""
    query = MoU.objects.with_status(today).query
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.compile(query.annotations["current_status"])
    return sql, tuple(params)


def _iso(column: str) -> str:
    """SQL writing a timestamptz as DRF's DateTimeField does in the time zone parameter %(tz)s."""
    local = f"({column} AT TIME ZONE %(tz)s)"
    offset = f"({local} - ({column} AT TIME ZONE 'UTC'))"
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE "
        f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN date_part('microseconds', {local})::int %% 1000000 = 0 THEN ''"
        f" ELSE to_char({local}, '.US') END"
        f" || CASE WHEN {offset} = interval '0' THEN 'Z'"
        f" WHEN {offset} < interval '0' THEN to_char({offset}, 'HH24:MI')"
        f" ELSE '+' || to_char({offset}, 'HH24:MI') END END"
    )


def _url(form: str, **values: str) -> str:
    """SQL for an absolute URL: the origin, then the form %(form)s with its placeholders replaced."""
    sql = f"%({form})s"
    for key, column in values.items():
        sql = f"replace({sql}, '{{{key}}}', {column})"
    return f"%(origin)s || {sql}"


STATEMENT = """
SELECT json_build_object(
    'slug', a.slug,
    'name', a.name,
    'url', {api_url},
    'web_url', {web_url},
    'publiccode_url', {publiccode_url},
    'owner_region', json_build_object('code', owner.code, 'name', owner.name),
    'province', a.owner_province_id,
    'owner_agency', agency.name,
    'category', a.category,
    'dimension', a.dimension,
    'spbe_type', a.spbe_type,
    'status', a.status,
    'software_type', a.software_type,
    'platforms', a.platforms,
    'short_description', a.short_description,
    'short_description_en', a.short_description_en,
    'long_description', a.long_description,
    'long_description_en', a.long_description_en,
    'features', a.features,
    'features_en', a.features_en,
    'license', a.license,
    'repository_url', a.repository_url,
    'website_url', a.website_url,
    'maintenance_type', a.maintenance_type,
    'launched_on', a.launched_on,
    'based_on', CASE WHEN base.id IS NULL THEN NULL ELSE
        json_build_object('slug', base.slug, 'name', base.name, 'owner_region', base.owner_region_id) END,
    'based_on_url', a.based_on_url,
    'based_on_note', a.based_on_note,
    'variants', (
        SELECT coalesce(json_agg(json_build_object(
            'slug', v.slug, 'name', v.name, 'owner_region', v.owner_region_id) ORDER BY v.name, v.id), '[]')
        FROM catalog_app v WHERE v.based_on_id = a.id),
    'contacts', (
        SELECT coalesce(json_agg(json_build_object(
            'role', c.role,
            'name', c.name,
            'email', CASE WHEN c.role = %(mentor)s THEN '' ELSE c.email END,
            'phone', CASE WHEN c.role = %(mentor)s THEN '' ELSE c.phone END,
            'affiliation', c.affiliation) ORDER BY c.role, c.id), '[]')
        FROM catalog_appcontact c WHERE c.app_id = a.id),
    'figures', (
        SELECT coalesce(json_agg(json_build_object(
            'metric', f.metric,
            'label', f.label,
            'value', f.value::text,
            'value_text', f.value_text,
            'unit', f.unit,
            'measured_on', f.measured_on,
            'source', f.source,
            'entered_by', fu.username) ORDER BY f.metric, f.measured_on DESC, f.id), '[]')
        FROM catalog_servicefigure f LEFT JOIN auth_user fu ON fu.id = f.entered_by_id
        WHERE f.app_id = a.id),
    'screenshots', (
        SELECT coalesce(json_agg(json_build_object(
            'url', {screenshot_url}, 'caption', s.caption) ORDER BY s.position, s.id), '[]')
        FROM catalog_screenshot s WHERE s.app_id = a.id),
    'adoptions', (
        SELECT coalesce(json_agg(json_build_object(
            'region', r.code,
            'region_name', r.name,
            'stage', ad.stage,
            'since', ad.since,
            'verified', ad.verified,
            'evidence_url', ad.evidence_url,
            'events', (
                SELECT coalesce(json_agg(json_build_object(
                    'occurred_on', e.occurred_on,
                    'date_precision', e.date_precision,
                    'stage', e.stage,
                    'evidence_url', e.evidence_url,
                    'evidence_note', e.evidence_note,
                    'source', e.source,
                    'link_url', CASE WHEN e.link_url = '' THEN NULL
                        WHEN e.link_url LIKE '/%%' THEN %(origin)s || e.link_url ELSE e.link_url END,
                    'link_label', e.link_label,
                    'verified', e.verified,
                    'recorded_by', eu.username,
                    'created_at', {event_created_at})
                    ORDER BY e.occurred_on ASC NULLS LAST, e.created_at, e.id), '[]')
                FROM catalog_adoptionevent e LEFT JOIN auth_user eu ON eu.id = e.recorded_by_id
                WHERE e.adoption_id = ad.id))
            ORDER BY ad.verified DESC, r.name, ad.region_id, ad.id), '[]')
        FROM catalog_adoption ad JOIN registry_region r ON r.code = ad.region_id
        WHERE ad.app_id = a.id),
    'adoption_count', a.adoption_count,
    'mous', (
        SELECT coalesce(json_agg(json_build_object(
            'id', registry_mou.id,
            'title', registry_mou.title,
            'status', {mou_status},
            'signed_on', registry_mou.signed_on,
            'parties', (
                SELECT coalesce(json_agg(p.region_id ORDER BY p.position, p.id), '[]')
                FROM registry_mouparty p WHERE p.mou_id = registry_mou.id))
            ORDER BY registry_mou.signed_on DESC NULLS LAST, registry_mou.id DESC), '[]')
        FROM catalog_app_mous am JOIN registry_mou ON registry_mou.id = am.mou_id
        WHERE am.app_id = a.id),
    'has_template', a.has_template,
    'source', a.source,
    'created_at', {created_at},
    'updated_at', {updated_at}
)::text
FROM catalog_app a
JOIN registry_region owner ON owner.code = a.owner_region_id
LEFT JOIN registry_agency agency ON agency.id = a.owner_agency_id
LEFT JOIN catalog_app base ON base.id = a.based_on_id
WHERE a.slug = %(slug)s
"""


@functools.cache
def _prepared_statement() -> tuple[str, tuple[str, ...]]:
    """PREPARE for the statement, with its named parameters numbered in order of first use."""
    status_sql, status_params = _mou_status_sql(timezone.localdate())
    # The CASE's own parameters are positional; the statement's are named: give them names.
    for index in range(len(status_params)):
        status_sql = status_sql.replace("%s", f"%(status_{index})s", 1)
    sql = STATEMENT.format(
        api_url=_url("api_form", slug="a.slug"),
        web_url=_url("web_form", slug="a.slug"),
        publiccode_url=_url("publiccode_form", slug="a.slug"),
        screenshot_url=_url("screenshot_form", slug="a.slug", pk="s.id::text"),
        event_created_at=_iso("e.created_at"),
        created_at=_iso("a.created_at"),
        updated_at=_iso("a.updated_at"),
        mou_status=status_sql,
    )
    names: list[str] = []

    def number(match: re.Match) -> str:
        if match[1] not in names:
            names.append(match[1])
        return f"${names.index(match[1]) + 1}"

    body = re.sub(r"%\((\w+)\)s", number, sql).replace("%%", "%")
    types = ", ".join("unknown" for _ in names)  # PostgreSQL infers each from where it is used
    return f"PREPARE {STATEMENT_NAME} ({types}) AS {body}", tuple(names)


# Connections (psycopg's) that hold the prepared statement: planning the statement took 2 ms of its 3.
_prepared_on: "weakref.WeakSet" = weakref.WeakSet()


def app_detail_json(slug: str, request) -> str | None:
    """The detail document of the app `slug` as JSON text, or None when there is no such app."""
    prepare, names = _prepared_statement()
    forms = url_formats(get_script_prefix())
    params = {
        "slug": slug,
        "origin": request.build_absolute_uri("/")[:-1],
        "tz": timezone.get_current_timezone_name(),
        "mentor": ContactRole.MENTOR.value,
        **{f"{name}_form": form for name, form in forms.items()},
        # The statement is prepared once per connection; the CASE's parameters hold today's date.
        **{f"status_{index}": value for index, value in enumerate(_mou_status_sql(timezone.localdate())[1])},
    }
    with connection.cursor() as cursor:
        if connection.connection not in _prepared_on:
            # A session-level statement (not undone by a rollback) that lives as long as the connection.
            cursor.execute(prepare)
            _prepared_on.add(connection.connection)
        placeholders = ", ".join("%s" for _ in names)
        cursor.execute(f"EXECUTE {STATEMENT_NAME} ({placeholders})", [params[name] for name in names])
        row = cursor.fetchone()
    return row[0] if row else None
