"""Publishing to X with tweepy: media upload, alt text, the post, and reconciliation.

tweepy 4.17 has only the deprecated v1.1 media upload, so the v2 upload
(``POST /2/media/upload``, ``POST /2/media/metadata``) is called here, signed
with the same OAuth 1.0a credentials through requests-oauthlib; v1.1 stays
selectable (``CAMPAIGN_X_MEDIA_UPLOAD=v1.1``). Every request has a timeout:
tweepy's ``Client`` sets none (tweepy #2024).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import tweepy
from pydantic import SecretStr
from requests.adapters import HTTPAdapter
from requests_oauthlib import OAuth1Session

from workers.publishers.base import (
    OutcomeUnknown,
    PostRequest,
    Published,
    RateLimited,
    Rejected,
    Retryable,
    comparable,
)

API = "https://api.twitter.com"
UPLOAD = "https://upload.twitter.com"
DUPLICATE = "duplicate content"


@dataclass(frozen=True)
class XCredentials:
    consumer_key: SecretStr
    consumer_secret: SecretStr
    access_token: SecretStr
    access_token_secret: SecretStr


class _Route(HTTPAdapter):
    """Adds a timeout to every request and, when configured, sends X's hosts elsewhere.

    In production nothing is rewritten; tests and the demo point ``api.twitter.com``
    at a fake server on 127.0.0.1 so tweepy's own requests and signing are exercised.
    """

    def __init__(self, timeout: float, rewrite: dict[str, str]) -> None:
        super().__init__(max_retries=0)
        self.timeout = timeout
        self.rewrite = rewrite

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        for old, new in self.rewrite.items():
            if request.url and request.url.startswith(old):
                request.url = new + request.url[len(old) :]
        return super().send(request, **kwargs)


def _mount(session: requests.Session, timeout: float, api_base: str, upload_base: str) -> None:
    rewrite = {k: v.rstrip("/") for k, v in ((API, api_base), (UPLOAD, upload_base)) if v != k}
    adapter = _Route(timeout, rewrite)
    for prefix in ("https://", "http://"):
        session.mount(prefix, adapter)


def _sent(exc: requests.RequestException) -> bool:
    """Return whether the request may have reached X before the failure."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return False
    if isinstance(exc, requests.exceptions.ReadTimeout | requests.exceptions.ChunkedEncodingError):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        text = repr(exc)
        return not (
            "NewConnectionError" in text
            or "Connection refused" in text
            or "Name or service not known" in text
        )
    return True


def _raise_for(resp: requests.Response) -> None:
    """Map an HTTP answer to tweepy's exceptions, as tweepy does for its own calls."""
    status = resp.status_code
    if status < 400:
        return
    if status == 429:
        reset = resp.headers.get("x-rate-limit-reset")
        raise tweepy.TooManyRequests(resp, reset_time=int(reset) if reset else None)
    exc = {
        400: tweepy.BadRequest,
        401: tweepy.Unauthorized,
        403: tweepy.Forbidden,
        404: tweepy.NotFound,
    }.get(status)
    if exc is not None:
        raise exc(resp)
    if status >= 500:
        raise tweepy.TwitterServerError(resp)
    raise tweepy.HTTPException(resp)


def _words(exc: tweepy.HTTPException) -> str:
    messages = [m for m in (exc.api_messages or []) if m]
    if not messages:
        try:
            body = exc.response.json()
            messages = [body.get("detail") or body.get("title") or ""]
        except ValueError:
            messages = [exc.response.reason or ""]
    return "; ".join(m for m in messages if m) or "no detail given"


