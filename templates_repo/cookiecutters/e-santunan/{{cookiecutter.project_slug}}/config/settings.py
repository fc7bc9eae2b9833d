"""Pengaturan Django. Nilai khusus daerah datang dari config/region.py."""
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config import region

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Isi DJANGO_SECRET_KEY bila DJANGO_DEBUG=0.")
    SECRET_KEY = "dev-only-insecure-key-" + region.PROJECT_SLUG + "-ganti-sebelum-dipakai-sungguhan"

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "santunan",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
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
                "santunan.context_processors.region",
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
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Akta kematian berisi data pribadi: disimpan di sini tetapi TIDAK dilayani lewat URL publik.
# Petugas mengunduhnya lewat halaman petugas (lihat santunan.views.staff_claim_certificate).
MEDIA_ROOT = BASE_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "santunan:staff_claim_list"
LOGOUT_REDIRECT_URL = "santunan:home"

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Nilai daerah (dari config/region.py) ---
PROJECT_NAME = region.PROJECT_NAME
REGION_NAME = region.REGION_NAME
REGION_CODE = region.REGION_CODE
PROVINCE_NAME = region.PROVINCE_NAME
MENTOR_REGION_NAME = region.MENTOR_REGION_NAME
PRIMARY_COLOR = region.PRIMARY_COLOR
ACCENT_COLOR = region.ACCENT_COLOR
AGENCIES = region.AGENCIES

SANTUNAN_BENEFIT_AMOUNT = region.BENEFIT_AMOUNT
SANTUNAN_REQUIRE_DEATH_CERTIFICATE = region.REQUIRE_DEATH_CERTIFICATE
SANTUNAN_PAYING_AGENCY = region.PAYING_AGENCY
SANTUNAN_MAX_UPLOAD_MB = region.MAX_UPLOAD_MB
