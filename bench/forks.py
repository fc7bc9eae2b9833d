"""Fork pipeline benchmark: rendering in-process against the whole way through the API, Redis and workers.

    .venv/bin/pip install -e ".[dev,production]"      # gunicorn; PostgreSQL and Redis must be running
    .venv/bin/python bench/forks.py                  # PostgreSQL, Redis and gunicorn, like production
    .venv/bin/python bench/forks.py --forks 10 --posts 50 --rounds 1

For each template, in the same run and interleaved: the cookiecutter library's own in-process render of
the same template and context (`cookiecutter.main.cookiecutter`, no input, its replay and cache folders in
a temporary folder), the in-process time of rendering and zipping as the worker does it
(`rendering.render_archive`, the version's snapshot already extracted and compiled, as a worker keeps
them), the in-process time of the whole worker job (`fork_run`), and the end-to-end time from POST
/api/v1/forks/ to the fork marked succeeded (the API on gunicorn, the task through Redis, a `celery worker`
process, the archive through Django's storage), with that time split by phase. Beside them, the floor of
any such pipeline on this machine: a POST to a bare view that only queues a no-op task, until a worker
starts it (same server, broker and workers, no database). Also the first render of a version in a process
(compiling its templates). Then POST -> 202 latency, and the throughput of a burst of forks with 2 worker
processes against 1. Ratios are what count: the machine is noisy.

Targets (issue 14), per template, medians (p50) of the same run: render+zip <= 0.25 x cookiecutter's
render; what the pipeline adds (end-to-end - render+zip) <= 3 x the floor; end-to-end < cookiecutter's
render.
"""

import argparse
import contextlib
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.catalog import ensure_database, free_port, start_server  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lumbung_bench")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/8")
TEMPLATES = ("pengaduan", "e-santunan", "perencanaan")


def p95(values):
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def setup(env: dict, media: Path) -> str:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    call_command("load_demo", verbosity=0)
    from templates_repo.models import Fork, TemplateVersion

    # A clean slate each run: the versions' snapshots live in this run's media folder.
    Fork.objects.all().delete()
    TemplateVersion.objects.all().delete()
    call_command("sync_templates", verbosity=0)
    from django.contrib.auth import get_user_model

    from registry.models import Region
    from registry.services import membership_set

    membership_set(username="bench-dev", region=Region.objects.get(code="33.25"), role="developer")
    user = get_user_model().objects.get(username="bench-dev")
    return Token.objects.get_or_create(user=user)[0].key


def render_once(template_dir: Path, context: dict) -> float:
    """Seconds to render and zip one copy in this process, as the worker does (snapshot already extracted;
    in memory, the archive's bytes ready to store)."""
    from templates_repo import rendering, services

    started = time.perf_counter()
    rendering.render_archive(
        template_dir, context, limits=services.runs._limits(), extra_files={".lumbung.json": b"{}"}
    )
    return time.perf_counter() - started


def cold_render_once(template_dir: Path, context: dict) -> float:
    """render_once for a version this process has not compiled yet (a worker's first fork of it)."""
    from templates_repo.rendering import compiled

    compiled.CACHE.clear()
    return render_once(template_dir, context)


def cookiecutter_once(template_dir: Path, context: dict) -> float:
    """Seconds the cookiecutter library takes to render the same template and context in this process
    (`cookiecutter --no-input` as a function; its replay and cache folders in a temporary folder)."""
    from cookiecutter.main import cookiecutter

    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.yaml"
        config.write_text(f"cookiecutters_dir: {Path(tmp) / 'cache'}\nreplay_dir: {Path(tmp) / 'replay'}\n")
        started = time.perf_counter()
        cookiecutter(
            str(template_dir),
            no_input=True,
            extra_context=context,
            output_dir=str(Path(tmp) / "out"),
            config_file=str(config),
        )
        return time.perf_counter() - started


