"""The JSON API fuzzed from its own OpenAPI description (schemathesis): no server errors."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from campaign.users import create_token
from campaign.web.app import create_app
from tests.webapp import seed


def test_the_api_never_answers_with_a_server_error(sqlite_url: str, tmp_path: Path) -> None:
    seeded = seed(sqlite_url, tmp_path)
    token = create_token(
        seeded.app.db, email="admin@example.org", name="fuzz", now=seeded.app.clock.now()
    )
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(seeded.app))
    operations = [r.ok() for r in schema.include(path_regex="^/api/v1/").get_all_operations()]
    assert len(operations) >= 7
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def fuzz(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        fuzz()
