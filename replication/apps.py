from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReplicationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "replication"
    verbose_name = _("Replication and mentoring")

    def ready(self):
        # This app's panels on lower apps' pages (registry/panels.py); the pages keep their own views.
        from . import panels, tasks  # noqa: F401 (tasks: registered in every process, as queued by name)

        panels.register()
