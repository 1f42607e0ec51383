"""The product as people use it: real pages in headless Chromium (Debian's), via Playwright.

Screenshots of every page visited are saved under test-artifacts/screenshots/.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from assets.renditions import ensure_rendition
from campaign.web.app import create_app
from tests import images
from tests.conftest import service_missing
from tests.webapp import PASSWORD, Seeded, seed

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
pytestmark = pytest.mark.slow


@pytest.fixture
def site(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[str, Seeded]]:
    seeded = seed(sqlite_url, tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(seeded.app), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", seeded
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        service_missing("Chromium (apt-get install chromium)", f"{CHROMIUM} not found")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--disable-gpu", "--disable-quic", "--no-first-run"]
        )
        yield b
        b.close()


def _sign_in(page, base: str, role: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("input[name=email]", f"{role}@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _render_every_format(seeded, version: int) -> None:  # type: ignore[no-untyped-def]
    """The worker's part, done here: make every rendition of the version."""
    for fmt in seeded.app.formats:
        ensure_rendition(
            seeded.app.db,
            seeded.app.storage,
            seeded.app.formats,
            version_id=version,
            format_id=fmt.id,
            max_pixels=150_000_000,
            now=seeded.app.clock.now(),
        )


def test_comms_uploads_sets_the_focal_point_and_sees_every_rendition(
    site, browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    base, seeded = site
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(page, base, "comms")
    page.goto(f"{base}/campaigns/together-as-one/library")
    page.screenshot(path=str(SHOTS / "comms-library.png"), full_page=True)
    master = images.master_jpeg(tmp_path / "partner-nhs.jpg", (3600, 2400), dot=(0.3, 0.4))
    page.set_input_files("#file", str(master))
    assert page.input_value("#title") == "partner-nhs"
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#picker img")
    version = int(page.url.rstrip("/").rsplit("/", 1)[1])
    _render_every_format(seeded, version)
    page.reload()
    box = page.locator("#master").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.4)
    page.wait_for_load_state("load")
    page.wait_for_selector("figcaption:has-text('Focal point 0.30, 0.40')")
    _render_every_format(seeded, version)  # the new focal point means new renditions
    page.reload()
    shown = page.locator(".rendition").count()
    assert shown == len(seeded.app.formats)
    for group in ("billboard", "bus", "bus-stop", "newspaper", "social"):
        assert page.locator(f"h3:text-is('{group}')").count() == 1
    assert page.locator(".badge.ok").count() > 0
    # Every preview answers with a picture, print PDFs included.
    sources = page.locator(".rendition img").evaluate_all("els => els.map(e => e.src)")
    assert len(sources) == len(seeded.app.formats)
    for src in sources:
        reply = page.request.get(src)
        assert reply.ok and reply.headers["content-type"] == "image/jpeg", src
    # The screenshot shows them all: load the lazy ones now, and wait for them.
    page.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    page.screenshot(path=str(SHOTS / "comms-version.png"), full_page=True)


def test_manager_approves_filters_the_log_and_downloads_csv(site, browser) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    page = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    ).new_page()
    _sign_in(page, base, "manager")
    page.goto(f"{base}/approvals")
    page.screenshot(path=str(SHOTS / "manager-approvals.png"), full_page=True)
    page.click("button:has-text('Approve')")
    page.wait_for_selector("text=approved by manager@example.org")
    page.goto(f"{base}/campaigns/together-as-one")
    assert page.locator(".timeline svg").count() == 1
    page.screenshot(path=str(SHOTS / "manager-campaign.png"), full_page=True)
    page.goto(f"{base}/log")
    page.select_option("select[name=channel]", "social")
    page.select_option("select[name=status]", "approved")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**/log?**channel=social**")
    rows = page.locator("#log tr").count() - 1
    assert rows == 4  # the four posts moved to approved
    page.screenshot(path=str(SHOTS / "manager-log.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#csv")
    csv_text = Path(info.value.path()).read_text()
    assert csv_text.count("\n") == 5 and "approved" in csv_text


def test_a_viewer_cannot_reach_upload_or_approve(site, browser) -> None:  # type: ignore[no-untyped-def]
    base, seeded = site
    page = browser.new_context().new_page()
    _sign_in(page, base, "viewer")
    page.goto(f"{base}/campaigns/together-as-one/library")
    assert page.locator("#upload-form").count() == 0
    page.goto(f"{base}/versions/{seeded.version_id}")
    assert page.locator("#approve").count() == 0
    page.screenshot(path=str(SHOTS / "viewer-version.png"), full_page=True)
    page.goto(f"{base}/approvals")
    assert "Not allowed" in page.content()
