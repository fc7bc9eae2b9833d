"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Every view imported now rather than by the first request, then what was loaded left out of the
# garbage collector's full passes (gc.freeze): they walked these 200,000 long-lived objects every few
# thousand requests, 70-100 ms each time on a 2-core machine, and a request caught behind one waited
# that long (the catalog benchmark's bare view had a p95 of 500-700 ms for a p50 of 1.3 ms).
get_resolver().url_patterns  # noqa: B018 (imports the URLconf and its views)
gc.collect()
gc.freeze()
