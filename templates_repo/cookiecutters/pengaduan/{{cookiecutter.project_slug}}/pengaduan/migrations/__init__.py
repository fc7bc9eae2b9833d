"""Migrasi basis data aplikasi pengaduan."""
