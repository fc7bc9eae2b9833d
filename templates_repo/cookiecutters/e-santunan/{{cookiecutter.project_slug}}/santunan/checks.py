"""Pemeriksaan sistem Django (manage.py check --deploy) khusus aplikasi ini."""
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

DEMO_ADMIN_ID = "santunan.E001"


@register(Tags.security, deploy=True)
def check_no_demo_admin_in_production(app_configs=None, **kwargs):
    """Akun admin demo (nama dan kata sandi tercetak di README dan kode) tidak boleh ada bila DEBUG mati."""
    if settings.DEBUG:
        return []
    from django.contrib.auth import get_user_model

    from .management.commands.ensure_demo_admin import DEMO_PASSWORD, DEMO_USERNAME

    try:
        user = get_user_model().objects.filter(username=DEMO_USERNAME).first()
    except DatabaseError:
        # Basis data belum ada atau belum dimigrasi: belum mungkin ada akun demo.
        return []
    if user is None or not user.check_password(DEMO_PASSWORD):
        return []
    return [
        Error(
            f'Akun admin demo "{DEMO_USERNAME}" dengan kata sandi demo masih ada, padahal DEBUG mati.',
            hint=(
                "Kata sandinya tercantum di kode sumber yang dibagikan. Hapus akun itu "
                f'(manage.py shell -c "from django.contrib.auth import get_user_model; '
                f"get_user_model().objects.filter(username='{DEMO_USERNAME}').delete()\") "
                "atau ganti kata sandinya (manage.py changepassword "
                f"{DEMO_USERNAME}), lalu buat akun petugas sungguhan dengan manage.py createsuperuser."
            ),
            id=DEMO_ADMIN_ID,
        )
    ]
