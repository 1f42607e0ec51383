"""Both storage backends honour the same contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets.storage import LocalStorage, open_storage
from campaign.errors import ConfigError, NotFound


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "local":
        return open_storage(f"file://{tmp_path / 'store'}")
    return open_storage(request.getfixturevalue("s3_url"))


def test_put_get_exists_keys(storage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    storage.ping()
    assert not storage.exists("masters/ab/x.jpg")
    storage.put_bytes("masters/ab/x.jpg", b"one")
    src = tmp_path / "f.bin"
    src.write_bytes(b"two")
    storage.put_file("renditions/cd/y.pdf", src)
    assert storage.get_bytes("masters/ab/x.jpg") == b"one"
    assert storage.exists("renditions/cd/y.pdf")
    assert storage.keys() == ["masters/ab/x.jpg", "renditions/cd/y.pdf"]
    assert storage.keys("renditions") == ["renditions/cd/y.pdf"]
    with storage.local_path("renditions/cd/y.pdf") as path:
        assert path.read_bytes() == b"two"
    with pytest.raises(NotFound):
        storage.get_bytes("masters/none.jpg")


def test_keys_cannot_escape_the_root(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "s")
    with pytest.raises(ValueError, match="bad storage key"):
        store.put_bytes("../outside", b"x")


def test_unknown_scheme_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown scheme"):
        open_storage("ftp://host/x")