class XPublisher:
    name = "x"

    def __init__(
        self,
        account: str,
        creds: XCredentials,
        *,
        api_base: str = API,
        upload_base: str = UPLOAD,
        media_upload: str = "v2",
        timeout: float = 20.0,
        max_wait: timedelta = timedelta(hours=1),
    ) -> None:
        self.account = account
        self.api_base = api_base.rstrip("/")
        self.media_upload = media_upload
        self.max_wait = max_wait
        keys = {
            k: getattr(creds, k).get_secret_value()
            for k in ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
        }
        self.client = tweepy.Client(**keys, wait_on_rate_limit=False)
        _mount(self.client.session, timeout, api_base, upload_base)
        self.oauth = OAuth1Session(
            keys["consumer_key"],
            keys["consumer_secret"],
            keys["access_token"],
            keys["access_token_secret"],
        )
        _mount(self.oauth, timeout, api_base, upload_base)
        self.api = tweepy.API(tweepy.OAuth1UserHandler(**keys))
        _mount(self.api.session, timeout, api_base, upload_base)

    # --- publishing -------------------------------------------------------------------
    def publish(self, post: PostRequest) -> Published:
        try:
            media_id = self._upload(post)
        except (tweepy.HTTPException, requests.RequestException) as exc:
            raise self._before_post(exc, "uploading the image") from None
        try:
            resp = self.client.create_tweet(text=post.text, media_ids=[media_id], user_auth=True)
        except tweepy.HTTPException as exc:
            raise self._before_post(exc, "posting") from None
        except requests.RequestException as exc:
            if _sent(exc):
                raise OutcomeUnknown(
                    f"X did not answer after the post was sent ({exc.__class__.__name__})"
                ) from None
            raise Retryable(f"X unreachable ({exc.__class__.__name__})") from None
        post_id = str(resp.data["id"])
        return Published(post_id, self.permalink(post_id))

    def permalink(self, post_id: str) -> str:
        return f"https://x.com/{self.account.lstrip('@')}/status/{post_id}"

    def _before_post(self, exc: Exception, step: str) -> Exception:
        """Translate an error that left nothing posted."""
        if isinstance(exc, tweepy.TooManyRequests):
            reset = exc.reset_time
            when = (
                datetime.fromtimestamp(reset, UTC)
                if reset
                else datetime.now(UTC) + timedelta(minutes=15)
            )
            when = min(when, datetime.now(UTC) + self.max_wait)
            return RateLimited(
                f"X rate limit while {step} (429): retry at {when:%H:%M:%S} UTC", when
            )
        if isinstance(exc, tweepy.Unauthorized):
            return Rejected(
                f"X refused the account's credentials while {step} (401): check "
                f"the access token for {self.account}"
            )
        if isinstance(exc, tweepy.Forbidden):
            words = _words(exc)
            if DUPLICATE in words.lower():
                return Rejected(
                    f"X refused the post as a duplicate of an earlier one (403): {words}"
                )
            return Rejected(f"X refused the post while {step} (403): {words}")
        if isinstance(exc, tweepy.BadRequest | tweepy.NotFound):
            return Rejected(
                f"X refused the request while {step} ({exc.response.status_code}): {_words(exc)}"
            )
        if isinstance(exc, tweepy.TwitterServerError):
            return Retryable(f"X server error while {step} ({exc.response.status_code})")
        if isinstance(exc, requests.RequestException):
            return Retryable(f"X unreachable while {step} ({exc.__class__.__name__})")
        return Retryable(f"X error while {step}: {exc}")

    def _upload(self, post: PostRequest) -> str:
        if self.media_upload == "v1.1":
            import io

            media = self.api.media_upload(
                filename=post.image_name, file=io.BytesIO(post.image), media_category="tweet_image"
            )
            if post.alt_text:
                self.api.create_media_metadata(media.media_id, post.alt_text[:1000])
            return str(media.media_id)
        resp = self.oauth.post(
            f"{API}/2/media/upload",
            files={"media": (post.image_name, post.image, post.media_type)},
            data={"media_category": "tweet_image", "media_type": post.media_type},
        )
        _raise_for(resp)
        media_id = str(resp.json()["data"]["id"])
        if post.alt_text:
            meta = self.oauth.post(
                f"{API}/2/media/metadata",
                json={"id": media_id, "metadata": {"alt_text": {"text": post.alt_text[:1000]}}},
            )
            _raise_for(meta)
        return media_id

    # --- reconciliation ---------------------------------------------------------------
    def find(self, post: PostRequest, since: datetime) -> Published | None:
        """Find this post among the account's recent posts by its text (as X echoes it)."""
        try:
            me = self.client.get_me(user_auth=True)
            recent = self.client.get_users_tweets(
                me.data.id,
                max_results=100,
                tweet_fields=["created_at"],
                user_auth=True,
                start_time=(since - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
        except (tweepy.HTTPException, requests.RequestException) as exc:
            raise Retryable(f"could not read the account's recent posts: {exc}") from None
        wanted = comparable(post.text)
        for tweet in recent.data or []:
            if comparable(tweet.text) == wanted:
                return Published(str(tweet.id), self.permalink(str(tweet.id)))
        return None
