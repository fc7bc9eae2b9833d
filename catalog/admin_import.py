"""The admin pages that import a region's app inventory from a CSV or XLSX file.

Wired into the App admin by its get_urls() (see import_urls): the import form, and for a large file the
page of its background ImportJob, which polls a small JSON status view until the job has finished.
"""

from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.choices import RegionKind
from registry.models import Region

from .importers import (
    ImportFileError,
    ImportReport,
    apps_import_upload,
    describe_columns,
    import_job_create,
    import_job_for,
    import_limits,
    import_runs_in_background,
    read_upload,
)
from .models import App

TEMPLATE = "admin/catalog/app/import_apps.html"
JOB_TEMPLATE = "admin/catalog/app/import_job.html"


def import_urls(model_admin) -> list:
    """The import pages, for ModelAdmin.get_urls()."""
    view = model_admin.admin_site.admin_view
    return [
        path("import/", view(partial(import_apps_view, model_admin)), name="catalog_app_import"),
        path(
            "import/<uuid:job_id>/",
            view(partial(import_job_view, model_admin)),
            name="catalog_app_import_job",
        ),
        path(
            "import/<uuid:job_id>/status/",
            view(partial(import_job_status_view, model_admin)),
            name="catalog_app_import_job_status",
        ),
    ]


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        if obj.kind == RegionKind.PROVINCE:
            return f"{obj.code} — {obj.name} ({obj.get_kind_display()})"
        return f"{obj.code} — {obj.name}"


class AppImportForm(forms.Form):
    region = RegionChoiceField(
        label=gettext_lazy("Owner region"),
        queryset=Region.objects.filter(
            kind__in=[RegionKind.REGENCY, RegionKind.CITY, RegionKind.PROVINCE]
        ).order_by("code"),
        help_text=gettext_lazy("The region whose apps the file lists (Kemendagri code)."),
    )
    file = forms.FileField(label=gettext_lazy("File"))
    dry_run = forms.BooleanField(label=gettext_lazy("Only check the file, save nothing"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = import_limits()
        self.fields["file"].help_text = _(
            "CSV (UTF-8, comma or semicolon separated) or XLSX; the first row names the columns. "
            "At most %(mb)d MB and %(rows)d rows."
        ) % {"mb": limits.max_bytes // (1024 * 1024), "rows": limits.max_rows}


def _url(name: str, model_admin, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs or None, current_app=model_admin.admin_site.name)
    except NoReverseMatch:
        return ""


def _context(model_admin, request, **extra) -> dict:
    opts = App._meta
    return {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "app_label": opts.app_label,
        "app_list_url": _url("admin:app_list", model_admin, app_label=opts.app_label),
        "changelist_url": _url(f"admin:{opts.app_label}_{opts.model_name}_changelist", model_admin),
        "import_url": _url("admin:catalog_app_import", model_admin),
        **extra,
    }


def import_apps_view(model_admin, request):
    """Show the import form; on POST import a small file at once (redirect to the app list, or show
    every row's errors with status 400), or queue a large one and redirect to its progress page."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    report, status = None, 200
    if request.method == "POST":
        form = AppImportForm(request.POST, request.FILES)
        if form.is_valid():
            region, file = form.cleaned_data["region"], form.cleaned_data["file"]
            dry_run = form.cleaned_data["dry_run"]
            try:
                upload = read_upload(file, filename=file.name)
            except ImportFileError as exc:
                report = ImportReport(region=region, dry_run=dry_run, file_errors=exc.messages)
            else:
                if import_runs_in_background(upload):
                    job = import_job_create(
                        region=region, upload=upload, created_by=request.user, dry_run=dry_run
                    )
                    return redirect(_url("admin:catalog_app_import_job", model_admin, job_id=job.pk))
                report = apps_import_upload(
                    region=region, upload=upload, created_by=request.user, dry_run=dry_run
                )
            if report.ok and not report.dry_run:
                messages.success(request, report.summary())
                changelist_url = _context(model_admin, request)["changelist_url"]
                return redirect(changelist_url or _url("admin:index", model_admin) or request.path)
            for message in report.file_errors:
                form.add_error("file", message)
        status = 200 if form.is_valid() and report.ok else 400
    else:
        form = AppImportForm()
    context = _context(
        model_admin,
        request,
        title=_("Import apps from a CSV or XLSX file"),
        form=form,
        report=report,
        columns=describe_columns(),
        media=model_admin.media + form.media,
    )
    return TemplateResponse(request, TEMPLATE, context, status=status)


def _job(model_admin, request, job_id):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    job = import_job_for(user=request.user, job_id=job_id)
    if job is None:
        raise Http404
    return job


def import_job_view(model_admin, request, job_id):
    """A background import: its progress while it runs (the page polls), then its report."""
    job = _job(model_admin, request, job_id)
    report = ImportReport.from_json(job.report, region=job.region) if job.finished else None
    context = _context(
        model_admin,
        request,
        title=_("Importing “%(name)s”") % {"name": job.filename},
        job=job,
        report=report,
        status_url=_url("admin:catalog_app_import_job_status", model_admin, job_id=job.pk),
    )
    return TemplateResponse(request, JOB_TEMPLATE, context)


def import_job_status_view(model_admin, request, job_id):
    job = _job(model_admin, request, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "progress": job.progress,
            "finished": job.finished,
        }
    )
