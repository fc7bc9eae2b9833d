"""Pages of a copy's updates (prepare one from the copy's page, follow it, read its changelog, files and
diffs, download the patch, say it is applied; the API's twin is api/updates.py, both write through
services.update_request / update_mark_applied), and of two versions of a template compared."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.errors import form_errors
from config.uploads import file_response

from .. import selectors, services
from ..choices import ForkStatus
from ..models import Fork, Template, TemplateUpdate

INLINE_DIFF_MAX_BYTES = 512 * 1024  # a larger patch is downloaded, not shown line by line
VALUE_PREFIX = "v_"  # the form's fields for parameters a newer version adds


def update_offer(request, fork: Fork) -> dict:
    """What the copy's page says about updates: the version it is at, how far behind, the changelogs
    since, the values a newer version asks for, and its earlier updates."""
    at = fork.current_version or fork.version
    newer = list(selectors.newer_versions(fork.template, after=at.number))
    before = {parameter["name"] for parameter in at.parameters}
    added = [p for p in (newer[0].parameters if newer else []) if p["name"] not in before]
    return {
        "at_version": at,
        "newer_versions": newer,
        "added_parameters": added,
        "updates": TemplateUpdate.objects.filter(fork=fork).select_related("from_version", "to_version")[:10],
    }


@require_POST
@login_required
def update_create(request, pk):
    """ "Siapkan pembaruan": the copy's page's form; to the update's page, or back with the errors (400)."""
    fork = get_object_or_404(Fork.objects.restrict(request.user).select_related("template", "version"), pk=pk)
    values = {
        key[len(VALUE_PREFIX) :]: value for key, value in request.POST.items() if key.startswith(VALUE_PREFIX)
    }
    try:
        update, _created = services.update_request(user=request.user, fork=fork, values=values)
    except PermissionDenied as exc:
        raise PermissionDenied(services.update_permission_message()) from exc
    except ValidationError as exc:
        errors = [f"{field}: {' '.join(messages_)}" if field else " ".join(messages_)
                  for field, messages_ in form_errors(exc).items()]  # fmt: skip
        return render(
            request, "templates_repo/update_refused.html", {"fork": fork, "errors": errors}, status=400
        )
    return redirect("templates_repo:update-detail", pk=update.pk)


def diff_lines(section: str) -> list[tuple[str, str]]:
    """One file's diff as (css class, line) pairs: header lines, hunk headers, additions, removals."""
    lines = []
    for line in section.splitlines()[1:]:
        if line.startswith(("+++", "---", "index ", "similarity", "rename ", "new file", "deleted file",
                            "old mode", "new mode", "GIT binary", "literal ", "delta ")):  # fmt: skip
            kind = "meta"
        elif line.startswith("@@"):
            kind = "hunk"
        else:
            kind = {"+": "add", "-": "del"}.get(line[:1], "ctx")
        lines.append((kind, line))
    return lines


def _diffs(update: TemplateUpdate) -> dict[str, list[tuple[str, str]]]:
    """Each text file's diff, when the patch is small enough to show."""
    if (
        update.status != ForkStatus.SUCCEEDED
        or not update.patch
        or (update.patch_size or 0) > INLINE_DIFF_MAX_BYTES
    ):
        return {}
    with update.patch.open("rb") as handle:
        text = handle.read().decode("utf-8", "replace")
    return {path: diff_lines(section) for path, section in services.patches.split_patch(text).items()}


@login_required
def update_detail(request, pk):
    update = get_object_or_404(
        TemplateUpdate.objects.restrict(request.user).select_related(
            "fork__template", "fork__region", "from_version", "to_version"
        ),
        pk=pk,
    )
    diffs = _diffs(update)
    files = [{**item, "diff": diffs.get(item["path"], [])} for item in update.files]
    return render(
        request,
        "templates_repo/update_detail.html",
        {
            "update": update,
            "fork": update.fork,
            "files": files,
            "running": update.status in (ForkStatus.QUEUED, ForkStatus.RUNNING),
            "succeeded": update.status == ForkStatus.SUCCEEDED,
            "inline_diff": bool(diffs),
        },
    )


@login_required
def update_patch(request, pk):
    update = get_object_or_404(
        TemplateUpdate.objects.restrict(request.user).select_related(
            "fork__template", "from_version", "to_version"
        ),
        pk=pk,
        status=ForkStatus.SUCCEEDED,
    )
    if not update.patch:
        raise Http404
    return file_response(update.patch, content_type="text/x-patch", filename="update.patch")


@require_POST
@login_required
def update_applied(request, pk):
    update = get_object_or_404(TemplateUpdate.objects.restrict(request.user).select_related("fork"), pk=pk)
    try:
        services.update_mark_applied(update=update, user=request.user)
    except PermissionDenied as exc:
        raise PermissionDenied(services.update_permission_message()) from exc
    except ValidationError:
        raise Http404 from None
    messages.success(
        request, _("Recorded: the copy is at version %(number)d.") % {"number": update.to_version.number}
    )
    return redirect(update.fork.get_absolute_url())


class CompareForm(forms.Form):
    """Two versions of a template to compare (`?dari=1&ke=2`)."""

    # Lazy: a class attribute is made once, at import, before any page's language is active.
    dari = forms.TypedChoiceField(label=gettext_lazy("From version"), coerce=int)
    ke = forms.TypedChoiceField(label=gettext_lazy("To version"), coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(number, _("Version %(number)d") % {"number": number}) for number in numbers]
        self.fields["dari"].choices = self.fields["ke"].choices = choices


def template_compare(request, slug):
    """Two versions of a template side by side, as rendered with its defaults: files and diffs."""
    template = get_object_or_404(Template, slug=slug)
    versions = {version.number: version for version in template.versions.all()}
    numbers = sorted(versions, reverse=True)
    if len(numbers) < 2:
        raise Http404
    data = request.GET or {"dari": numbers[1], "ke": numbers[0]}
    form = CompareForm(data, numbers=numbers)
    context = {"template": template, "form": form, "files": []}
    if not form.is_valid():
        return render(request, "templates_repo/compare.html", context, status=400)
    old, new = versions[form.cleaned_data["dari"]], versions[form.cleaned_data["ke"]]
    compared = services.version_compare(old, new) if old != new else {"files": [], "diffs": {}}
    context.update(
        old=old,
        new=new,
        inline_diff=True,
        files=[
            {**item, "diff": diff_lines(compared["diffs"].get(item["path"], ""))}
            for item in compared["files"]
        ],
    )
    return render(request, "templates_repo/compare.html", context)
