"""A small stand-in for the parts of X's API this project uses, on 127.0.0.1.

Used by the tests and the demo: tweepy's real client sends its real, signed
requests here (see ``workers.publishers.x``). Shapes follow X's v2 documentation:
``POST /2/media/upload``, ``POST /2/media/metadata``, ``POST /2/tweets``,
``GET /2/users/me``, ``GET /2/users/:id/tweets``, and the v1.1 upload. Like X, it
stores URLs in post text as t.co links.

Faults are queued per endpoint (``server.inject("POST /2/tweets", Fault(...))``):
``status`` (429 with reset headers, 401, 403, 500...), ``delay`` (a slow answer: the
post is made, the answer comes late),
``drop_after_accept`` (the post is made, then the connection is cut).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

DUPLICATE = "You are not allowed to create a Tweet with duplicate content."
_URL = re.compile(r"https?://\S+")


@dataclass
class Fault:
    status: int | None = None
    reset_in: float = 1.0  # for 429: seconds until x-rate-limit-reset
    delay: float = 0.0
    drop_after_accept: bool = False


@dataclass
class Account:
    user_id: str
    username: str
    consumer_key: str
    access_token: str


@dataclass
class Post:
    id: str
    author_id: str
    text: str
    media_ids: list[str]
    created_at: datetime


@dataclass
class State:
    accounts: dict[str, Account] = field(default_factory=dict)  # by access token
    posts: list[Post] = field(default_factory=list)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: dict[str, deque[Fault]] = field(default_factory=lambda: defaultdict(deque))
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_id: int = 1_870_000_000_000_000_000


class FakeX:
    """A threaded HTTP server; ``url`` is its base, e.g. ``http://127.0.0.1:41234``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.state = State()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> FakeX:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def add_account(self, username: str) -> dict[str, str]:
        """Register an account; return credentials that sign requests as it."""
        creds = {
            "consumer_key": f"ck-{secrets.token_hex(6)}",
            "consumer_secret": secrets.token_hex(16),
            "access_token": f"{len(self.state.accounts) + 1}-{secrets.token_hex(8)}",
            "access_token_secret": secrets.token_hex(16),
        }
        with self.state.lock:
            uid = str(1_000_000 + len(self.state.accounts))
            self.state.accounts[creds["access_token"]] = Account(
                uid, username.lstrip("@"), creds["consumer_key"], creds["access_token"]
            )
        return creds

    def inject(self, endpoint: str, *faults: Fault) -> None:
        with self.state.lock:
            self.state.faults[endpoint].extend(faults)

    def posts(self) -> list[Post]:
        with self.state.lock:
            return list(self.state.posts)


def _tco(text: str) -> str:
    return _URL.sub(lambda m: f"https://t.co/{abs(hash(m.group(0))) % 10**10:010d}", text)


