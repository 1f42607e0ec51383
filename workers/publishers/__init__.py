"""Publishers by network: X, a webhook, and the dry-run outbox (the default without credentials)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml
from pydantic import SecretStr, ValidationError

from campaign.errors import ConfigError
from campaign.models import Site
from campaign.settings import Settings
from workers.publishers.base import Publisher
from workers.publishers.outbox import OutboxPublisher
from workers.publishers.webhook import WebhookPublisher
from workers.publishers.x import XCredentials, XPublisher


def load_x_credentials(settings: Settings) -> dict[str, XCredentials]:
    """Read X credentials per account from the secrets file and CAMPAIGN_X_CREDENTIALS.

    Never logged or shown: values are SecretStr, and errors name only the account.
    """
    found: dict[str, object] = {}
    if settings.secrets_file is not None:
        try:
            data = yaml.safe_load(Path(settings.secrets_file).read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(
                f"cannot read CAMPAIGN_SECRETS_FILE: {exc.__class__.__name__}"
            ) from None
        found |= (data.get("x") or {}) if isinstance(data, dict) else {}
    if settings.x_credentials is not None:
        try:
            found |= json.loads(settings.x_credentials.get_secret_value())
        except ValueError:
            raise ConfigError("CAMPAIGN_X_CREDENTIALS is not valid JSON") from None
    out = {}
    for handle, values in found.items():
        try:
            out[handle.lower()] = XCredentials(
                **{k: SecretStr(str(v)) for k, v in dict(values).items()}
            )  # type: ignore[call-overload]
        except (TypeError, ValueError, ValidationError):
            raise ConfigError(
                f"X credentials for {handle} need consumer_key, consumer_secret, "
                "access_token and access_token_secret"
            ) from None
    return out


Factory = Callable[[Site, Settings], Publisher]


def _x(site: Site, settings: Settings) -> Publisher:
    creds = load_x_credentials(settings).get(site.code.lower())
    if creds is None:
        return OutboxPublisher(settings.effective_outbox_dir)  # dry run: nothing configured
    return XPublisher(
        site.code,
        creds,
        api_base=settings.x_api_base,
        upload_base=settings.x_upload_base,
        media_upload=settings.x_media_upload,
        timeout=settings.http_timeout_seconds,
    )


def _webhook(site: Site, settings: Settings) -> Publisher:
    url = site.address if site.address.startswith(("http://", "https://")) else settings.webhook_url
    if not url:
        raise ConfigError(
            f"{site.code} posts to a webhook but no URL is set "
            "(CAMPAIGN_WEBHOOK_URL or the site's address)"
        )
    return WebhookPublisher(url, settings.http_timeout_seconds)


def _outbox(site: Site, settings: Settings) -> Publisher:
    return OutboxPublisher(settings.effective_outbox_dir)


PUBLISHERS: dict[str, Factory] = {"x": _x, "webhook": _webhook, "outbox": _outbox}


def publisher_for(site: Site, settings: Settings) -> Publisher:
    """Return the publisher for an account's network (registry lookup)."""
    network = site.network or "x"
    if network not in PUBLISHERS:
        raise ConfigError(f"no publisher for network {network!r} (have: {', '.join(PUBLISHERS)})")
    return PUBLISHERS[network](site, settings)
