"""The fork admin links the archive to its download view, not to MEDIA_URL (which serves nothing)."""

import pytest
from django.core.files.base import ContentFile

from templates_repo.choices import ForkStatus
from templates_repo.models import Fork, Template, TemplateVersion
from tests import factories

pytestmark = pytest.mark.django_db


def test_fork_admin_links_the_archive_to_the_download_view(client, regions, media_root):
    template = Template.objects.create(
        slug="uji",
        name="Uji",
        description="Uji.",
        category="pengaduan",
        mentor_region=factories.region("33.74"),
    )
    version = TemplateVersion.objects.create(template=template, number=1, content_hash="0" * 64)
    staff = factories.StaffFactory(is_superuser=True)
    fork = Fork.objects.create(
        template=template,
        version=version,
        region=factories.region("33.25"),
        requested_by=staff,
        status=ForkStatus.SUCCEEDED,
        context={"project_slug": "uji_batang"},
    )
    fork.archive.save(f"{fork.pk}-1.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    client.force_login(staff)
    page = client.get(f"/admin/templates_repo/fork/{fork.pk}/change/").content.decode()
    assert f'<a href="/salinan/{fork.pk}/unduh/">uji_batang.zip</a>' in page
    assert "/media/" not in page
    download = client.get(f"/salinan/{fork.pk}/unduh/")
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
