"""Perintah manajemen aplikasi pengaduan."""
