"""Django's SQLite backend, creating the database file's folder when it first opens the file.

Settings only name the file (``var/lumbung.sqlite3`` by default) and importing them creates nothing.
SQLite creates a missing file but not a missing folder ("unable to open database file"), so the folder is
made here, by whichever process connects first: ``manage.py``, the web server, a Celery worker or the
test suite (whose database is another file in the same folder, see tests/conftest.py).
"""

from pathlib import Path

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        name = str(conn_params["database"])
        # Not for an in-memory database, nor for a "file:" URI (SQLite reads its options from it).
        if not self.creation.is_in_memory_db(name) and not name.startswith("file:"):
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        return super().get_new_connection(conn_params)
