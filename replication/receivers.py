"""Replication's receivers of lower apps' signals, connected in ReplicationConfig.ready(). Each only
calls a service."""

from .services.contacts import mentor_contacts_record_declared


def app_mentors_declared(sender, *, app, mentors, notes, **kwargs) -> None:
    """catalog.signals.app_mentors_declared: the mentors a publiccode.yml declared are whom to ask."""
    mentor_contacts_record_declared(app=app, mentors=mentors, notes=notes)
