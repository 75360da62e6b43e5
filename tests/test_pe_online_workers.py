"""`elearning pe-online push` as real processes against the fake PE-online: a SIGKILL between
sending and recording, and two workers at once on one database.

After the crash the rows stay 'sending' until their lease ends (2 x PE_ONLINE_TIMEOUT + 1
second); then the next push sends them again, the fake answers "already registered", and
that counts as accepted: every registration exists in the register exactly once.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import in_database
from pe_online_fake import FakePeOnline, fake_fixture, make_certificates, pe_env, pe_service_fixture  # noqa: F401 - fixtures

from elearning.storage import registrations
from elearning.storage.attempts import now
from elearning.storage.models import PeRegistration
from elearning.testing import BIN, PASSED_ON

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("accredited")]  # real processes, a lease to wait out
TIMEOUT = 2  # seconds: the lease is 2 x 2 + 1


def _env(tmp_path: Path, database_url: str, fake: FakePeOnline, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in (*PASSED_ON, "PYTHONPATH")}
    env.update(DATA_DIR=str(tmp_path / "data"), DATABASE_URL=database_url, LOG_LEVEL="WARNING",
               **pe_env(fake, PE_ONLINE_TIMEOUT=str(TIMEOUT), **extra))
    return env


def _push(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([str(BIN / "elearning"), "pe-online", "push"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _statuses(database_url: str) -> list[str]:
    async def work() -> list[str]:
        return [str(s) for s in await PeRegistration.all().order_by("id").values_list("status", flat=True)]

    return list(in_database(database_url, work))


def test_a_push_killed_between_sending_and_recording_registers_nothing_twice(
        tmp_path: Path, database_url: str, fake: FakePeOnline) -> None:
    in_database(database_url, lambda: make_certificates(5))
    env = _env(tmp_path, database_url, fake)
    fake.mode = "hold"  # the fake registers the batch, then keeps its answer
    proc = _push(env)
    try:
        assert fake.received.wait(30), "the push never reached the fake"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    assert sum(fake.registered.values()) == 5
    assert _statuses(database_url) == [registrations.SENDING] * 5  # sent, never recorded

    async def leased() -> list[datetime]:
        return list(await PeRegistration.all().values_list("next_try_at", flat=True))

    until = in_database(database_url, leased)
    assert all(now() < moment <= now() + timedelta(seconds=2 * TIMEOUT + 1) for moment in until)
    fake.mode = "accept"
    fake.release.set()
    time.sleep(max(0.0, (max(until) - now()).total_seconds()) + 0.5)  # the dead worker's lease ends
    after = subprocess.run([str(BIN / "elearning"), "pe-online", "push"], env=env, text=True,
                           capture_output=True, timeout=60, check=True)
    assert "Sent 1 batch(es): 5 accepted, 0 rejected, 0 to try again later." in after.stdout, after.stdout
    assert _statuses(database_url) == [registrations.ACCEPTED] * 5
    assert set(fake.registered.values()) == {1} and sum(fake.repeats.values()) == 5


def test_two_workers_at_once_never_send_the_same_registration(tmp_path: Path, database_url: str,
                                                              fake: FakePeOnline) -> None:
    count = 200
    in_database(database_url, lambda: make_certificates(count))
    fake.delay = 0.3  # 20 calls of 10, 6 s for one worker: long enough for both to be at it together
    env = _env(tmp_path, database_url, fake, PE_ONLINE_BATCH_SIZE="10")
    workers = [_push(env), _push(env)]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    sent = [int(re.search(r"Sent (\d+) batch", out).group(1)) for out, _err in outputs]  # type: ignore[union-attr]
    assert sum(sent) == count // 10 and min(sent) > 0, sent  # both took part
    assert len(fake.registered) == count and set(fake.registered.values()) == {1}
    assert not fake.repeats  # no row went out twice
    assert sum(fake.rows_per_call) == count
    assert _statuses(database_url) == [registrations.ACCEPTED] * count