def job_once(template_slug: str, region_code: str, user, n: int) -> float:
    """Seconds of the whole worker job (services.fork_run, catalog record included) in this process."""
    from templates_repo import services

    forks = services.forks
    enqueue, forks._enqueue_on_commit = forks._enqueue_on_commit, lambda fork_id: None
    try:
        fork, _created = services.fork_request(
            user=user,
            template_slug=template_slug,
            region_code=region_code,
            context={"project_name": f"Local {n}"},
        )
    finally:
        forks._enqueue_on_commit = enqueue
    started = time.perf_counter()
    services.fork_run(fork_id=fork.pk)
    return time.perf_counter() - started


def end_to_end_once(port: int, token: str, slug: str, n: int) -> tuple[float, tuple[float, ...]]:
    """Seconds from the client's POST to the fork marked succeeded (from then on the archive can be
    downloaded), with the phases: POST -> row written, row -> claimed by a worker, claimed -> succeeded,
    succeeded -> recorded in the catalog. Same machine, same clock."""
    from templates_repo.models import Fork

    started = time.time()
    fork_id, _latency = post_fork(port, token, slug, n)
    wait_done([fork_id], catalog=True)
    fork = Fork.objects.get(pk=fork_id)
    phases = (
        fork.created_at.timestamp() - started,
        (fork.started_at - fork.created_at).total_seconds(),
        (fork.finished_at - fork.started_at).total_seconds(),
        (fork.catalog_recorded_at - fork.finished_at).total_seconds(),
    )
    return fork.finished_at.timestamp() - started, phases


def copy_at_first_version(slug: str, user):
    """A succeeded copy of the template's version 1, to update (rendered in this process, not timed)."""
    from templates_repo import services
    from templates_repo.models import Fork

    fork, _created = services.fork_request(
        user=user, template_slug=slug, region_code="33.25", context={}, version_number=1
    )
    with contextlib.suppress(services.ForkHeld):
        services.fork_run(fork_id=fork.pk)
    # The queued task may have reached the worker first: then this call skipped it, and the worker renders it.
    wait_done([fork.pk])
    return Fork.objects.select_related("template", "version").get(pk=fork.pk)


def diff_baseline_once(fork, target) -> float:
    """Seconds to render the copy's version and the target in this process and write the patch between
    them: the least an update can cost (snapshots already extracted, as a worker keeps them)."""
    from templates_repo import services
    from templates_repo.services import patches, tools, updates

    context = updates.target_context(base=fork.version, target=target, base_context=fork.context, values={})
    limits = services.runs._limits()
    old_meta = json.dumps(services.fork_metadata(fork)).encode()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        old = patches.render_tree(services.template_dir_of(fork.version), fork.context, Path(tmp) / "old",
                                  extra_files={".lumbung.json": old_meta}, limits=limits)  # fmt: skip
        new_files = {".lumbung.json": b"{}", **tools.TOOLS}
        new = patches.render_tree(services.template_dir_of(target), context, Path(tmp) / "new",
                                  extra_files=new_files, limits=limits)  # fmt: skip
        patches.make_patch(
            old, new, workdir=Path(tmp) / "git", subject="bench", body="", date="2026-12-02T00:00:00"
        )
        return time.perf_counter() - started


def update_job_once(fork, user) -> float:
    """Seconds of the whole update job (services.update_run: claim, lease, both renders, the patch, its
    storage) in this process."""
    from templates_repo import services
    from templates_repo.services import updates

    enqueue, updates.enqueue_on_commit = updates.enqueue_on_commit, lambda *args: None
    try:
        update, _created = services.update_request(user=user, fork=fork)
    finally:
        updates.enqueue_on_commit = enqueue
    started = time.perf_counter()
    outcome = services.update_run(update_id=update.pk)
    elapsed = time.perf_counter() - started
    if outcome != "succeeded":
        raise SystemExit(f"an update failed: {outcome}")
    return elapsed


