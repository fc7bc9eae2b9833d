"""Catalog benchmark: 100,000 apps in PostgreSQL, gunicorn with 2 workers, wrk on loopback.

    .venv/bin/python bench/catalog.py            # generate (once) and measure
    .venv/bin/python bench/catalog.py --duration 5 --apps 20000

Every scenario is measured against a bare JsonResponse view served by the same gunicorn in the same run,
so the ratios hold on a noisy machine where absolute times do not. Two server configurations run one
after the other: with the shared Redis cache (as in production) and with caching turned off, which is
what the search comparison and the "uncached" figures use. Needs PostgreSQL, Redis and wrk
(`apt-get install wrk`); the database is `lumbung_bench` unless BENCH_DATABASE_URL says otherwise.
"""

import argparse
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages (bench, config, catalog)

from bench.serve import free_port, start_server, wrk  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lumbung_bench")
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/7")
SEARCH_TERMS = [
    "santunan",
    "puskesmas",
    "musrenbang",
    "retribusi",
    "perizinan",
    "beasiswa",
    "posyandu",
    "kepegawaian",
    "jalan rusak",
    "wisata",
    "sampah",
    "bansos",
    "absensi",
    "anggaran",
    "pengadaan",
]


def django_setup(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_database() -> None:
    import psycopg

    dbname = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')


WORDS = {
    "pengaduan": ["Lapor", "Aduan Warga", "Pengaduan Online", "Suara Rakyat", "Jalan Rusak", "Respon Cepat"],
    "bantuan-sosial": ["Santunan Kematian", "Bansos Tepat", "Data Terpadu Sosial", "Beasiswa Miskin"],
    "perencanaan": ["Musrenbang", "E-Planning", "Usulan Desa", "Pokir"],
    "penganggaran": ["E-Budgeting", "Anggaran Daerah", "Pagu Indikatif"],
    "pengadaan": ["E-Delivery", "Pengadaan Barang", "Katalog Lokal"],
    "informasi-publik": ["PPID", "Informasi Publik", "Open Data"],
    "command-center": ["Command Center", "Dashboard Kota", "CCTV Kota"],
    "layanan-desa": ["Smart Village", "Surat Desa", "Posyandu Digital"],
    "kesehatan": ["Antrean Puskesmas", "Rujukan Online", "Posyandu"],
    "pendidikan": ["PPDB", "Beasiswa", "Rapor Digital"],
    "pariwisata": ["Wisata Daerah", "Tiket Wisata", "Kalender Event"],
    "infrastruktur-jalan": ["Jalan Cantik", "Lapor Jalan", "Peta Jalan"],
    "kepegawaian": ["Absensi ASN", "Kepegawaian", "E-Kinerja"],
    "perizinan": ["Perizinan Online", "Izin Usaha", "Retribusi"],
}
FILLER = (
    "Aplikasi ini dibangun oleh pemerintah daerah untuk mempercepat layanan kepada masyarakat. "
    "Data tersimpan terpusat, laporan dapat dipantau pimpinan, dan setiap OPD menindaklanjuti sesuai SOP. "
)


def generate(total: int, seed: int = 20261123) -> None:
    """Create `total` synthetic apps spread over all 514 regencies and cities (idempotent by count)."""
    from django.core.management import call_command

    from catalog.choices import DevelopmentStatus, SmartCityDimension, SpbeType
    from catalog.models import App
    from catalog.services import app_refresh_search_vectors, search_document
    from registry.models import Region

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    from replication.models import Replication

    # Only the synthetic apps count: the database may also hold the demo's (load_demo run against it).
    synthetic = App.objects.filter(slug__startswith="bench-")
    if synthetic.count() == total:
        print(f"database already holds {total} apps")
        return
    Replication.objects.filter(app__in=synthetic).delete()  # generate_reuse's: they protect their app
    synthetic.delete()
    rng = random.Random(seed)
    regencies = list(Region.objects.exclude(kind="province").select_related("province"))
    assert len(regencies) == 514
    statuses, dimensions, spbe = DevelopmentStatus.values, SmartCityDimension.values, SpbeType.values
    licenses = ["MIT", "GPL-3.0-or-later", "Apache-2.0", "AGPL-3.0-or-later", "LicenseRef-proprietary"]
    started, batch = time.perf_counter(), []
    for n in range(total):
        region = regencies[n % len(regencies)]
        category = rng.choice(list(WORDS))
        words = rng.choice(WORDS[category])
        name = f"{words} {region.name.replace('Kabupaten ', '').replace('Kota ', '')} {n}"
        app = App(
            name=name,
            slug=f"bench-{n}",
            owner_region=region,
            owner_province=region.province,
            category=category,
            dimension=rng.choice(dimensions),
            spbe_type=rng.choice(spbe),
            status=rng.choice(statuses),
            short_description=f"{words} untuk warga {region.name}.",
            long_description=FILLER + f"Layanan {words.lower()} di {region.name}.",
            features=[words, "Laporan", "Notifikasi"],
            license=rng.choice(licenses),
            adoption_count=rng.randrange(0, 12),
            source="bench/catalog.py (synthetic)",
        )
        app.search_document = search_document(app)
        batch.append(app)
        if len(batch) == 5000:
            App.objects.bulk_create(batch)
            batch = []
    if batch:
        App.objects.bulk_create(batch)
    app_refresh_search_vectors()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE catalog_app")
    print(f"generated {total} apps in {time.perf_counter() - started:.0f} s")


def generate_reuse(seed: int = 20261203) -> None:
    """Adoptions (about one per five apps, dated over five years) and replications (one per fifty) for the
    stats endpoints to aggregate (idempotent: only when the database has none)."""
    import datetime

    from catalog.models import Adoption, App
    from registry.models import Region
    from replication.models import Replication

    if Adoption.objects.exists():
        print(f"database already holds {Adoption.objects.count()} adoptions")
        return
    rng = random.Random(seed)
    regions = list(Region.objects.exclude(kind="province").values_list("code", flat=True))
    apps = list(App.objects.values_list("id", "owner_region_id"))
    first = datetime.date(2021, 1, 1)
    adoptions, replications = [], []
    for app_id, owner in rng.sample(apps, len(apps) // 5):
        region = rng.choice(regions)
        if region == owner:
            continue
        since = first + datetime.timedelta(days=rng.randrange(5 * 365))
        adoptions.append(Adoption(app_id=app_id, region_id=region, stage="live", since=since, verified=True))
        if len(replications) < len(apps) // 50:
            replication = Replication(app_id=app_id, asal_id=owner, penerima_id=region, model="mandiri")
            replications.append(replication)
    Adoption.objects.bulk_create(adoptions, batch_size=5000, ignore_conflicts=True)
    Replication.objects.bulk_create(replications, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:  # without fresh statistics the stats' joins pick nested loops (3x)
        cursor.execute("ANALYZE catalog_adoption")
        cursor.execute("ANALYZE replication_replication")
    print(f"generated {len(adoptions)} adoptions and {len(replications)} replications")


def scenarios(rng: random.Random, total: int) -> dict[str, list[str]]:
    from catalog.choices import AppCategory

    provinces = ["11", "12", "31", "32", "33", "34", "35", "51", "64", "73", "94"]
    categories = [c for c in AppCategory.values if c != "lainnya"]
    return {
        "bare JsonResponse": ["/__bench__/bare/"],
        "list, page of 20": [f"/api/v1/apps/?page={p}" for p in range(1, 51)],
        "list, filtered": [
            f"/api/v1/apps/?category={rng.choice(categories)}&province={rng.choice(provinces)}&status=stable"
            for _ in range(100)
        ],
        "search (full-text)": [f"/api/v1/apps/?search={term.replace(' ', '+')}" for term in SEARCH_TERMS],
        "search (icontains)": [f"/__bench__/icontains/?q={term.replace(' ', '+')}" for term in SEARCH_TERMS],
        "detail": [f"/api/v1/apps/bench-{rng.randrange(total)}/" for _ in range(500)],
        "browse page": ["/aplikasi/"]
        + [
            f"/aplikasi/?category={rng.choice(categories)}&province={rng.choice(provinces)}"
            for _ in range(49)
        ],
        # The national figures behind the charts (issue 13): each aggregates every app, adoption and copy.
        "stats timeline": ["/api/v1/stats/timeline/"]
        + [f"/api/v1/stats/timeline/?category={category}" for category in categories],
        "stats network": ["/api/v1/stats/network/"],
        "stats provinces": ["/api/v1/stats/provinces/"]
        + [f"/api/v1/stats/provinces/?category={category}" for category in categories],
        "stats sla": ["/api/v1/stats/sla/"],
        "stats summary": ["/api/v1/stats/summary/"],
        "dashboard page": ["/dasbor/"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--apps", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--long-tail",
        action="store_true",
        help="thousands of different URLs per scenario, production cache on (bench/longtail.py)",
    )
    parser.add_argument("--urls", type=int, default=6000, help="distinct URLs per long-tail scenario")
    parser.add_argument("--only", default="", help="long tail: only the scenarios whose name contains this")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_MANIFEST": "0",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
        # One client sends hundreds of requests a second: the API rate limits would answer 429. The
        # throttles still run, over a one-second window: DRF keeps a client's request times of the whole
        # window in one cached list, and over a minute that list (tens of thousands of times, read and
        # written on every request) would cost far more than a real client's 120.
        "API_THROTTLE_ANON": "100000000/second",
        "API_THROTTLE_USER": "100000000/second",
        "LUMBUNG_BENCH": "1",
        "LOG_LEVEL": "WARNING",
        "CACHE_URL": CACHE_URL,
    }
    ensure_database()
    django_setup(env)
    generate(args.apps)
    generate_reuse()
    if args.long_tail:
        long_tail(env, args)
        return

    rng = random.Random(7)
    plan = scenarios(rng, args.apps)
    results: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, cache_url in (("cached", CACHE_URL), ("uncached", "dummycache://")):
            if cache_url.startswith("redis"):
                import redis

                redis.Redis.from_url(cache_url).flushdb()
            port = free_port()
            server = start_server({**env, "CACHE_URL": cache_url}, port)
            try:
                results[label] = {
                    name: wrk(port, paths, args.duration, args.connections, Path(tmp))
                    for name, paths in plan.items()
                }
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)

    print(
        f"\n{args.apps} apps, gunicorn 2 workers, wrk {args.connections} connections, {args.duration} s each"
    )
    for label, rows in results.items():
        bare = rows["bare JsonResponse"]
        header = f"{'scenario':<22} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>9} {'vs bare':>8} {'errors':>7}"
        print(f"\n[{label}]  {header}")
        for name, row in rows.items():
            print(
                f"{'':<10}{name:<22} {row['p50']:>8.2f} {row['p95']:>8.2f} {row['rps']:>9.0f} "
                f"{row['rps'] / bare['rps']:>8.2f} {row['errors']:>7}"
            )
    uncached = results["uncached"]
    speedup = uncached["search (icontains)"]["p95"] / uncached["search (full-text)"]["p95"]
    print("\nTargets (issues 3 and 13):")
    cached = results["cached"]
    checks = [
        (
            "list throughput >= 0.25 of bare (cached)",
            cached["list, page of 20"]["rps"] / cached["bare JsonResponse"]["rps"],
            0.25,
            ">=",
        ),
        (
            "list throughput >= 0.25 of bare (uncached)",
            uncached["list, page of 20"]["rps"] / uncached["bare JsonResponse"]["rps"],
            0.25,
            ">=",
        ),
        ("search p95 <= 20 ms (uncached)", uncached["search (full-text)"]["p95"], 20, "<="),
        ("search >= 10x faster than icontains (p95, uncached)", speedup, 10, ">="),
        ("browse page p95 <= 50 ms (cached)", results["cached"]["browse page"]["p95"], 50, "<="),
        ("browse page p95 <= 50 ms (uncached)", uncached["browse page"]["p95"], 50, "<="),
    ]
    # Issue 13: every stats endpoint answers within 100 ms (p95) at this size, uncached.
    checks += [
        (f"{name} p95 <= 100 ms (uncached)", uncached[name]["p95"], 100, "<=")
        for name in uncached
        if name.startswith("stats ")
    ]
    for text, value, target, op in checks:
        ok = value >= target if op == ">=" else value <= target
        print(f"  {'PASS' if ok else 'MISS'}  {text}: {value:.2f}")
    failed_requests = sum(row["errors"] for rows in results.values() for row in rows.values())
    if failed_requests:
        print(f"  WARNING: {failed_requests} requests failed (non-2xx or socket errors)")


def long_tail(env: dict, args) -> None:
    from bench import longtail

    plan = longtail.scenarios(random.Random(14), args.apps, args.urls + 100)
    plan = {name: paths for name, paths in plan.items() if args.only in name or name.startswith("bare")}
    import redis

    redis.Redis.from_url(CACHE_URL).flushdb()
    port = free_port()
    server = start_server(env, port)
    rows = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, paths in plan.items():
                measured, warm_up = (paths, paths) if len(paths) == 1 else (paths[100:], paths[:100])
                rows[name] = wrk(port, measured, args.duration, args.connections, Path(tmp), warm_up)
                rows[name]["urls"] = len(measured)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    bare = rows["bare JsonResponse"]
    print(
        f"\n{args.apps} apps, long tail, production cache on, gunicorn 2 workers, "
        f"wrk {args.connections} connections, {args.duration} s each"
    )
    print(
        f"{'scenario':<22} {'URLs':>6} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} "
        f"{'vs bare':>8} {'hit rate':>9} {'errors':>7}"
    )
    for name, row in rows.items():
        rate = row["hits"] / row["lookups"] if row["lookups"] else 0.0
        row["hit rate"] = rate
        print(
            f"{name:<22} {row['urls']:>6} {row['requests']:>9} {row['p50']:>8.2f} {row['p95']:>8.2f} "
            f"{row['rps']:>8.0f} {row['rps'] / bare['rps']:>8.2f} {rate:>8.1%} {row['errors']:>7}"
        )
    print(
        "\nhit rate: cached catalog answers found / looked up (X-Cache-Lookups); the figures count below 10%"
    )
    print("\nTargets (issue 14):")
    for text, name, measure, target, op in longtail.TARGETS:
        if name not in rows:
            continue
        row = rows[name]
        value = row["rps"] / bare["rps"] if measure == "ratio" else row[measure]
        ok = (value >= target if op == ">=" else value <= target) and row["hit rate"] < 0.10
        print(f"  {'PASS' if ok else 'MISS'}  {text}: {value:.2f} (hit rate {row['hit rate']:.1%})")
    errors = sum(row["errors"] for row in rows.values())
    print(f"  {'PASS' if not errors else 'MISS'}  no errors: {errors} failed requests")


if __name__ == "__main__":
    main()
