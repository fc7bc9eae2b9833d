"""Aplikasi penanganan pengaduan warga."""
