from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"
    verbose_name = _("App catalog")

    def ready(self):
        # This app's panels on lower apps' pages (registry/panels.py); the pages keep their own views.
        from . import panels

        panels.register()
        panels.register_home()
