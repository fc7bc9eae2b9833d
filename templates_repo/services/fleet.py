"""Telling the regions whose copy of a template is behind that a new version is out.

`template_sync` calls `fleet_version_published` when it records a new version of a template folder; the
task (`tasks.notify_new_version`, queued by name after commit) calls `fleet_notify_new_version`, which
e-mails the developers and administrators (`permissions.new_version_recipients`) of every region with a
succeeded copy at an older version: one e-mail per person and version, naming all their copies behind,
the changelog since the oldest of them, and the link to each copy's page (where the update is asked for).

Sent through the replication app's notices (`replication.notices.deliver`, kind TEMPLATE_VERSION, key the
version): each e-mail is recorded as it goes out, so a task delivered twice, or a second sync, sends
nothing more.
"""

import re
from collections import defaultdict

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.celery_app import app as celery_app
from config.queueing import enqueue_on_commit
from registry import permissions
from replication import ics
from replication.choices import NoticeKind
from replication.notices import JAKARTA, LANGUAGE, Message, NoticeNotSent, deliver

from .. import selectors
from ..models import Fork, Template, TemplateVersion

# Queued by name: services do not import tasks.
NEW_VERSION_TASK = "templates_repo.tasks.notify_new_version"


def fleet_version_published(*, template: Template, number: int) -> None:
    """Queue, once the transaction commits, the e-mails about version `number` of `template`."""
    version_id = template.versions.filter(number=number).values_list("pk", flat=True).get()
    enqueue_on_commit(celery_app.signature(NEW_VERSION_TASK), str(version_id))


def notice_key(version: TemplateVersion) -> str:
    return f"template-version-{version.pk}"


def _recipients(copies: list[Fork]) -> dict[str, list[Fork]]:
    """{e-mail address: the copies behind of the regions that person is a developer or admin of}."""
    regions = {copy.region_id for copy in copies}
    memberships = (
        permissions.new_version_recipients(regions)
        .exclude(user__email="")
        .values_list("user__email", "region_id")
        .distinct()
    )
    by_region: dict[str, set[str]] = defaultdict(set)
    for email, region in memberships:
        by_region[region].add(email)
    recipients: dict[str, list[Fork]] = defaultdict(list)
    for copy in copies:
        for email in sorted(by_region[copy.region_id]):
            recipients[email].append(copy)
    return recipients


def _message(version: TemplateVersion, copies: list[Fork], versions: list[TemplateVersion]) -> Message:
    """The e-mail (Bahasa Indonesia) about `version` to one person with `copies` behind it."""
    template = version.template
    site = ics.site_url()
    oldest = min(copy.at_number for copy in copies)
    with translation.override(LANGUAGE), timezone.override(JAKARTA):
        subject = _("New version of %(template)s: version %(number)s") % {
            "template": template.name,
            "number": version.number,
        }
        lines = [
            _("The template %(template)s (mentor: %(mentor)s) has a new version: version %(number)s.")
            % {"template": template.name, "mentor": template.mentor_region.name, "number": version.number},
            "",
            _("Your region's copies at an older version:"),
        ]
        for copy in copies:
            lines.append(
                _("- %(region)s: at version %(at)s. Ask for the update on its page: %(link)s")
                % {"region": copy.region.name, "at": copy.at_number, "link": site + copy.get_absolute_url()}
            )
        lines += ["", _("What changed since version %(number)s:") % {"number": oldest}]
        for between in versions:
            if between.number > oldest:
                heading = _("Version %(number)s") % {"number": between.number}
                lines += ["", f"## {heading}", "", between.changelog.strip() or _("(no notes)")]
        lines += [
            "",
            _("The update is a patch from your copy's version to the new one, made with your copy's "
              "settings; your own changes are kept where they do not touch the same lines."),
            "",
            _("This e-mail goes to the developers and administrators of the region in Lumbung."),
        ]  # fmt: skip
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    return Message(subject=" ".join(subject.split()), body=body)


def fleet_notify_new_version(*, version_id: int) -> int:
    """E-mail the developers and administrators of every region whose succeeded copy of the template is
    at an older version than `version_id`; the number of e-mails sent. Nothing when the version is gone or
    no longer the newest (the newer version's notice tells them), nothing twice."""
    version = TemplateVersion.objects.select_related("template__mentor_region").filter(pk=version_id).first()
    if version is None:
        return 0
    template = version.template
    if template.versions.filter(number__gt=version.number).exists():
        return 0
    copies = list(selectors.fleet_all(template).filter(at_number__lt=version.number))
    if not copies:
        return 0
    oldest = min(copy.at_number for copy in copies)
    versions = list(
        template.versions.filter(number__gt=oldest, number__lte=version.number)
        .only("number", "changelog")
        .order_by("number")
    )
    sent = 0
    failures = []
    for email, own_copies in sorted(_recipients(copies).items()):
        try:
            sent += deliver(
                NoticeKind.TEMPLATE_VERSION,
                notice_key(version),
                [email],
                lambda own_copies=own_copies: _message(version, own_copies, versions),
            )
        except NoticeNotSent as exc:  # one address the mail server refused does not hold up the others
            failures.append(exc)
    if failures:
        raise failures[0]
    return sent
