"""The WSGI entry point loads every view up front and keeps what it loaded out of full GC passes."""

import gc
import sys


def test_the_wsgi_module_imports_the_urlconf_and_freezes_what_it_loaded():
    import config.wsgi  # noqa: F401

    assert "config.urls" in sys.modules
    assert "catalog.api.views" in sys.modules  # a view module, imported before any request
    assert gc.get_freeze_count() > 100_000
