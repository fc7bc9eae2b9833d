from django.apps import AppConfig


class SantunanConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "santunan"
    verbose_name = "Santunan kematian"

    def ready(self):
        from . import checks  # noqa: F401  (mendaftarkan pemeriksaan sistem)
