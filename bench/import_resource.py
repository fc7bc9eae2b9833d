"""The inventory import as a django-import-export resource: the alternative bench/import.py measures.

The same checks as catalog.importers.rows, expressed as the library asks: a widget per column that
turns a cell into a value or raises ValueError with the row's message (here through rows.parse_row, so
the messages are the importer's own), a pre-pass in before_import for what spans rows (which app a row
updates, names and slugs given twice), an instance loader that hands out that app, and save_instance
writing through catalog.services (app_create, app_update: search index, cache version). import_data runs
the rows in one transaction and rolls it back on a dry run or on any invalid row. Put in place of
apps_import, it passes tests/catalog/test_import.py, test_import_xlsx.py and test_import_jobs.py (81
tests; the one that patches service.app_create patched where the resource looks it up).

Not used by the project: see the README's import paragraph for why the importer stays hand-written.
"""

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from catalog.importers import ROW_KEY, ImportReport, normalize_header
from catalog.importers.columns import ALIASES, COLUMNS
from catalog.importers.reading import cell_text
from catalog.importers.rows import Lookups, Row, parse_row, resolve_identities
from catalog.models import App
from catalog.services import app_create, app_update


class CellWidget(widgets.Widget):
    """One column's cell -> the field's value, by the importer's own parse_row."""

    def __init__(self, name: str, lookups: Lookups):
        super().__init__()
        self.name, self.lookups = name, lookups

    def clean(self, value, row=None, **kwargs):
        parsed = parse_row(0, {self.name: value}, self.lookups)
        if parsed.errors:
            raise ValueError(" ".join(parsed.errors[self.name]))
        return parsed.fields.get(self.name)

    def render(self, value, obj=None, **kwargs):
        return value


class PlannedLoader(BaseInstanceLoader):
    """The app each row updates, as before_import decided (None: the row creates one)."""

    def get_instance(self, row):
        return self.resource.plan[row[ROW_KEY]].target


class AppResource(resources.ModelResource):
    class Meta:
        model = App
        fields = ()
        import_id_fields = ()
        instance_loader_class = PlannedLoader
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        clean_model_instances = True
        use_transactions = True

    def __init__(self, *, region, created_by=None, progress=None):
        super().__init__()
        self.region, self.created_by, self.progress = region, created_by, progress
        lookups = Lookups(region)
        # The slug is not a field: before_import decides it (given, or made free from the name).
        self.fields = {
            name: fields.Field(attribute=name, column_name=name, widget=CellWidget(name, lookups))
            for name in COLUMNS
            if name != "slug"
        }
        self.plan: dict[int, Row] = {}

    def before_import(self, dataset, **kwargs):
        unknown = [key for key in dataset.headers if key != ROW_KEY and key not in COLUMNS]
        rows = []
        for record in dataset.dict:
            row = Row(number=record[ROW_KEY], fields={"name": cell_text(record.get("name"))})
            row.slug_given = bool(cell_text(record.get("slug")))
            if row.slug_given:
                row.fields["slug"] = cell_text(record["slug"])
            for key in unknown:
                row.error(NON_FIELD_ERRORS, _("Unknown column “%(column)s”.") % {"column": key})
            rows.append(row)
        resolve_identities(rows, self.region)
        self.plan = {row.number: row for row in rows}
        self.done = 0

    def init_instance(self, row=None):
        app = App(owner_region=self.region, created_by=self.created_by)
        app.owner_province_id = self.region.province_code
        app.slug = self.plan[row[ROW_KEY]].fields.get("slug", "")
        return app

    def import_instance(self, instance, row, **kwargs):
        errors = {name: list(messages) for name, messages in self.plan[row[ROW_KEY]].errors.items()}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        exclude = set(errors)
        if instance.license:
            exclude.add("license")  # already checked by normalize_license, the field's own validator
        if not instance.slug:
            exclude.add("slug")  # no name, so no slug: the missing name is the error to show
        try:
            instance.full_clean(exclude=sorted(exclude))
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if kwargs.get("dry_run"):
            return  # checked only: nothing to write and roll back
        values = {name: getattr(instance, name) for name in row if name in self.fields}
        if is_create:
            created = app_create(
                owner_region=self.region, created_by=self.created_by, slug=instance.slug, **values
            )
            instance.pk = created.pk
        else:
            app_update(app=instance, **values)

    def after_import_row(self, row, row_result, **kwargs):
        # Inside import_data's transaction: another connection (the job's page) sees none of it.
        self.done += 1
        if self.progress is not None and self.done % 200 == 0:
            self.progress(self.done * 100 // len(self.plan))


def apps_import_with_resource(
    *, region, rows: list[dict], created_by=None, dry_run: bool = False, progress=None
) -> ImportReport:
    """catalog.importers.apps_import through AppResource.import_data: the same report."""
    report = ImportReport(region=region, rows=len(rows), dry_run=dry_run)
    if not rows:
        report.file_errors.append(_("There are no apps to import."))
        return report
    named = [
        {ROW_KEY: index + 2, **{ALIASES.get(normalize_header(key), key): value for key, value in row.items()}}
        for index, row in enumerate(rows)
    ]
    headers = list(dict.fromkeys(key for row in named for key in row))
    dataset = tablib.Dataset(*[[row.get(key, "") for key in headers] for row in named], headers=headers)
    resource = AppResource(region=region, created_by=created_by, progress=progress)
    result = resource.import_data(dataset, dry_run=dry_run, rollback_on_validation_errors=True)
    for error in result.base_errors:
        raise error.error
    numbers = [row[ROW_KEY] for row in named]
    for invalid in result.invalid_rows:
        report.errors[numbers[invalid.number - 1]] = invalid.error_dict
    for number, errors in result.row_errors():
        if not isinstance(errors[0].error, IntegrityError):
            raise errors[0].error  # rolled back already; a background job reports the import stopped
        message = _("This row could not be saved: %(error)s") % {"error": errors[0].error}
        report.errors[numbers[number - 1]] = {NON_FIELD_ERRORS: [message]}
    if not report.errors:
        report.created, report.updated = result.totals["new"], result.totals["update"]
        report.unchanged = result.totals["skip"]
    return report
