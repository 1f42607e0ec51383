"""The web app: every route against the role table, uploads, the log, health and metrics."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from campaign.web.access import PUBLIC, RULES, allowed
from campaign.web.app import create_app
from tests import images
from tests.webapp import PASSWORD, ROLES, Seeded, csrf_of, seed, signed_in


@pytest.fixture
def seeded(sqlite_url: str, tmp_path: Path) -> Seeded:
    return seed(sqlite_url, tmp_path)


@pytest.fixture
def web(seeded: Seeded):  # type: ignore[no-untyped-def]
    return create_app(seeded.app)


def _routes(web) -> list[APIRoute]:  # type: ignore[no-untyped-def]
    return [r for r in web.routes if isinstance(r, APIRoute)]


def test_every_route_has_a_rule(web) -> None:  # type: ignore[no-untyped-def]
    missing = [r.name for r in _routes(web) if r.name not in RULES and r.name not in PUBLIC]
    assert missing == [], f"routes without an access rule: {missing}"


def _path(route: APIRoute, s: Seeded) -> str:
    values = {
        "slug": "together-as-one",
        "version_id": s.version_id,
        "rendition_id": s.rendition_id,
        "placement_id": s.placement_id,
    }
    return route.path.format(**{k: values[k] for k in route.param_convertors})


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "signed-out"])
def test_every_route_for_every_role(seeded: Seeded, web, role: str | None) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web)
    csrf = signed_in(client, role) if role else csrf_of(client.get("/login").text)
    for route in _routes(web):
        if route.name in ("logout", "login"):
            continue  # would end the session the walk relies on
        for method in sorted(route.methods):
            path = _path(route, seeded)
            data = {"csrf": csrf}
            if method == "POST":
                resp = client.post(
                    path, data=data, follow_redirects=False, headers={"Accept": "text/html"}
                )
            else:
                resp = client.get(path, follow_redirects=False, headers={"Accept": "text/html"})
            may = allowed(route.name, role)
            where = f"{role} {method} {path} ({route.name}) -> {resp.status_code}"
            if may:
                assert resp.status_code not in (401, 403) and resp.status_code < 500, where
            elif role is None:
                assert resp.status_code in (303, 401), where
                if resp.status_code == 303:
                    assert resp.headers["location"] == "/login", where
            else:
                assert resp.status_code == 403, where


def test_a_viewer_sees_no_upload_or_approve_actions(seeded: Seeded, web) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web)
    signed_in(client, "viewer")
    library = client.get("/campaigns/together-as-one/library").text
    version = client.get(f"/versions/{seeded.version_id}").text
    assert 'id="upload-form"' not in library
    assert 'id="approve"' not in version and "click the image" not in version


def test_upload_of_a_bad_file_says_why_and_stores_nothing(
    seeded: Seeded, web, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web)
    csrf = signed_in(client, "comms")
    before = seeded.app.storage.keys("masters")
    resp = client.post(
        "/campaigns/together-as-one/library",
        data={"csrf": csrf, "title": "Bad"},
        files={"file": ("poster.jpg", b"not an image at all", "image/jpeg")},
        headers={"Accept": "text/html"},
    )
    assert resp.status_code == 422
    assert "poster.jpg: not an image" in resp.text
    assert seeded.app.storage.keys("masters") == before


def test_upload_and_focal_point_queue_renditions(seeded: Seeded, web, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web)
    csrf = signed_in(client, "comms")
    master = images.master_jpeg(tmp_path / "new.jpg", (1600, 1000)).read_bytes()
    resp = client.post(
        "/campaigns/together-as-one/library",
        data={"csrf": csrf, "title": "New"},
        files={"file": ("new.jpg", master, "image/jpeg")},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    version = int(resp.headers["location"].rsplit("/", 1)[1])
    assert ("render", (version, "x-landscape")) in seeded.sent.sent
    resp = client.post(
        f"/versions/{version}/focal",
        data={"csrf": csrf, "x": "0.25", "y": "0.4"},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    assert "Focal point 0.25, 0.40" in client.get(f"/versions/{version}").text


def test_forms_without_the_csrf_token_are_refused(seeded: Seeded, web) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web)
    signed_in(client, "manager")
    resp = client.post(f"/versions/{seeded.version_id}/approve", data={"csrf": "forged"})
    assert resp.status_code == 403


def test_sign_in_attempts_are_rate_limited(seeded: Seeded, web) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web)
    csrf = csrf_of(client.get("/login").text)
    for _ in range(5):
        bad = client.post(
            "/login", data={"email": "comms@example.org", "password": "nope", "csrf": csrf}
        )
        assert bad.status_code == 401 and "wrong e-mail address or password" in bad.text
    blocked = client.post(
        "/login", data={"email": "comms@example.org", "password": PASSWORD, "csrf": csrf}
    )
    assert blocked.status_code == 429 and "too many failed sign-ins" in blocked.text


def test_session_cookie_is_httponly_and_samesite(seeded: Seeded, web) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web)
    resp = client.get("/login")
    cookie = resp.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_log_filters_and_csv_export(seeded: Seeded, web) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web)
    signed_in(client, "manager")
    page = client.get("/log", params={"campaign": "together-as-one", "channel": "social"}).text
    assert page.count("<tr>") > 3 and "billboard" not in page.split('id="log"')[1]
    resp = client.get("/log.csv", params={"channel": "social"})
    assert resp.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert rows and {r["channel"] for r in rows} == {"social"}
    blank = client.get("/log", params={"channel": "social", "since": "", "until": ""})
    assert blank.status_code == 200  # a filter form's empty date fields mean "no filter"
    bad = client.get("/log", params={"since": "soon"}, headers={"Accept": "text/html"})
    assert bad.status_code == 422 and "since: use a date such as 2027-02-01" in bad.text


def test_api_needs_a_token_and_pages(seeded: Seeded, web) -> None:  # type: ignore[no-untyped-def]
    from campaign.users import create_token

    client = TestClient(web)
    assert client.get("/api/v1/campaigns").status_code == 401
    token = create_token(
        seeded.app.db, email="viewer@example.org", name="t", now=seeded.app.clock.now()
    )
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/campaigns", headers=auth).json()[0]["slug"] == "together-as-one"
    first = client.get("/api/v1/campaigns/together-as-one/placements?limit=2", headers=auth).json()
    assert len(first["items"]) == 2 and first["next"]
    second = client.get(first["next"], headers=auth).json()
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})
    assert (
        client.post(f"/api/v1/versions/{seeded.version_id}/approve", headers=auth).status_code
        == 403
    )


def test_healthz_and_metrics(seeded: Seeded, web) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web)
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["database"] == "ok"
    metrics = client.get("/metrics").text
    assert 'campaign_placements{kind="social",state="planned"}' in metrics
    assert "campaign_queue_depth" in metrics


@pytest.mark.parametrize(
    ("setting", "value", "failing"),
    [
        ("database_url", "postgresql://127.0.0.1:1/campaign", "database"),
        ("broker_url", "redis://127.0.0.1:1/0", "broker"),
    ],
    ids=["postgres down", "redis down"],
)
def test_healthz_fails_when_a_service_is_down(
    sqlite_url: str, tmp_path: Path, setting: str, value: str, failing: str
) -> None:
    from campaign.bootstrap import bootstrap
    from campaign.settings import Settings

    values = {"database_url": sqlite_url, "data_dir": tmp_path / "var", setting: value}
    web = create_app(bootstrap(Settings(**values)))  # type: ignore[arg-type]
    resp = TestClient(web).get("/healthz")
    assert resp.status_code == 503
    body = resp.json()
    assert body["status"] == "unavailable" and body[failing].startswith("error: ")
    others = {"database", "broker", "storage"} - {failing}
    assert all(body[name] == "ok" for name in others), body
