"""Sending notices once: each recipient's e-mail claimed by its `Notice` row as it is handed over."""

import logging
from collections.abc import Callable, Iterable

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from ..choices import NoticeKind
from ..models import Notice
from .composition import Message

logger = logging.getLogger("replication.notices")


class NoticeNotSent(Exception):
    """Some e-mails could not be handed to the mail server; they were not recorded, a retry sends them."""


def deliver(kind: NoticeKind, key: str, recipients: Iterable[str], compose: Callable[[], Message]) -> int:
    """Send the notice (`kind`, `key`) to each of `recipients` who has not had it; the number sent.

    A recipient's notice is claimed by inserting its `Notice` row (unique on kind, key and recipient)
    in a transaction that stays open while the e-mail is handed to the mail server, as registry's MoU
    expiry notices are:

    - the row is there already: a run before this one sent it (it is left out below), or a run at the
      same moment holds it (the insert waits for that run's transaction and then fails with
      IntegrityError): that run sends, this one does not;
    - sending fails: the exception rolls the row back, so the retry (the task's, or tomorrow's run for
      the daily notices) sends it; the other recipients are still served;
    - the process dies after the mail server took the e-mail and before the commit: the row is rolled
      back with the transaction and the retry sends the e-mail again. Handing an e-mail over and
      recording it cannot be one step; a rare second e-mail is preferred to a lost one.

    Recording first in a transaction of its own would lose the notice whenever sending fails;
    recording after sending would send it twice whenever two runs meet.
    """
    recipients = set(recipients)
    already = set(
        Notice.objects.filter(kind=kind, key=key, recipient__in=recipients).values_list(
            "recipient", flat=True
        )
    )
    pending = sorted(recipients - already)
    if not pending:
        return 0
    message = compose()
    sent, failed = 0, []
    for recipient in pending:
        try:
            with transaction.atomic():
                Notice.objects.create(kind=kind, key=key, recipient=recipient)
                email = EmailMessage(subject=message.subject, body=message.body, to=[recipient])
                for filename, content, mimetype in message.attachments:
                    email.attach(filename, content, mimetype)
                email.send()
        except IntegrityError:
            continue  # another run holds or has sent this one
        except Exception as exc:  # the mail server refused or is unreachable: not recorded, retried
            logger.warning("Notice %s %s to %s not sent: %s", kind, key, recipient, exc, exc_info=True)
            failed.append(recipient)
            continue
        sent += 1
    logger.info("Notice %s %s: %d sent, %d failed", kind, key, sent, len(failed))
    if failed:
        raise NoticeNotSent(f"{kind} {key}: {len(failed)} of {len(pending)} e-mails not sent")
    return sent


def deliver_each(notices: Iterable[tuple[NoticeKind, str, set[str], Callable[[], Message]]]) -> int:
    """Deliver each of a day's notices; one that cannot be sent does not hold up the others (NoticeNotSent
    is raised at the end then)."""
    sent, failures = 0, []
    for kind, key, recipients, compose in notices:
        try:
            sent += deliver(kind, key, recipients, compose)
        except NoticeNotSent as exc:
            failures.append(str(exc))
    if failures:
        raise NoticeNotSent("; ".join(failures))
    return sent
