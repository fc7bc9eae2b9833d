"""Tes aplikasi pengaduan (jalankan: python manage.py test)."""