def update_end_to_end_once(port: int, token: str, fork_id) -> float:
    """Seconds from POST /api/v1/forks/{id}/updates/ to the update marked succeeded (through the broker
    and a worker process)."""
    from templates_repo.models import TemplateUpdate

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.time()
    connection.request("POST", f"/api/v1/forks/{fork_id}/updates/", b"{}",
                       {"Content-Type": "application/json", "Authorization": f"Token {token}"})  # fmt: skip
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    if response.status != 202:
        raise SystemExit(f"POST failed: {response.status} {payload[:300]!r}")
    update_id = json.loads(payload)["id"]
    deadline = time.monotonic() + 120
    while True:
        update = TemplateUpdate.objects.get(pk=update_id)
        if update.status == "succeeded":
            return update.finished_at.timestamp() - started
        if update.status == "failed" or time.monotonic() > deadline:
            raise SystemExit(f"an update did not succeed: {update.status} {update.error}")
        time.sleep(0.02)


def floor_once(port: int) -> float:
    """Seconds from a POST to the bare `enqueue` view until a worker starts its no-op task."""
    from django.core.cache import cache

    started = time.time()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/__bench__/enqueue/", b"")
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    if response.status != 202:
        raise SystemExit(f"POST failed: {response.status} {payload[:300]!r}")
    key = json.loads(payload)["key"]
    deadline = time.monotonic() + 30
    while (ran_at := cache.get(key)) is None:
        if time.monotonic() > deadline:
            raise SystemExit("the no-op task did not run")
        time.sleep(0.005)
    return ran_at - started


