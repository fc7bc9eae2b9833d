"""The embedded broker (config/broker.py): no reader ever sees a half-written file.

kombu's own filesystem transport fails these tests: under the same load its consumers read empty or
partial files (JSONDecodeError, the error that stopped `make run`'s worker) and lose messages.
"""

import json
import multiprocessing
import os
import time
from queue import Empty

import pytest
from kombu import Connection

from config import broker

MESSAGES = 300
PAYLOAD = "x" * 200_000  # big enough that writing a file takes many system calls


def _options(folder):
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
        "processed_folder": str(folder / "processed"),
    }


def _channel(folder):
    broker.register()
    connection = Connection(f"{broker.SCHEME}://localhost//", transport_options=_options(folder))
    return connection, connection.channel()


def _produce(folder, first):
    connection, channel = _channel(folder)
    with connection:
        for i in range(first, first + MESSAGES):
            channel._put("jobs", {"i": i, "body": PAYLOAD})


def _consume(folder, results):
    connection, channel = _channel(folder)
    seen, errors = [], []
    deadline = time.monotonic() + 60
    with connection:
        while time.monotonic() < deadline and len(seen) < MESSAGES:
            try:
                message = channel._get("jobs")
            except Empty:
                continue
            except Exception as exc:
                errors.append(repr(exc))
                continue
            if message.get("body") != PAYLOAD:
                errors.append(f"message {message.get('i')} arrived incomplete")
            seen.append(message["i"])
    results.put((seen, errors))


def _bind(folder, queue):
    connection, channel = _channel(folder)
    with connection:
        channel._queue_bind("celery.pidbox", "", "", queue)


def _read_tables(folder, results):
    connection, channel = _channel(folder)
    errors = 0
    with connection:
        for _ in range(2000):
            try:
                channel.get_table("celery.pidbox")
            except Exception:
                errors += 1
    results.put(errors)


@pytest.fixture
def folder(tmp_path):
    for name in ("queue", "control", "processed"):
        (tmp_path / name).mkdir()
    return tmp_path


def test_concurrent_producers_and_consumers_deliver_every_message_once_and_whole(folder):
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    producers = [ctx.Process(target=_produce, args=(folder, n * MESSAGES)) for n in range(2)]
    consumers = [ctx.Process(target=_consume, args=(folder, results)) for _ in range(2)]
    for process in producers + consumers:
        process.start()
    outcomes = [results.get(timeout=90) for _ in consumers]
    for process in producers + consumers:
        process.join(timeout=30)
    delivered = sorted(i for seen, _ in outcomes for i in seen)
    assert [errors for _, errors in outcomes] == [[], []]
    assert delivered == list(range(2 * MESSAGES))  # each exactly once
    assert not [name for name in os.listdir(folder / "queue") if not name.startswith(".")]


def test_concurrent_binds_lose_no_queue_and_readers_never_see_a_partial_table(folder):
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    readers = [ctx.Process(target=_read_tables, args=(folder, results)) for _ in range(2)]
    binders = [ctx.Process(target=_bind, args=(folder, f"worker{n}.celery.pidbox")) for n in range(12)]
    for process in readers + binders:
        process.start()
    for process in binders:
        process.join(timeout=60)
    assert [results.get(timeout=60) for _ in readers] == [0, 0]
    table = json.loads((folder / "control" / "celery.pidbox.exchange").read_text())
    assert sorted(row[2] for row in table) == sorted(f"worker{n}.celery.pidbox" for n in range(12))


def test_a_message_that_cannot_be_read_is_set_aside_not_fatal(folder, caplog):
    (folder / "queue" / "1_broken.jobs.msg").write_bytes(b"")
    connection, channel = _channel(folder)
    with connection:
        channel._put("jobs", {"i": 1})
        assert channel._get("jobs") == {"i": 1}
        with pytest.raises(Empty):
            channel._get("jobs")
    assert (folder / "failed" / "1_broken.jobs.msg").exists()
    assert "could not be read" in caplog.text


def test_unbinding_removes_only_that_queue(folder):
    connection, channel = _channel(folder)
    with connection:
        channel._queue_bind("celery.pidbox", "", "", "a")
        channel._queue_bind("celery.pidbox", "", "", "b")
        channel._delete("a", "celery.pidbox", "", "")
        assert [row.queue for row in channel.get_table("celery.pidbox")] == ["b"]
