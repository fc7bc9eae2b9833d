from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TemplatesRepoConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "templates_repo"
    verbose_name = _("Template library")

    def ready(self):
        # This app's panels on lower apps' pages (registry/panels.py); the pages keep their own views.
        from . import panels

        panels.register()
        panels.register_charts()
        # The templates reproducing an app are part of what the app is found by (catalog/search/).
        from . import search

        search.register()
        # The tasks, registered in every process: the services queue them by name, and a registered task is
        # sent as itself (run in place when CELERY_TASK_ALWAYS_EAGER is set).
        from . import tasks  # noqa: F401
