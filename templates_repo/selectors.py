"""Reads of the template library that several callers need."""

from dataclasses import dataclass
from dataclasses import fields as dataclass_fields

from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from catalog.models import App
from registry import permissions
from registry.models import Region
from replication.choices import CLOSED_PHASES
from replication.models import Replication

from . import rendering
from .choices import ForkStatus
from .models import Fork, ServiceReport, Template, TemplateUpdate, TemplateVersion


def template_version_get(*, template_slug: str, number: int | None = None) -> TemplateVersion | None:
    """A template's version (the newest when `number` is None) with its template, the template's mentor
    region and the slug of the catalog app it reproduces (`app_slug`), in one query; None when the
    template or that version does not exist."""
    versions = (
        TemplateVersion.objects.select_related("template__mentor_region")
        .annotate(app_slug=F("template__app__slug"))
        .filter(template__slug=template_slug)
    )
    if number is not None:
        return versions.filter(number=number).first()
    return versions.order_by("-number").first()


def prefixed_columns(model: type[Model], alias: str, prefix: str) -> list[str]:
    """`alias`'s columns of `model`, named `prefix` + column, for `instance_from_row`."""
    return [f'{alias}."{field.column}" AS "{prefix}{field.column}"' for field in model._meta.concrete_fields]


def instance_from_row(model: type[Model], row: dict, prefix: str) -> Model:
    """A model instance from the `prefix`-named columns of a row (`prefixed_columns`), its values
    converted as a queryset converts them."""
    values = []
    for field in model._meta.concrete_fields:
        value = row[prefix + field.column]
        column = field.get_col(model._meta.db_table)
        for converter in connection.ops.get_db_converters(column) + field.get_db_converters(connection):
            value = converter(value, column, connection)
        values.append(value)
    return model.from_db(connection.alias, [field.attname for field in model._meta.concrete_fields], values)


