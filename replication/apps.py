from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReplicationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "replication"
    verbose_name = _("Replication and mentoring")

    def ready(self):
        # This app's panels on lower apps' pages (registry/panels.py); the pages keep their own views.
        from catalog.signals import app_mentors_declared

        from . import panels, receivers, tasks  # noqa: F401 (tasks: registered in every process, queued by name)

        panels.register()
        # The mentors a publiccode.yml import declares are recorded as this app's mentor contacts.
        app_mentors_declared.connect(
            receivers.app_mentors_declared, dispatch_uid="replication.mentors_declared"
        )
