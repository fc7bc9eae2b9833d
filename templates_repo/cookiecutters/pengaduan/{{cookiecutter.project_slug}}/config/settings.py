"""Pengaturan Django untuk aplikasi pengaduan.

Nilai khas daerah (nama daerah, SLA, daftar OPD, warna, dll.) berasal dari ``config/region.py``.
Nilai rahasia dan mode debug dibaca dari variabel lingkungan (lihat README.md).
"""

import os
from pathlib import Path

from config import region

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-ganti-di-produksi-" + region.PROJECT_SLUG)
DEBUG = os.environ.get("DJANGO_DEBUG", "1").lower() in ("1", "true", "yes", "on")
ALLOWED_HOSTS = [
    host.strip() for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "pengaduan",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pengaduan.context_processors.region",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
# Asia/Jakarta (WIB) kecuali daerah di zona WITA/WIT: batas waktu SLA ditampilkan dalam jam setempat.
TIME_ZONE = region.TIME_ZONE
TIME_ZONE_LABEL = region.TIME_ZONE_LABEL
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Foto lampiran tidak disajikan sebagai berkas publik: hanya petugas yang dapat melihatnya lewat aplikasi.
MEDIA_ROOT = BASE_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "pengaduan:staff_report_list"
LOGOUT_REDIRECT_URL = "pengaduan:home"

# Nilai daerah (dari config/region.py), dibaca aplikasi lewat django.conf.settings.
PROJECT_NAME = region.PROJECT_NAME
PROJECT_SLUG = region.PROJECT_SLUG
REGION_NAME = region.REGION_NAME
REGION_CODE = region.REGION_CODE
PROVINCE_NAME = region.PROVINCE_NAME
MENTOR_REGION_NAME = region.MENTOR_REGION_NAME
PRIMARY_COLOR = region.PRIMARY_COLOR
ACCENT_COLOR = region.ACCENT_COLOR
AGENCIES = region.AGENCIES
SLA_HOURS = region.SLA_HOURS
ESCALATION_OFFICER = region.ESCALATION_OFFICER
ALLOW_ANONYMOUS_REPORTS = region.ALLOW_ANONYMOUS_REPORTS
PHOTO_MAX_MB = region.PHOTO_MAX_MB

# Pemberitahuan perubahan status kepada pelapor (lihat README.md, bagian "Pemberitahuan kepada pelapor").
# E-mail: backend e-mail Django. Bawaan: dicetak ke konsol saat DEBUG, SMTP (EMAIL_HOST dst.) di server.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("DJANGO_EMAIL_USE_TLS", "0").lower() in ("1", "true", "yes", "on")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")
# SMS/WhatsApp: jalur bertitik ke kelas (dengan metode send(*, to, message)) atau fungsi (*, to, message).
# Bawaan ConsoleSmsGateway hanya mencetak pesan ke log/stdout; ganti dengan gateway penyedia layanan Anda.
PENGADUAN_SMS_GATEWAY = os.environ.get("PENGADUAN_SMS_GATEWAY", "pengaduan.notifications.ConsoleSmsGateway")
# Alamat situs (mis. https://pengaduan.contoh.go.id) agar pesan memuat tautan lengkap ke halaman lacak.
PENGADUAN_SITE_URL = os.environ.get("PENGADUAN_SITE_URL", "")

if not DEBUG:
    SESSION_COOKIE_SECURE = os.environ.get("DJANGO_SECURE_COOKIES", "1") == "1"
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