def fork_version_get(
    *, template_slug: str, region_code: str, number: int | None = None
) -> TemplateVersion | None:
    """`template_version_get` for a fork of it by the region `region_code`, in the same one query: also
    `app_owner_id` (the owner region of the template's catalog app) and `open_replication_id` (that
    region's open replication of the app, the one the fork belongs to; None when there is none).

    Written in SQL: it is on the path a developer waits for every fork, and building it through the ORM
    cost twice as long as running it (1.6 ms against 0.7 ms).
    """
    version_table, template_table = TemplateVersion._meta.db_table, Template._meta.db_table
    region_table, app_table = Region._meta.db_table, App._meta.db_table
    replication_table = Replication._meta.db_table
    columns = ", ".join(
        [
            *prefixed_columns(TemplateVersion, "v", "v_"),
            *prefixed_columns(Template, "t", "t_"),
            *prefixed_columns(Region, "m", "m_"),
        ]
    )
    closed = ", ".join(["%s"] * len(CLOSED_PHASES))
    sql = f"""
        SELECT {columns}, a."slug" AS "app_slug", a."owner_region_id" AS "app_owner_id",
            (SELECT r."id" FROM "{replication_table}" r
             WHERE r."app_id" = t."app_id" AND r."penerima_id" = %s AND NOT (r."phase" IN ({closed}))
             LIMIT 1) AS "open_replication_id"
        FROM "{version_table}" v
        INNER JOIN "{template_table}" t ON t."id" = v."template_id"
        INNER JOIN "{region_table}" m ON m."code" = t."mentor_region_id"
        LEFT OUTER JOIN "{app_table}" a ON a."id" = t."app_id"
        WHERE t."slug" = %s {'AND v."number" = %s' if number is not None else ""}
        ORDER BY v."number" DESC
        LIMIT 1
    """  # noqa: S608 (names from the models' metadata, values as parameters)
    params = [region_code, *CLOSED_PHASES, template_slug, *([number] if number is not None else [])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
        if found is None:
            return None
        row = dict(zip([column[0] for column in cursor.description], found, strict=True))
    version = instance_from_row(TemplateVersion, row, "v_")
    template = instance_from_row(Template, row, "t_")
    template.mentor_region = instance_from_row(Region, row, "m_")
    version.template = template
    version.app_slug = row["app_slug"]
    version.app_owner_id = row["app_owner_id"]
    version.open_replication_id = row["open_replication_id"]
    return version


def version_schema(version: TemplateVersion) -> list[rendering.Parameter]:
    """The version's parameter schema (stored as `rendering.parameter_schema_json` wrote it)."""
    names = {field.name for field in dataclass_fields(rendering.Parameter)}
    return [
        rendering.Parameter(
            **{key: tuple(value) if key == "choices" else value for key, value in item.items()}
        )
        for item in version.parameters
        if set(item) <= names
    ]


def fork_region_get(*, code: str, user) -> Region | None:
    """The region with its province and `user_may_fork`: whether `user` may fork for it
    (`permissions.Action.ADOPT`), in one query; None when no region has this code."""
    may_fork = permissions.may_expression(user, permissions.Action.ADOPT, OuterRef("pk"))
    return (
        Region.objects.select_related("province").annotate(user_may_fork=may_fork).filter(code=code).first()
    )


def fork_for_render(*, fork_id) -> Fork | None:
    """A fork with what its worker reads besides the fork itself: the template and the version. The rest
    of what the archive says (regions, mentor, app) is in the fork's manifest."""
    try:
        return Fork.objects.select_related("template", "version").get(pk=fork_id)
    except Fork.DoesNotExist:
        return None


def app_templates(app) -> list[Template]:
    """The templates that reproduce a catalog app, with their mentor regions, for the app's page."""
    return list(app.templates.select_related("mentor_region"))


def region_forks(region) -> QuerySet[Fork]:
    """The region's copies, newest first, with their template and version."""
    return (
        Fork.objects.filter(region=region).select_related("template", "version").order_by("-created_at", "pk")
    )


# The fleet: every region's copy of a template, and how far behind the newest version each one is ----------


@dataclass(frozen=True)
class VersionCount:
    number: int
    copies: int


@dataclass(frozen=True)
class FleetSummary:
    """The public counts of a template's copies (succeeded forks): no region is named."""

    newest: int | None  # the newest version's number; None for a template without versions
    total: int
    behind: int  # copies at an older version than the newest
    versions: list[VersionCount]  # every version, newest first, with the copies at it (0 included)


def _succeeded_copies(template: Template) -> QuerySet[Fork]:
    return Fork.objects.filter(template=template, status=ForkStatus.SUCCEEDED)


def _at_version(version_ref) -> Q:
    """A copy is at its current version, or at the version it was made from while it has none."""
    return Q(current_version=version_ref) | Q(current_version__isnull=True, version=version_ref)


def fleet_of_province(copies: QuerySet[Fork], code: str) -> QuerySet[Fork]:
    """The copies of the regions of a province (the province's own copy included)."""
    return copies.filter(Q(region__province_id=code) | Q(region_id=code))


def fleet_behind(copies: QuerySet[Fork], behind: bool) -> QuerySet[Fork]:
    """Of `fleet`'s copies, those behind the newest version (`behind`) or at it (not `behind`)."""
    return copies.filter(behind_by__gt=0) if behind else copies.filter(behind_by__lte=0)


# What a fleet's row never shows: the large columns of the copy, its versions and its replication.
_FLEET_DEFERRED = (
    "context", "manifest", "log", "error", "request_fingerprint",
    *(f"{version}__{name}" for version in ("version", "current_version")
      for name in ("parameters", "changelog", "parameter_changes", "snapshot")),
    *(f"replication__{name}" for name in ("request_message", "decline_reason", "cancel_reason", "source")),
)  # fmt: skip


def fleet_all(template: Template) -> QuerySet[Fork]:
    """Every copy of `template` (succeeded forks), whoever asks, annotated with `at_number` (the version
    it is at), `newest_number`, `behind_by` and `last_update_at` (when its latest update was asked for;
    None if never), with its region, province, versions and replication: one query however many."""
    newest = (
        TemplateVersion.objects.filter(template=OuterRef("template")).order_by("-number").values("number")[:1]
    )
    last_update = (
        TemplateUpdate.objects.filter(fork=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    )
    at_number = Coalesce(F("current_version__number"), F("version__number"))
    return (
        _succeeded_copies(template)
        .select_related("region__province", "version", "current_version", "replication")
        .defer(*_FLEET_DEFERRED)
        .annotate(
            at_number=at_number,
            newest_number=Subquery(newest, output_field=IntegerField()),
            last_update_at=Subquery(last_update),
        )
        .annotate(behind_by=F("newest_number") - F("at_number"))
        .order_by("-behind_by", "region__province_id", "region_id", "-created_at", "pk")
    )


def fleet(
    template: Template, *, user, province: str | None = None, behind_only: bool = False
) -> QuerySet[Fork]:
    """The copies of `template` that `user` may see (`permissions.may_see_fleet`: all of them for staff
    and the mentor region's members, else those of the user's own regions, none for anonymous visitors),
    as `fleet_all` annotates them and with `may_open` (whether the user may open the copy's page: those
    of its own regions), most behind first; only those of a `province`'s regions when given,
    only those behind the newest version with `behind_only`."""
    own = Fork.objects.restrict(user)
    copies = fleet_all(template).annotate(may_open=Exists(own.filter(pk=OuterRef("pk"))))
    if not permissions.may_see_fleet(user, template.mentor_region_id):
        copies = copies.filter(pk__in=own.values("pk"))
    if province:
        copies = fleet_of_province(copies, province)
    if behind_only:
        copies = fleet_behind(copies, True)
    return copies


def fleet_summary(template: Template) -> FleetSummary:
    """How many copies are at each version of `template` (one query): numbers only, for everyone."""
    at_version = (
        _succeeded_copies(template)
        .filter(_at_version(OuterRef("pk")))
        .order_by()
        .values("template")
        .annotate(count=Count("pk"))
        .values("count")
    )
    rows = (
        TemplateVersion.objects.filter(template=template)
        .annotate(copies=Coalesce(Subquery(at_version, output_field=IntegerField()), 0))
        .order_by("-number")
        .values_list("number", "copies")
    )
    versions = [VersionCount(number=number, copies=copies) for number, copies in rows]
    newest = versions[0].number if versions else None
    return FleetSummary(
        newest=newest,
        total=sum(v.copies for v in versions),
        behind=sum(v.copies for v in versions[1:]),
        versions=versions,
    )


def newer_versions(template: Template, *, after: int) -> QuerySet[TemplateVersion]:
    """The template's versions after `after`, newest first (what a copy at `after` can take)."""
    return template.versions.filter(number__gt=after).order_by("-number")


def localized_figures(declaration: list[dict], language: str) -> list[dict]:
    """A version's declared figures with their labels and units in `language` ("id" or "en")."""
    lang = "en" if language.startswith("en") else "id"
    out = []
    for figure in declaration:
        item = {
            "key": figure["key"],
            "label": figure["label"][lang],
            "unit": figure.get("unit", {}).get(lang, ""),
            "aggregate": figure["aggregate"],
            "sla": figure.get("sla", False),
            "of": figure.get("of", ""),
        }
        if "breakdown" in figure:
            item["breakdown"] = [
                {"key": f"{figure['key']}.{part}", "label": f"{item['label']}: {labels[lang]}"}
                for part, labels in figure["breakdown"].items()
            ]
        out.append(item)
    return out


def fork_reports(fork: Fork) -> QuerySet[ServiceReport]:
    """A copy's reports, newest month first."""
    return ServiceReport.objects.filter(fork=fork).order_by("-month")


def app_results(*, app, language: str) -> dict:
    """What the copies of `app`'s templates reported, in three queries: the figures the newest version
    declares (labels in `language`), and per copy (succeeded, with at least one report; its region) the
    months it reported, oldest first. A copy made as demo data says so."""
    newest = TemplateVersion.objects.filter(template__app=app).order_by("-number", "template__slug").first()
    reports = (
        ServiceReport.objects.filter(fork__template__app=app, fork__status=ForkStatus.SUCCEEDED)
        .order_by("fork__region__name", "fork_id", "month")
        .values(
            "fork_id", "fork__region__code", "fork__region__name", "fork__template__slug", "fork__demo",
            "month", "figures", "demo", "version_number", "reported_at",
        )
    )  # fmt: skip
    copies: dict = {}
    months = set()
    for row in reports:
        copy = copies.setdefault(row["fork_id"], {
            "region": {"code": row["fork__region__code"], "name": row["fork__region__name"]},
            "template": row["fork__template__slug"],
            "demo": row["fork__demo"],
            "reports": [],
        })  # fmt: skip
        month = row["month"].strftime("%Y-%m")
        months.add(month)
        copy["demo"] = copy["demo"] or row["demo"]
        copy["reports"].append({
            "month": month, "figures": row["figures"], "version": row["version_number"],
            "reported_at": row["reported_at"],
        })  # fmt: skip
    return {
        "figures": localized_figures(newest.figures if newest else [], language),
        "months": sorted(months),
        "copies": list(copies.values()),
    }


REGION_RESULT_MONTHS = 12


def region_results(*, region, language: str) -> list[dict]:
    """What the region's copies reported in their last months, per copy (two queries): the template, its
    declared figures that are not split into parts (labels in `language`), and the months, newest first."""
    reports = list(
        ServiceReport.objects.filter(fork__region=region, fork__status=ForkStatus.SUCCEEDED)
        .select_related("fork__template", "fork__version", "fork__current_version")
        .order_by("fork__template__name", "fork_id", "-month")
    )
    copies: dict = {}
    for report in reports:
        copy = copies.get(report.fork_id)
        if copy is None:
            version = report.fork.current_version or report.fork.version
            figures = [f for f in localized_figures(version.figures, language) if "breakdown" not in f]
            copy = copies[report.fork_id] = {
                "fork": report.fork, "template": report.fork.template, "figures": figures, "months": [],
            }  # fmt: skip
        if len(copy["months"]) < REGION_RESULT_MONTHS:
            copy["months"].append(
                {"month": report.month, "demo": report.demo,
                 "cells": [(f["label"], report.figures.get(f["key"])) for f in copy["figures"]]}
            )  # fmt: skip
    return list(copies.values())
