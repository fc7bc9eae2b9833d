"""The embedded broker against kombu's own filesystem transport: the queue hop a fork waits on.

    .venv/bin/python bench/broker.py [--messages 300] [--rounds 3]

For each transport, in the same run and in alternating rounds: a producer process puts messages of a
fork task's size one at a time, while a consumer process polls as a Celery worker does (every 50 ms,
the setting `make run` uses) and records how long each message took from `put` to `get`. Printed: the
median and p95 of that latency, the messages lost or unreadable, and the ratio of the embedded broker to
kombu's. Nothing is asserted here; the tests (tests/config/test_broker.py) hold the correctness.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRANSPORTS = {"kombu filesystem://": "filesystem://localhost//", "lumbungfs://": "lumbungfs://localhost//"}
PAYLOAD = "x" * 1500  # a render_fork message with its headers is about this size
POLL = 0.05


def _channel(url: str, folder: str):
    from kombu import Connection

    from config import broker

    broker.register()
    options = {
        "data_folder_in": f"{folder}/queue", "data_folder_out": f"{folder}/queue",
        "control_folder": f"{folder}/control", "processed_folder": f"{folder}/processed",
    }  # fmt: skip
    connection = Connection(url, transport_options=options)
    return connection, connection.channel()


def _produce(url, folder, count, pause):
    connection, channel = _channel(url, folder)
    with connection:
        for i in range(count):
            channel._put("celery", {"i": i, "sent": time.time(), "body": PAYLOAD})
            time.sleep(pause)


def _consume(url, folder, count, results):
    connection, channel = _channel(url, folder)
    latencies, errors = [], 0
    deadline = time.monotonic() + count * 0.2 + 30
    with connection:
        while len(latencies) < count and time.monotonic() < deadline:
            try:
                message = channel._get("celery")
            except Empty:
                time.sleep(POLL)
                continue
            except Exception:  # kombu's transport raises JSONDecodeError on a half-written file
                errors += 1
                continue
            latencies.append(time.time() - message["sent"])
    results.put((latencies, errors))


def run_round(url: str, count: int) -> tuple[list[float], int]:
    folder = tempfile.mkdtemp(prefix="lumbung-bench-broker-")
    for name in ("queue", "control", "processed"):
        os.makedirs(f"{folder}/{name}")
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    consumer = ctx.Process(target=_consume, args=(url, folder, count, results))
    producer = ctx.Process(target=_produce, args=(url, folder, count, 0.02))
    consumer.start()
    time.sleep(1)
    producer.start()
    latencies, errors = results.get()
    producer.join()
    consumer.join()
    return latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    collected = {name: ([], 0) for name in TRANSPORTS}
    for _ in range(args.rounds):
        for name, url in TRANSPORTS.items():
            latencies, errors = run_round(url, args.messages)
            collected[name] = (collected[name][0] + latencies, collected[name][1] + errors)
    sent = args.messages * args.rounds
    medians = {}
    for name, (latencies, errors) in collected.items():
        medians[name] = statistics.median(latencies)
        p95 = statistics.quantiles(latencies, n=20)[-1]
        print(
            f"{name:22} median {medians[name] * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  "
            f"delivered {len(latencies)}/{sent}  unreadable {errors}"
        )
    ratio = medians["lumbungfs://"] / medians["kombu filesystem://"]
    print(f"lumbungfs:// / kombu filesystem:// median latency: {ratio:.2f}")


if __name__ == "__main__":
    main()
