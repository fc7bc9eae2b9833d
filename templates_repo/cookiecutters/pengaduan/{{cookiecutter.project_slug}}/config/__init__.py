"""Konfigurasi proyek Django (settings, URL, nilai daerah)."""
