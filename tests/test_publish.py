"""Publishing one post through tweepy's real client against the fake X server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlmodel import select

from campaign.clock import ManualClock
from campaign.devtools.fakex import FakeX, Fault
from campaign.dispatch import RecordingDispatcher
from campaign.models import Placement, PlacementEvent
from campaign.states import PlacementState
from schedules.dispatch import Rules, tick
from tests.publishing import HANDLE, make_app, queue_posts, settings_for
from workers.publishing import publish

S = PlacementState


@pytest.fixture
def fake() -> Iterator[FakeX]:
    server = FakeX().start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC))


@pytest.fixture
def app(sqlite_url: str, tmp_path: Path, fake: FakeX, clock: ManualClock):  # type: ignore[no-untyped-def]
    return make_app(settings_for(sqlite_url, tmp_path, fake, http_timeout_seconds=2.0), clock)


def _row(app, pid: int) -> Placement:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        row = s.get(Placement, pid)
        assert row is not None
        return row


def test_a_post_goes_out_with_its_image_and_alt_text(app, fake: FakeX, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (pid,) = queue_posts(app, tmp_path, 1)
    outcome = publish(app, pid, dispatcher=RecordingDispatcher())
    assert outcome.startswith("published ")
    (post,) = fake.posts()
    row = _row(app, pid)
    assert row.state == S.PUBLISHED and row.external_id == post.id
    assert row.permalink == f"https://x.com/TogetherAsOneMSY/status/{post.id}"
    assert post.text.startswith("Together As One, post 0: https://t.co/")
    (media_id,) = post.media_ids
    media = fake.state.media[media_id]
    assert media["alt"] == "Campaign image 0"
    assert media["bytes"][:3] == b"\xff\xd8\xff"  # the x-landscape JPEG rendition
    assert "POST /2/media/upload" in fake.state.requests
    # Run twice: nothing more happens.
    assert publish(app, pid, dispatcher=RecordingDispatcher()) == "nothing to do (published)"
    assert len(fake.posts()) == 1


def test_v11_media_upload_is_selectable(sqlite_url: str, tmp_path: Path, fake: FakeX) -> None:
    app = make_app(settings_for(sqlite_url, tmp_path, fake, x_media_upload="v1.1"))
    (pid,) = queue_posts(app, tmp_path, 1)
    assert publish(app, pid, dispatcher=RecordingDispatcher()).startswith("published")
    assert "POST /1.1/media/upload.json" in fake.state.requests
    assert "POST /2/media/upload" not in fake.state.requests


def test_a_429_storm_is_waited_out(app, fake: FakeX, tmp_path: Path, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    (pid,) = queue_posts(app, tmp_path, 1)
    # X's reset times come from the real clock; each lies beyond the test clock's last step.
    fake.inject("POST /2/tweets", *[Fault(status=429, reset_in=60 * (i + 1)) for i in range(7)])
    sent = RecordingDispatcher()
    for attempt in range(7):
        outcome = publish(app, pid, dispatcher=sent)
        assert outcome.startswith("rate limited"), outcome
        row = _row(app, pid)
        assert row.state == S.QUEUED and row.next_attempt_at is not None
        # The retry waits in the database until X's reset time, then the scheduler sends it.
        assert publish(app, pid, dispatcher=sent) == "not yet (a retry is scheduled)"
        early = tick(app.db, sent, now=row.next_attempt_at - timedelta(seconds=1))
        assert pid not in early.resent
        due = tick(app.db, sent, now=row.next_attempt_at)
        assert due.resent == [pid], attempt
        clock.set(row.next_attempt_at)
    assert publish(app, pid, dispatcher=sent).startswith("published")
    assert len(fake.posts()) == 1 and _row(app, pid).attempts == 8


def test_a_401_fails_with_a_readable_reason_and_no_retry(app, fake: FakeX, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (pid,) = queue_posts(app, tmp_path, 1)
    fake.inject("POST /2/tweets", Fault(status=401))
    outcome = publish(app, pid, dispatcher=RecordingDispatcher())
    row = _row(app, pid)
    assert row.state == S.FAILED
    assert row.last_error == (
        "X refused the account's credentials while posting (401): check the "
        f"access token for {HANDLE}"
    )
    assert outcome == f"failed: {row.last_error}"
    assert tick(app.db, RecordingDispatcher(), now=row.updated_at + timedelta(hours=1)).resent == []
    assert fake.state.requests.count("POST /2/tweets") == 1
    secrets = json.loads(app.settings.x_credentials.get_secret_value())[HANDLE]
    with app.db.session() as s:  # credentials never reach the log
        logged = json.dumps([e.details for e in s.exec(select(PlacementEvent))])
    assert not any(v in logged for v in secrets.values())


def test_duplicate_content_fails_in_words(app, fake: FakeX, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first, second = queue_posts(app, tmp_path, 2)
    text = _row(app, first).post_text
    with app.db.session() as s:
        row = s.get(Placement, second)
        row.post_text = text  # type: ignore[union-attr]
        s.add(row)
        s.commit()
    publish(app, first, dispatcher=RecordingDispatcher())
    publish(app, second, dispatcher=RecordingDispatcher())
    assert _row(app, second).state == S.FAILED
    assert _row(app, second).last_error == (
        "X refused the post as a duplicate of an earlier one (403): You are not allowed to "
        "create a Tweet with duplicate content."
    )


def test_server_errors_back_off_then_give_up(
    sqlite_url: str, tmp_path: Path, fake: FakeX, clock: ManualClock
) -> None:
    app = make_app(settings_for(sqlite_url, tmp_path, fake, publish_max_attempts=3), clock)
    (pid,) = queue_posts(app, tmp_path, 1)
    fake.inject("POST /2/tweets", *[Fault(status=500)] * 3)
    sent = RecordingDispatcher()
    for _ in range(2):
        assert publish(app, pid, dispatcher=sent).startswith("will retry: X server error")
        row = _row(app, pid)
        assert row.state == S.QUEUED
        tick(app.db, sent, now=row.next_attempt_at)  # type: ignore[arg-type]
        clock.set(row.next_attempt_at)  # type: ignore[arg-type]
    assert publish(app, pid, dispatcher=sent).startswith("failed: gave up after 3 attempts")
    assert fake.posts() == []


@pytest.mark.parametrize(
    "fault",
    [Fault(drop_after_accept=True), Fault(delay=3.0)],
    ids=["connection cut after accept", "slow answer"],
)
def test_an_unknown_outcome_is_reconciled_not_resent(
    app, fake: FakeX, tmp_path: Path, fault: Fault, clock: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    (pid,) = queue_posts(app, tmp_path, 1)
    fake.inject("POST /2/tweets", fault)
    sent = RecordingDispatcher()
    assert publish(app, pid, dispatcher=sent).startswith("unknown")
    row = _row(app, pid)
    assert row.state == S.UNKNOWN
    assert publish(app, pid, dispatcher=sent) == "not yet (waiting for the network to settle)"
    assert tick(app.db, sent, now=clock.now()).resent == []  # settling
    clock.set(row.next_attempt_at)  # type: ignore[arg-type]
    result = tick(app.db, sent, now=clock.now())
    assert result.resent == [pid]
    assert tick(app.db, sent, now=clock.now()).resent == []  # sent once per resend_after
    assert publish(app, pid, dispatcher=sent).startswith("reconciled: published")
    (post,) = fake.posts()
    assert _row(app, pid).external_id == post.id
    assert fake.state.requests.count("POST /2/tweets") == 1


def test_reconciliation_resends_when_the_post_is_not_there(
    app, fake: FakeX, tmp_path: Path, clock: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    (pid,) = queue_posts(app, tmp_path, 1)
    with app.db.session() as s:
        row = s.get(Placement, pid)
        row.state = S.UNKNOWN  # type: ignore[union-attr]
        s.add(row)
        s.commit()
    sent = RecordingDispatcher()
    clock.advance(timedelta(seconds=10))  # past the settle time
    assert publish(app, pid, dispatcher=sent) == "reconciled: not found, sent again"
    assert sent.sent == [("publish", (pid,))]
    assert publish(app, pid, dispatcher=sent).startswith("published")
    assert len(fake.posts()) == 1


def test_an_unreachable_x_is_retried(sqlite_url: str, tmp_path: Path) -> None:
    dead = FakeX().start()
    creds_app = make_app(settings_for(sqlite_url, tmp_path, dead))
    dead.stop()  # nothing listens on its port now
    (pid,) = queue_posts(creds_app, tmp_path, 1)
    assert publish(creds_app, pid, dispatcher=RecordingDispatcher()).startswith(
        "will retry: X unreachable"
    )


def test_without_credentials_posts_go_to_the_outbox(sqlite_url: str, tmp_path: Path) -> None:
    app = make_app(settings_for(sqlite_url, tmp_path, None))
    (pid,) = queue_posts(app, tmp_path, 1)
    assert publish(app, pid, dispatcher=RecordingDispatcher()) == "published outbox:post-0"
    written = json.loads(
        (tmp_path / "var" / "outbox" / "TogetherAsOneMSY" / "post-0.json").read_text()
    )
    assert written["text"].startswith("Together As One, post 0")
    assert (tmp_path / "var" / "outbox" / "TogetherAsOneMSY" / "post-0.jpg").exists()


def test_the_webhook_publisher_posts_json_with_an_idempotency_key(
    sqlite_url: str, tmp_path: Path
) -> None:
    received: list[tuple[dict[str, object], str | None]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((json.loads(body), self.headers.get("Idempotency-Key")))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id": "hook-1"}')

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        app = make_app(
            settings_for(
                sqlite_url,
                tmp_path,
                None,
                webhook_url=f"http://127.0.0.1:{server.server_address[1]}/",
            )
        )
        (pid,) = queue_posts(app, tmp_path, 1, network="webhook")
        assert publish(app, pid, dispatcher=RecordingDispatcher()) == "published hook-1"
    finally:
        server.shutdown()
    ((body, key),) = received
    assert key == "post-0" and body["account"] == HANDLE and body["image_base64"]


def test_a_dead_worker_is_recovered_by_the_sweep(
    app, fake: FakeX, tmp_path: Path, clock: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    (pid,) = queue_posts(app, tmp_path, 1)
    with app.db.session() as s:  # a worker claimed it and died before finishing
        row = s.get(Placement, pid)
        row.state = S.PUBLISHING  # type: ignore[union-attr]
        s.add(row)
        s.commit()
    row = _row(app, pid)
    sent = RecordingDispatcher()
    rules = Rules(stale_after=timedelta(minutes=3))
    assert (
        tick(app.db, sent, now=row.updated_at + timedelta(minutes=2), rules=rules).recovered == []
    )
    clock.set(row.updated_at + timedelta(minutes=4))
    result = tick(app.db, sent, now=clock.now(), rules=rules)
    assert result.recovered == [pid] and _row(app, pid).state == S.UNKNOWN
    clock.advance(rules.settle)
    assert tick(app.db, sent, now=clock.now(), rules=rules).resent == [pid]
    assert publish(app, pid, dispatcher=sent) == "reconciled: not found, sent again"
    assert publish(app, pid, dispatcher=sent).startswith("published")
