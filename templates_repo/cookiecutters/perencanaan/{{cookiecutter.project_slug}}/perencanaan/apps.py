from django.apps import AppConfig


class PerencanaanConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "perencanaan"
    verbose_name = "E-planning (musrenbang)"

    def ready(self):
        from . import checks  # noqa: F401  (mendaftarkan pemeriksaan --deploy)