class _Handler(BaseHTTPRequestHandler):
    state: State
    protocol_version = "HTTP/1.1"

    def log_message(self, *_: Any) -> None:  # keep test output quiet
        pass

    # --- plumbing -------------------------------------------------------------------
    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(
        self, status: int, payload: dict[str, Any] | None, headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(payload).encode() if payload is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _problem(
        self, status: int, title: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        self._send(
            status,
            {"title": title, "detail": detail, "type": "about:blank", "status": status},
            headers,
        )

    def _account(self) -> Account | None:
        auth = self.headers.get("Authorization", "")
        token = re.search(r'oauth_token="([^"]+)"', auth)
        consumer = re.search(r'oauth_consumer_key="([^"]+)"', auth)
        if not auth.startswith("OAuth ") or not token or not consumer:
            return None
        account = self.state.accounts.get(token.group(1))
        if account is None or account.consumer_key != consumer.group(1):
            return None
        return account

    def _fault(self, endpoint: str) -> Fault | None:
        with self.state.lock:
            queue = self.state.faults.get(endpoint)
            return queue.popleft() if queue else None

    def _apply_fault(self, fault: Fault | None) -> bool:
        """Answer with the fault's status; return True when the request is finished."""
        if fault is None:
            return False
        if fault.delay and fault.status is not None:
            time.sleep(fault.delay)
        if fault.status == 429:
            reset = int(time.time() + fault.reset_in + 0.999)
            self._problem(
                429,
                "Too Many Requests",
                "Too Many Requests",
                {
                    "x-rate-limit-limit": "100",
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": str(reset),
                },
            )
            return True
        if fault.status is not None:
            titles = {
                401: "Unauthorized",
                403: "Forbidden",
                500: "Internal Server Error",
                503: "Service Unavailable",
            }
            self._problem(
                fault.status, titles.get(fault.status, "Error"), titles.get(fault.status, "Error")
            )
            return True
        return False

    def _new_id(self) -> str:
        with self.state.lock:
            self.state.next_id += 1
            return str(self.state.next_id)

    # --- routes ---------------------------------------------------------------------
    def do_POST(self) -> None:
        path = urlparse(self.path).path
        endpoint = f"POST {path}"
        body = self._body()
        self.state.requests.append(endpoint)
        fault = self._fault(endpoint)
        if (fault is None or not fault.drop_after_accept) and self._apply_fault(fault):
            return
        account = self._account()
        if account is None:
            self._problem(401, "Unauthorized", "Unauthorized")
            return
        if path in ("/2/media/upload", "/1.1/media/upload.json"):
            self._upload(path, body)
        elif path in ("/2/media/metadata", "/1.1/media/metadata/create.json"):
            self._metadata(path, body)
        elif path == "/2/tweets":
            self._create(account, body, fault)
        else:
            self._problem(404, "Not Found", f"no route {path}")

    def do_GET(self) -> None:
        parsed = urlparse(self.path)
        self.state.requests.append(f"GET {parsed.path}")
        if self._apply_fault(self._fault(f"GET {parsed.path}")):
            return
        account = self._account()
        if account is None:
            self._problem(401, "Unauthorized", "Unauthorized")
            return
        if parsed.path == "/2/users/me":
            self._send(
                200,
                {
                    "data": {
                        "id": account.user_id,
                        "name": account.username,
                        "username": account.username,
                    }
                },
            )
            return
        match = re.fullmatch(r"/2/users/(\d+)/tweets", parsed.path)
        if match:
            self._timeline(match.group(1), parse_qs(parsed.query))
            return
        self._problem(404, "Not Found", f"no route {parsed.path}")

    def _upload(self, path: str, body: bytes) -> None:
        ctype = self.headers.get("Content-Type", "")
        message = BytesParser(policy=email_policy).parsebytes(
            f"Content-Type: {ctype}\r\n\r\n".encode() + body
        )
        media = b""
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") == "media":
                media = part.get_payload(decode=True) or b""
        if not media:
            self._problem(400, "Invalid Request", "media is required")
            return
        if len(media) > 5 * 1024 * 1024:
            self._problem(400, "Invalid Request", "media exceeds 5 MB")
            return
        media_id = self._new_id()
        image_type = "image/png" if media[:4] == b"\x89PNG" else "image/jpeg"
        with self.state.lock:
            self.state.media[media_id] = {"bytes": media, "alt": None}
        info = {
            "size": len(media),
            "expires_after_secs": 86400,
            "image": {"image_type": image_type},
        }
        if path.startswith("/1.1"):
            self._send(200, {"media_id": int(media_id), "media_id_string": media_id, **info})
        else:
            self._send(200, {"data": {"id": media_id, "media_key": f"3_{media_id}", **info}})

    def _metadata(self, path: str, body: bytes) -> None:
        payload = json.loads(body or b"{}")
        media_id = str(payload.get("id") or payload.get("media_id"))
        alt = payload.get("metadata", {}).get("alt_text", {}).get("text") or payload.get(
            "alt_text", {}
        ).get("text")
        with self.state.lock:
            if media_id not in self.state.media:
                self._problem(400, "Invalid Request", "unknown media id")
                return
            self.state.media[media_id]["alt"] = alt
        if path.startswith("/1.1"):
            self._send(200, None)
        else:
            self._send(200, {"data": {"associated_metadata": True, "id": media_id}})

    def _create(self, account: Account, body: bytes, fault: Fault | None) -> None:
        payload = json.loads(body or b"{}")
        text = payload.get("text", "")
        media_ids = [str(m) for m in payload.get("media", {}).get("media_ids", [])]
        with self.state.lock:
            if any(
                p.author_id == account.user_id and p.text == _tco(text) for p in self.state.posts
            ):
                duplicate = True
            else:
                duplicate = False
                unknown = [m for m in media_ids if m not in self.state.media]
                if not unknown:
                    self.state.next_id += 1
                    post = Post(
                        str(self.state.next_id),
                        account.user_id,
                        _tco(text),
                        media_ids,
                        datetime.now(UTC),
                    )
                    self.state.posts.append(post)
        if duplicate:
            self._problem(403, "Forbidden", DUPLICATE)
            return
        if unknown:
            self._problem(400, "Invalid Request", f"unknown media ids {unknown}")
            return
        if fault is not None and fault.delay:
            time.sleep(fault.delay)  # accepted, answered late: the client may time out first
        if fault is not None and fault.drop_after_accept:
            # Accepted, then the connection is cut before any answer: an unknown outcome.
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self._send(
            201, {"data": {"id": post.id, "text": post.text, "edit_history_tweet_ids": [post.id]}}
        )

    def _timeline(self, user_id: str, query: dict[str, list[str]]) -> None:
        limit = min(100, int(query.get("max_results", ["10"])[0]))
        with self.state.lock:
            mine = [p for p in self.state.posts if p.author_id == user_id]
        mine = sorted(mine, key=lambda p: int(p.id), reverse=True)[:limit]
        data = [
            {
                "id": p.id,
                "text": p.text,
                "edit_history_tweet_ids": [p.id],
                "created_at": p.created_at.isoformat(timespec="milliseconds").replace(
                    "+00:00", "Z"
                ),
                **(
                    {"attachments": {"media_keys": [f"3_{m}" for m in p.media_ids]}}
                    if p.media_ids
                    else {}
                ),
            }
            for p in mine
        ]
        meta: dict[str, Any] = {"result_count": len(data)}
        if data:
            meta |= {"newest_id": data[0]["id"], "oldest_id": data[-1]["id"]}
        self._send(200, {"data": data, "meta": meta} if data else {"meta": meta})


def main() -> None:
    """Run a fake X server in the foreground (``python -m campaign.devtools.fakex``)."""
    server = FakeX(port=8765).start()
    creds = server.add_account("@demo")
    print(f"fake X on {server.url}; credentials for @demo: {json.dumps(creds)}")
    threading.Event().wait()


if __name__ == "__main__":
    main()
