"""The admin page that imports a region's app inventory from a CSV or XLSX file.

Wired into the App admin by its get_urls():
    path("import/", self.admin_site.admin_view(partial(import_apps_view, self)), name="catalog_app_import")
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.choices import RegionKind
from registry.models import Region

from .importers import MAX_BYTES, MAX_ROWS, apps_import_file, describe_columns
from .models import App

TEMPLATE = "admin/catalog/app/import_apps.html"


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
        self.fields["file"].help_text = _(
            "CSV (UTF-8, comma or semicolon separated) or XLSX; the first row names the columns. "
            "At most %(mb)d MB and %(rows)d rows."
        ) % {"mb": MAX_BYTES // (1024 * 1024), "rows": MAX_ROWS}


def _url(name: str, model_admin, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs or None, current_app=model_admin.admin_site.name)
    except NoReverseMatch:
        return ""


def import_apps_view(model_admin, request):
    """Show the import form; import on POST: redirect to the app list, or show every row's errors."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    opts = App._meta
    changelist_url = _url(f"admin:{opts.app_label}_{opts.model_name}_changelist", model_admin)
    report = None
    if request.method == "POST":
        form = AppImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = apps_import_file(
                region=form.cleaned_data["region"],
                file=upload,
                filename=upload.name,
                created_by=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
            if report.ok and not report.dry_run:
                messages.success(request, report.summary())
                return redirect(changelist_url or _url("admin:index", model_admin) or request.path)
    else:
        form = AppImportForm()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import apps from a CSV or XLSX file"),
        "opts": opts,
        "app_label": opts.app_label,
        "app_list_url": _url("admin:app_list", model_admin, app_label=opts.app_label),
        "changelist_url": changelist_url,
        "form": form,
        "report": report,
        "columns": describe_columns(),
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, TEMPLATE, context)
