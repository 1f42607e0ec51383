"""Failure notifications go out once per failure, not once per retry."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from campaign.db import Database
from campaign.notify import notify_failures
from campaign.placements import move
from campaign.settings import Settings
from campaign.states import PlacementState
from tests.factories import T0, make_campaign, make_placement, make_version

S = PlacementState


def test_one_message_per_failure_over_a_real_webhook(db: Database) -> None:
    received: list[dict[str, object]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = Settings(notify_webhook_url=f"http://127.0.0.1:{server.server_address[1]}/")
    try:
        with db.session() as s:
            c = make_campaign(s)
            p = make_placement(s, c, make_version(s, c), state=S.PUBLISHING)
            move(s, p, S.FAILED, actor="worker", now=T0, details={"reason": "401"})
            p.last_error = "X refused the account's credentials (401)"
            s.add(p)
            s.commit()
        assert notify_failures(db, settings, now=T0) == [p.id]
        assert notify_failures(db, settings, now=T0) == []  # once, not per sweep
        with db.session() as s:  # retried by a person, fails again: a new message
            row = s.get(type(p), p.id)
            move(s, row, S.QUEUED, actor="manager", now=T0)  # type: ignore[arg-type]
            move(s, row, S.PUBLISHING, actor="worker", now=T0)  # type: ignore[arg-type]
            move(s, row, S.FAILED, actor="worker", now=T0)  # type: ignore[arg-type]
            s.commit()
        assert notify_failures(db, settings, now=datetime.now(T0.tzinfo)) == [p.id]
    finally:
        server.shutdown()
    assert len(received) == 2
    assert received[0]["text"] == f"Placement {p.id} failed: p1"
    assert received[0]["reason"] == "X refused the account's credentials (401)"


def test_nothing_configured_sends_nothing(db: Database) -> None:
    assert notify_failures(db, Settings(), now=T0) == []
