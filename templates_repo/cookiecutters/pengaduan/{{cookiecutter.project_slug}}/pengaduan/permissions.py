"""Siapa boleh membuka halaman petugas dan menangani laporan mana."""

from .models import Officer


def officer_of(user):
    """Profil petugas OPD milik ``user``, atau None."""
    if not user.is_authenticated:
        return None
    try:
        return user.officer
    except Officer.DoesNotExist:
        return None


def user_is_staff_member(user):
    """Halaman petugas terbuka bagi staf (is_staff) dan petugas OPD yang aktif."""
    return bool(user.is_authenticated and user.is_active and (user.is_staff or officer_of(user) is not None))


def user_can_handle_report(user, report):
    """Superuser dan staf tanpa OPD menangani semua laporan; petugas OPD hanya laporan OPD-nya."""
    if not user_is_staff_member(user):
        return False
    if user.is_superuser:
        return True
    officer = officer_of(user)
    return officer is None or officer.agency_id == report.agency_id


def user_can_transfer_report(user, report):
    """Memindahkan laporan salah alamat ke OPD lain: siapa pun yang kini boleh menanganinya, selama masih terbuka."""
    return report.is_open and user_can_handle_report(user, report)


def user_is_coordinator(user):
    """Koordinator (superuser atau staf yang tidak terikat OPD) boleh mengeskalasikan semua laporan sekaligus."""
    return user_is_staff_member(user) and (user.is_superuser or (user.is_staff and officer_of(user) is None))