def post_fork(port: int, token: str, slug: str, n: int) -> tuple[str, float]:
    body = json.dumps({"template": slug, "region": "33.25", "context": {"project_name": f"Bench {slug} {n}"}})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    connection.request(
        "POST",
        "/api/v1/forks/",
        body,
        {"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )
    response = connection.getresponse()
    payload = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != 202:
        raise SystemExit(f"POST failed: {response.status} {payload[:300]!r}")
    return json.loads(payload)["id"], elapsed


def wait_done(fork_ids, timeout: float = 300, catalog: bool = False, interval: float = 0.02) -> None:
    """Wait for the forks to finish (and, with `catalog`, to be recorded in the catalog too)."""
    from templates_repo.models import Fork

    deadline = time.monotonic() + timeout
    pending = {str(fork_id) for fork_id in fork_ids}
    while pending:
        finished = Fork.objects.filter(pk__in=pending, status__in=("succeeded", "failed"))
        if catalog:
            finished = finished.exclude(status="succeeded", catalog_recorded_at__isnull=True)
        done = set(finished.values_list("pk", flat=True))
        failed = Fork.objects.filter(pk__in=done, status="failed").values_list("error", flat=True)
        if failed:
            raise SystemExit(f"a fork failed: {list(failed)[:1]}")
        pending -= {str(pk) for pk in done}
        if time.monotonic() > deadline:
            raise SystemExit(f"{len(pending)} forks did not finish")
        time.sleep(interval)  # gently: the machine has 2 cores, shared with the server and the workers


def start_workers(env: dict, count: int) -> list[subprocess.Popen]:
    workers = []
    for n in range(count):
        log = open(Path(tempfile.gettempdir()) / f"bench-worker-{n}.log", "w")  # noqa: SIM115
        workers.append(
            subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/celery"),
                    "-A",
                    "config",
                    "worker",
                    "--pool=prefork",
                    "--concurrency=1",
                    "--loglevel=WARNING",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    f"--hostname=bench{n}@%h",
                    "--include=bench.tasks",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    time.sleep(6)  # let them connect and import Django
    return workers


def stop(processes) -> None:
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    for process in processes:
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--forks", type=int, default=30, help="forks per template for the end-to-end timing")
    parser.add_argument("--posts", type=int, default=100, help="POSTs for the latency figure")
    parser.add_argument("--burst", type=int, default=60, help="forks in the throughput burst")
    parser.add_argument("--rounds", type=int, default=2, help="throughput rounds with 1 and with 2 workers")
    parser.add_argument("--updates", type=int, default=10, help="updates per template (v1 -> newest)")
    args = parser.parse_args()

    media = ROOT / "var" / "bench-media"
    media.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": BROKER_URL,
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
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(media),
        "CACHE_URL": "redis://127.0.0.1:6379/9",
        "LUMBUNG_BENCH": "1",  # mounts the bare views
    }
    ensure_database()
    token = setup(env, media)
    import redis

    redis.Redis.from_url(BROKER_URL).flushdb()

    port = free_port()
    server = start_server(env, port)
    workers = start_workers(env, 1)
    rows, update_rows = [], []
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="bench-dev")
    try:
        from registry.models import Region
        from templates_repo import selectors, services
        from templates_repo.models import Template

        region = Region.objects.get(code="33.25")
        for slug in TEMPLATES:
            template = Template.objects.get(slug=slug)
            version = selectors.template_version_get(template_slug=template.slug)
            template_dir = services.template_dir_of(version)  # extracted once per machine, as a worker does
            context = services.fork_context(version=version, region=region, requested={})
            colds = [cold_render_once(template_dir, context) for _n in range(3)]
            # One untimed round first: the worker's and the server's first fork of a template pay for imports.
            cookiecutter_once(template_dir, context)
            render_once(template_dir, context)
            job_once(slug, region.code, user, -1)
            end_to_end_once(port, token, slug, -1)
            floor_once(port)
            cookiecutters, renders, jobs, end_to_end, phases, floors = [], [], [], [], [], []
            # Interleaved, so that the machine's slow and fast moments fall on all alike.
            for n in range(args.forks):
                cookiecutters.append(cookiecutter_once(template_dir, context))
                renders.append(render_once(template_dir, context))
                jobs.append(job_once(slug, region.code, user, n))
                seconds, parts = end_to_end_once(port, token, slug, n)
                end_to_end.append(seconds)
                phases.append(parts)
                floors.append(floor_once(port))
            # Updates of a copy at version 1 to the newest: the job against its floor (two renders and the
            # diff, in process), and through the API and a worker; interleaved likewise.
            if args.updates:  # --updates 0 skips them
                copy = copy_at_first_version(slug, user)
                diff_baseline_once(copy, version)
                update_job_once(copy, user)
                update_end_to_end_once(port, token, copy.pk)
                baselines, update_jobs, update_e2e = [], [], []
                for _n in range(args.updates):
                    baselines.append(diff_baseline_once(copy, version))
                    update_jobs.append(update_job_once(copy, user))
                    update_e2e.append(update_end_to_end_once(port, token, copy.pk))
                update_rows.append(
                    (
                        slug,
                        statistics.median(baselines),
                        statistics.median(update_jobs),
                        statistics.median(update_e2e),
                    )
                )
            medians = tuple(statistics.median(phase[i] for phase in phases) for i in range(4))
            rows.append(
                (
                    slug,
                    statistics.median(renders),
                    statistics.median(jobs),
                    statistics.median(end_to_end),
                    medians,
                    statistics.median(floors),
                    statistics.median(cookiecutters),
                    statistics.median(colds),
                )
            )

        latencies = []
        for n in range(args.posts):
            _fork_id, latency = post_fork(port, token, TEMPLATES[n % 3], 1000 + n)
            latencies.append(latency)

        from templates_repo.models import Fork

        wait_done(list(Fork.objects.filter(status__in=("queued", "running")).values_list("pk", flat=True)))
        stop(workers)
        workers = []
        throughput = {1: [], 2: []}
        for round_number, count in enumerate((1, 2) * args.rounds):
            # Queue the burst with no worker running, then start `count` worker processes: the figure is
            # the workers' own throughput, from the first fork started to the last one finished. Rounds
            # alternate 1 and 2 workers, so that a slow spell of the machine does not land on one side only.
            ids = [
                post_fork(port, token, TEMPLATES[n % 3], 5000 * (round_number + 1) + n)[0]
                for n in range(args.burst)
            ]
            workers = start_workers(env, count)
            wait_done(ids, interval=0.5)  # the figure comes from the forks' own timestamps
            forks = Fork.objects.filter(pk__in=ids)
            first = min(fork.started_at for fork in forks)
            last = max(fork.finished_at for fork in forks)
            throughput[count].append(args.burst / (last - first).total_seconds())
            stop(workers)
            workers = []
    finally:
        stop(workers)
        stop([server])

    print(
        f"\n{'template':<12} {'cookiecutter ms':>15} {'render+zip ms':>14} {'first render ms':>16} "
        f"{'whole job ms':>13} {'end-to-end ms':>14} {'e2e/job':>8}"
    )
    for slug, local, job, e2e, _medians, _floor, cookie, cold in rows:
        print(
            f"{slug:<12} {cookie * 1000:>15.1f} {local * 1000:>14.1f} {cold * 1000:>16.1f} "
            f"{job * 1000:>13.1f} {e2e * 1000:>14.1f} {e2e / job:>8.2f}"
        )
    print(
        f"\nEnd-to-end by phase, medians in ms:\n{'template':<12} {'POST->row':>10} {'row->claimed':>13} "
        f"{'claimed->done':>14} {'done->catalog':>14}"
    )
    for slug, _local, _job, _e2e, medians, _floor, _cookie, _cold in rows:
        print(
            f"{slug:<12} "
            + " ".join(
                f"{value * 1000:>{width}.1f}" for value, width in zip(medians, (10, 13, 14, 14), strict=True)
            )
        )
    p50_ms, p95_ms = statistics.median(latencies) * 1000, p95(latencies) * 1000
    print(f"\nPOST -> 202: p50 {p50_ms:.1f} ms, p95 {p95_ms:.1f} ms over {len(latencies)} requests")
    one, two = statistics.median(throughput[1]), statistics.median(throughput[2])
    rounds = ", ".join(f"{a:.1f}/{b:.1f}" for a, b in zip(throughput[1], throughput[2], strict=True))
    print(
        f"throughput (median of {len(throughput[1])} rounds): 1 worker {one:.1f} forks/s, "
        f"2 workers {two:.1f} forks/s, ratio {two / one:.2f} (rounds, 1/2 workers: {rounds})"
    )
    print(
        f"\nUpdates v1 -> newest, medians in ms:\n{'template':<12} {'2 renders+diff':>15} {'update job':>11} "
        f"{'end-to-end':>11} {'job/floor':>10} {'e2e/job':>8}"
    )
    for slug, floor_seconds, job, e2e in update_rows:
        print(
            f"{slug:<12} {floor_seconds * 1000:>15.1f} {job * 1000:>11.1f} {e2e * 1000:>11.1f} "
            f"{job / floor_seconds:>10.2f} {e2e / job:>8.2f}"
        )

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    print("\nTargets (issue 14), per template, p50 of the same run:")
    for slug, local, _job, e2e, _medians, floor, cookie, _cold in rows:
        added = e2e - local
        print(
            f"  {slug:<12} {verdict(local <= 0.25 * cookie)}  render+zip {local * 1000:.1f} ms = "
            f"{local / cookie:.2f} x cookiecutter's render {cookie * 1000:.1f} ms (target <= 0.25)\n"
            f"  {'':<12} {verdict(added <= 3 * floor)}  the pipeline adds {added * 1000:.1f} ms = "
            f"{added / floor:.2f} x the floor {floor * 1000:.1f} ms (target <= 3)\n"
            f"  {'':<12} {verdict(e2e < cookie)}  end-to-end {e2e * 1000:.1f} ms = {e2e / cookie:.2f} x "
            f"cookiecutter's render (target < 1)"
        )
    print("Targets (issue 4):")
    worst_job = max(e2e / job for _slug, _local, job, e2e, *_rest in rows)
    checks = [
        ("end-to-end / in-process whole job <= 1.2 (worst template)", worst_job, 1.2, "<="),
        ("POST -> 202 p95 <= 50 ms", p95(latencies) * 1000, 50, "<="),
        ("2 workers / 1 worker >= 1.8", two / one, 1.8, ">="),
    ]
    for text, value, target, op in checks:
        ok = value <= target if op == "<=" else value >= target
        print(f"  {verdict(ok)}  {text}: {value:.2f}")


if __name__ == "__main__":
    main()
