import datetime
import time

import pytest
from django.core import mail
from django.utils import timezone

from registry.models import MoUNotice
from registry.tasks import send_mou_expiry_notices
from tests import factories
from tests.conftest import member_of


@pytest.mark.django_db
def test_task_calls_the_service(regions):
    member_of("33.25", "editor")
    factories.MoUFactory(ends_on=timezone.localdate() + datetime.timedelta(days=7))
    assert send_mou_expiry_notices.apply().get() == 1
    assert len(mail.outbox) == 1


@pytest.mark.worker
def test_real_worker_sends_expiry_notice_once(celery_worker_process):
    member_of("33.25", "editor", "editor-batang")
    mou = factories.MoUFactory(ends_on=timezone.localdate() + datetime.timedelta(days=7))

    first = send_mou_expiry_notices.delay()
    assert first.get(timeout=60) == 1
    notice = MoUNotice.objects.get(mou=mou)
    assert notice.kind == "expiring"
    assert notice.recipients == ["editor-batang@example.test"]

    second = send_mou_expiry_notices.delay()
    assert second.get(timeout=60) == 0
    assert MoUNotice.objects.filter(mou=mou).count() == 1

    deadline = time.monotonic() + 10
    while not list(celery_worker_process.mail_dir.glob("*.log")) and time.monotonic() < deadline:
        time.sleep(0.1)
    messages = [path.read_text() for path in celery_worker_process.mail_dir.glob("*.log")]
    assert len(messages) == 1
    assert mou.title in messages[0]
    assert "editor-batang@example.test" in messages[0]
