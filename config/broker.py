"""The laptop's embedded Celery broker: kombu's filesystem transport without its races.

kombu's own filesystem transport (kombu 5.x) lets a reader see a file that another process is still
writing, and a worker that reads one stops with ``Unrecoverable error: JSONDecodeError('Expecting value:
line 1 column 1 (char 0)')`` (kombu issue #1551). It happens in three places:

- ``_put`` creates the message file under its final name and only then writes it; ``_get`` takes any
  file with the right name (moving a file ignores the writer's lock), so it can read it empty.
- ``_get`` moves the file to one shared folder (the system's temporary folder unless messages are kept)
  under the same name; on another file system the move is a copy, which a second consumer can read
  half-written.
- ``_queue_bind`` opens the exchange table with ``"wb"``, which empties it before the lock is taken, so a
  process reading the table (``get_table``, used by every broadcast: the worker's remote-control
  ``pidbox``) can read it empty, and two processes binding at once can lose each other's queue.

This transport removes the races at their root rather than retrying around them: every file is written
under a name no reader looks at and then renamed into place (a rename is atomic on one file system), a
reader claims a message by renaming it to a name of its own (of two readers exactly one succeeds), and
changes to an exchange table are serialised by a lock file and published by an atomic replace. A
message that still cannot be decoded (a file put there by hand, a disk error) is moved aside to
``failed/`` and logged; it never stops the worker.

Used as ``CELERY_BROKER_URL=lumbungfs://localhost//`` (the default; see config/settings.py).
"""

from __future__ import annotations

import fcntl
import logging
import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from queue import Empty
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads
from kombu.utils.objects import cached_property

logger = logging.getLogger(__name__)

SCHEME = "lumbungfs"
# A file being written starts with this prefix: it never matches "<stamp>_<uuid>.<queue>.msg".
_PARTIAL = ".partial-"


def _write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a reader sees either nothing or all of it."""
    partial = path.with_name(f"{_PARTIAL}{uuid.uuid4().hex}")
    try:
        with open(partial, "wb") as f:
            f.write(data)
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise


class Channel(filesystem.Channel):
    """A filesystem channel whose writes are atomic and whose reads claim a message exactly once."""

    # Exchange tables ---------------------------------------------------------------------------
    @contextmanager
    def _table_lock(self, exchange):
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(parents=True, exist_ok=True)
        with open(file.with_name(file.name + ".lock"), "a+b") as lock_file:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
            try:
                yield file
            finally:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)

    @staticmethod
    def _read_table(file: Path) -> list:
        try:
            return [filesystem.exchange_queue_t(*q) for q in loads(bytes_to_str(file.read_bytes()))]
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise ChannelError(f"Cannot open {file}") from exc

    def get_table(self, exchange):
        # Tables are replaced atomically, so a reader needs no lock and never sees a partial one.
        return self._read_table(self._exchange_file(exchange))

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        with self._table_lock(exchange) as file:
            queues = self._read_table(file)
            if binding not in queues:
                _write_atomically(file, str_to_bytes(dumps([binding, *queues])))

    def _delete(self, queue, exchange, routing_key, pattern, *args, **kwargs):
        filesystem.virtual.Channel._delete(self, queue, exchange, routing_key, pattern, *args, **kwargs)
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        with self._table_lock(exchange) as file:
            if not file.exists():
                return
            queues = self._read_table(file)
            if binding in queues:
                queues.remove(binding)
                _write_atomically(file, str_to_bytes(dumps(queues)))

    # Messages ----------------------------------------------------------------------------------
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        try:
            _write_atomically(Path(self.data_folder_out) / name, str_to_bytes(dumps(payload)))
        except OSError as exc:
            raise ChannelError(f"Cannot add message {name!r} to the queue folder") from exc

    @cached_property
    def _claimed_folder(self) -> Path:
        # Beside the queue folder (same file system, so a claim is a rename, never a copy).
        folder = Path(
            self.processed_folder if self.store_processed else Path(self.data_folder_in) / ".claimed"
        )
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _get(self, queue):
        suffix = f".{queue}.msg"
        folder = Path(self.data_folder_in)
        for filename in sorted(os.listdir(folder)):
            if filename.startswith(".") or filename.partition(".")[2] != suffix[1:]:
                continue
            claimed = self._claimed_folder / f"{filename}.{uuid.uuid4().hex}"
            try:
                os.rename(folder / filename, claimed)
            except FileNotFoundError:
                continue  # another consumer claimed it first
            except OSError as exc:
                raise ChannelError(f"Cannot claim {filename!r} from the queue folder") from exc
            try:
                payload = claimed.read_bytes()
                message = loads(bytes_to_str(payload))
            except (OSError, ValueError) as exc:
                self._set_aside(claimed, filename, exc)
                continue
            if not self.store_processed:
                claimed.unlink(missing_ok=True)
            return message
        raise Empty()

    def _set_aside(self, claimed: Path, filename: str, exc: Exception) -> None:
        failed = Path(self.data_folder_in).parent / "failed"
        failed.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(claimed, failed / filename)
        except OSError:
            claimed.unlink(missing_ok=True)
        logger.error("Broker message %s could not be read and was set aside in %s: %r", filename, failed, exc)

    def _size(self, queue):
        suffix = f".{queue}.msg"
        return sum(
            1
            for name in os.listdir(self.data_folder_in)
            if not name.startswith(".") and name.partition(".")[2] == suffix[1:]
        )


class Transport(filesystem.Transport):
    """kombu's filesystem transport with the atomic channel above."""

    Channel = Channel
    global_state = filesystem.virtual.BrokerState()
    driver_type = driver_name = SCHEME


def register() -> None:
    """Make ``lumbungfs://`` a broker URL kombu understands (called before Celery connects)."""
    TRANSPORT_ALIASES.setdefault(SCHEME, f"{__name__}:Transport")


__all__ = ["SCHEME", "Channel", "Transport", "register"]
