from django.apps import AppConfig


class PengaduanConfig(AppConfig):
    """Aplikasi penanganan pengaduan warga."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "pengaduan"
    verbose_name = "Pengaduan"

    def ready(self):
        from . import checks  # noqa: F401  (mendaftarkan pemeriksaan konfigurasi daerah)
