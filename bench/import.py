"""Inventory import: the hand-written row checks and write against a django-import-export resource.

    .venv/bin/python bench/import.py [--rows 500 2000] [--rounds 2]

Both run on the same rows (read once from one CSV with catalog.importers.read_rows, so the reading and
its checks, which the two share, are not timed), into the same throwaway database (a temporary SQLite
file, or BENCH_DATABASE_URL), in alternating order, for four cases: creating every app, importing the
same file again (every row unchanged), a dry run, and a file whose last row is invalid (nothing saved).
Printed: the best time of each and the ratio of the resource to the current importer. Nothing is
asserted here; the tests (tests/catalog/test_import*.py) hold the behaviour.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(folder: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _region():
    from registry.models import Agency, Region
    from registry.services import region_load_from_lokal

    if not Region.objects.filter(code="33.25").exists():
        region_load_from_lokal()
    region = Region.objects.get(code="33.25")
    for name, short in (("Dinas Komunikasi dan Informatika", "Diskominfo"), ("Dinas Sosial", "Dinsos")):
        Agency.objects.get_or_create(region=region, short_name=short, defaults={"name": name})
    return region


def _timed(function, region, rows, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    report = function(region=region, rows=[dict(row) for row in rows], **kwargs)
    return time.perf_counter() - start, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _setup(folder)
        from django.db import connection
        from django.utils import translation

        from bench.import_resource import apps_import_with_resource
        from catalog.importers import apps_import, read_rows
        from catalog.models import App
        from tests.catalog.test_import import inventory, to_csv

        translation.activate("en")
        region = _region()
        importers = {"current": apps_import, "resource": apps_import_with_resource}
        print(f"database: {connection.vendor}")
        for count in options.rows:
            rows = read_rows(io.BytesIO(to_csv(inventory(count))), filename="bench.csv")
            invalid = [dict(row) for row in rows]
            invalid[-1]["license"] = "Bebas dipakai"
            best: dict[tuple[str, str], float] = {}
            for round_number in range(options.rounds):
                order = list(importers) if round_number % 2 == 0 else list(reversed(importers))
                for name in order:
                    function = importers[name]
                    App.objects.all().delete()
                    cases = [
                        ("dry run", rows, {"dry_run": True}, (count, 0, 0)),
                        ("last row invalid", invalid, {}, (0, 0, 0)),
                        ("create", rows, {}, (count, 0, 0)),
                        ("unchanged", rows, {}, (0, 0, count)),
                    ]
                    for case, case_rows, kwargs, expected in cases:
                        seconds, report = _timed(function, region, case_rows, **kwargs)
                        got = (report.created, report.updated, report.unchanged)
                        assert got == expected and report.ok == (case_rows is rows), (name, case, got)
                        key = (case, name)
                        best[key] = min(best.get(key, seconds), seconds)
            for case in ("create", "unchanged", "dry run", "last row invalid"):
                current, resource = best[(case, "current")], best[(case, "resource")]
                print(
                    f"{count:>5} rows  {case:<17} current {current:7.2f} s   resource {resource:7.2f} s"
                    f"   ratio {resource / current:5.2f}"
                )
        App.objects.all().delete()


if __name__ == "__main__":
    main()
