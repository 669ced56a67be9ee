"""Tests for fetching the pinned front-end packages, using local tarballs instead of the network."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import tarfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import pytest

from interlocal import assets
from interlocal.assets import STAMP_NAME, AssetError, ensure_assets, load_lock, main

DEMO_FILES = {
    "package/package.json": b'{"name": "@demo/demo"}',
    "package/dist/css/demo.min.css": b"body{font-family:demo}",
    "package/dist/js/demo.min.js": b"console.log('demo')",
    "package/dist/fonts/sans/sans.woff2": b"woff2-sans",
    "package/dist/fonts/mono.woff2": b"woff2-mono",
}
DEMO_EXTRACT = [
    {"member": "package/dist/css/demo.min.css", "dest": "demo/css/demo.min.css"},
    {"member": "package/dist/js/demo.min.js", "dest": "demo/js/demo.min.js"},
    {"member": "package/dist/fonts/", "dest": "demo/fonts/"},
]


def make_tarball(path: Path, files: dict[str, bytes], extra: Sequence[tarfile.TarInfo] = ()) -> str:
    """Write a gzipped tarball of files plus extra raw members; return its sha512 integrity."""
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for info in extra:
            archive.addfile(info)
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def demo_package(
    tmp_path: Path, version: str = "1.0.0", files: dict[str, bytes] | None = None
) -> dict[str, Any]:
    """Build the demo tarball for version and return its lock entry."""
    tarball = tmp_path / f"demo-{version}.tgz"
    integrity = make_tarball(tarball, DEMO_FILES if files is None else files)
    return {
        "key": "demo",
        "name": "@demo/demo",
        "version": version,
        "tarball": tarball.as_uri(),
        "integrity": integrity,
        "extract": DEMO_EXTRACT,
    }


def tiny_package(tmp_path: Path) -> dict[str, Any]:
    """Build a one-file package, like htmx, and return its lock entry."""
    tarball = tmp_path / "tiny-2.0.0.tgz"
    integrity = make_tarball(tarball, {"package/dist/tiny.min.js": b"tiny()"})
    return {
        "key": "tiny",
        "name": "tiny.org",
        "version": "2.0.0",
        "tarball": tarball.as_uri(),
        "integrity": integrity,
        "extract": [{"member": "package/dist/tiny.min.js", "dest": "tiny/tiny.min.js"}],
    }


def write_lock(tmp_path: Path, *packages: dict[str, Any]) -> Path:
    """Write a lock file listing packages."""
    lock = tmp_path / "assets.lock.json"
    lock.write_text(json.dumps({"packages": list(packages)}))
    return lock


def snapshot(root: Path) -> dict[str, bytes]:
    """Return every file under root with its contents, to prove nothing changed."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_it_unpacks_a_verified_tarball_into_the_static_layout(tmp_path: Path) -> None:
    dest = tmp_path / "static-vendor"
    lock = write_lock(tmp_path, demo_package(tmp_path), tiny_package(tmp_path))

    fetched = ensure_assets(dest, lock_path=lock, quiet=True)

    assert fetched == ["demo", "tiny"]
    files = snapshot(dest)
    stamp = json.loads(files.pop(STAMP_NAME))
    assert files == {
        "demo/css/demo.min.css": b"body{font-family:demo}",
        "demo/js/demo.min.js": b"console.log('demo')",
        "demo/fonts/sans/sans.woff2": b"woff2-sans",
        "demo/fonts/mono.woff2": b"woff2-mono",
        "tiny/tiny.min.js": b"tiny()",
    }
    assert stamp["demo"]["version"] == "1.0.0"
    assert stamp["demo"]["integrity"].startswith("sha512-")
    assert [p.name for p in dest.iterdir() if p.name.startswith(".assets-tmp-")] == []


def test_it_does_nothing_when_everything_is_already_in_place(tmp_path: Path) -> None:
    dest = tmp_path / "static-vendor"
    lock = write_lock(tmp_path, demo_package(tmp_path), tiny_package(tmp_path))
    ensure_assets(dest, lock_path=lock, quiet=True)
    before = {p: p.stat().st_mtime_ns for p in dest.rglob("*")}
    calls: list[str] = []

    def opener(url: str) -> IO[bytes]:
        calls.append(url)
        raise AssertionError("must not download")

    assert ensure_assets(dest, lock_path=lock, opener=opener, quiet=True) == []
    assert calls == []
    assert {p: p.stat().st_mtime_ns for p in dest.rglob("*")} == before


def test_it_prints_one_line_per_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "static-vendor"
    lock = write_lock(tmp_path, demo_package(tmp_path), tiny_package(tmp_path))
    ensure_assets(dest, lock_path=lock, quiet=True)
    (dest / "tiny" / "tiny.min.js").unlink()

    assert ensure_assets(dest, lock_path=lock) == ["tiny"]

    assert capsys.readouterr().out.splitlines() == ["demo 1.0.0: up to date", "tiny 2.0.0: fetched"]


def test_it_replaces_the_package_folder_when_the_pin_changes(tmp_path: Path) -> None:
    dest = tmp_path / "static-vendor"
    ensure_assets(dest, lock_path=write_lock(tmp_path, demo_package(tmp_path)), quiet=True)
    newer = dict(DEMO_FILES)
    del newer["package/dist/fonts/mono.woff2"]
    newer["package/dist/css/demo.min.css"] = b"body{font-family:demo2}"

    lock = write_lock(tmp_path, demo_package(tmp_path, "1.1.0", newer))
    assert ensure_assets(dest, lock_path=lock, quiet=True) == ["demo"]

    assert (dest / "demo/css/demo.min.css").read_bytes() == b"body{font-family:demo2}"
    # A file dropped upstream must not linger from the old release.
    assert not (dest / "demo/fonts/mono.woff2").exists()
    assert json.loads((dest / STAMP_NAME).read_text())["demo"]["version"] == "1.1.0"


def test_it_refuses_a_tampered_tarball_and_leaves_the_destination_untouched(tmp_path: Path) -> None:
    dest = tmp_path / "static-vendor"
    ensure_assets(dest, lock_path=write_lock(tmp_path, demo_package(tmp_path)), quiet=True)
    before = snapshot(dest)
    entry = demo_package(tmp_path, "1.1.0")
    tarball = tmp_path / "demo-1.1.0.tgz"
    make_tarball(tarball, {**DEMO_FILES, "package/dist/js/demo.min.js": b"steal(document.cookie)"})
    actual = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()

    with pytest.raises(AssetError) as caught:
        ensure_assets(dest, lock_path=write_lock(tmp_path, entry), quiet=True)

    message = str(caught.value)
    assert "@demo/demo 1.1.0" in message
    assert "integrity mismatch" in message
    assert entry["integrity"] in message
    assert actual in message
    assert "\n" not in message
    assert snapshot(dest) == before


def test_it_refuses_a_tampered_tarball_on_first_set_up(tmp_path: Path) -> None:
    dest = tmp_path / "static-vendor"
    entry = demo_package(tmp_path)
    entry["integrity"] = "sha512-" + base64.b64encode(bytes(64)).decode()

    with pytest.raises(AssetError, match="integrity mismatch"):
        ensure_assets(dest, lock_path=write_lock(tmp_path, entry), quiet=True)

    assert not (dest / "demo").exists()
    assert not (dest / STAMP_NAME).exists()


def _link(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


def _file(name: str) -> tarfile.TarInfo:
    return tarfile.TarInfo(name)


def _fifo(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.FIFOTYPE
    return info


@pytest.mark.parametrize(
    ("member", "complaint"),
    [
        (_file("../x"), "outside the package"),
        (_file("/tmp/x"), "outside the package"),
        (_file("package/dist/fonts/../../../x"), "outside the package"),
        (_file("package\\..\\..\\x"), "outside the package"),
        (_link("package/dist/fonts/evil.woff2", "/etc/passwd"), "refusing link"),
        (_link("package/dist/fonts/up", "../../.."), "refusing link"),
        (_link("package/elsewhere", "../../x"), "refusing link"),
        (_link("package/dist/fonts/hard.woff2", "/etc/passwd", tarfile.LNKTYPE), "refusing link"),
        (_fifo("package/dist/fonts/pipe"), "refusing special file"),
    ],
    ids=["dotdot", "absolute", "dotdot-in-selected-folder", "backslash", "symlink-out", "symlink-dir",
         "symlink-unselected", "hardlink", "fifo"],
)  # fmt: skip
def test_it_refuses_members_that_escape_the_package(
    tmp_path: Path, member: tarfile.TarInfo, complaint: str
) -> None:
    dest = tmp_path / "vendor" / "static"
    tarball = tmp_path / "evil.tgz"
    entry = demo_package(tmp_path)
    entry["integrity"] = make_tarball(tarball, DEMO_FILES, [member])
    entry["tarball"] = tarball.as_uri()

    with pytest.raises(AssetError, match=complaint) as caught:
        ensure_assets(dest, lock_path=write_lock(tmp_path, entry), quiet=True)

    assert "@demo/demo 1.0.0" in str(caught.value)
    assert not (dest / "demo").exists()
    assert not (tmp_path / "vendor" / "x").exists()
    assert not (tmp_path / "x").exists()
    assert [p.name for p in dest.iterdir()] == []


def test_it_reports_a_missing_member(tmp_path: Path) -> None:
    dest = tmp_path / "static-vendor"
    entry = demo_package(tmp_path)
    entry["extract"] = [*DEMO_EXTRACT, {"member": "package/dist/img/", "dest": "demo/img/"}]

    with pytest.raises(AssetError, match=r"@demo/demo 1\.0\.0: tarball .* has no member 'package/dist/img/'"):
        ensure_assets(dest, lock_path=write_lock(tmp_path, entry), quiet=True)

    assert not (dest / "demo").exists()


def test_it_explains_that_the_registry_must_be_reachable(tmp_path: Path) -> None:
    dest = tmp_path / "static-vendor"
    entry = demo_package(tmp_path)
    entry["tarball"] = "https://registry.npmjs.org/@demo/demo/-/demo-1.0.0.tgz"

    def offline(url: str) -> IO[bytes]:
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    with pytest.raises(AssetError) as caught:
        ensure_assets(dest, lock_path=write_lock(tmp_path, entry), opener=offline, quiet=True)

    message = str(caught.value)
    assert "https://registry.npmjs.org/@demo/demo/-/demo-1.0.0.tgz" in message
    assert "name resolution" in message
    assert "npm registry must be reachable for first set-up" in message
    assert not (dest / "demo").exists()


def test_it_reports_an_http_error_with_its_status(tmp_path: Path) -> None:
    entry = demo_package(tmp_path)

    def not_found(url: str) -> IO[bytes]:
        raise urllib.error.HTTPError(url, 404, "Not Found", None, None)  # type: ignore[arg-type]

    with pytest.raises(AssetError, match=r"could not download file://.* \(HTTP 404 Not Found\)"):
        ensure_assets(tmp_path / "out", lock_path=write_lock(tmp_path, entry), opener=not_found, quiet=True)


@pytest.mark.parametrize(
    "change",
    [
        {"extract": [{"member": "package/dist/x.js", "dest": "../x.js"}]},
        {"extract": [{"member": "package/dist/x.js", "dest": "other/x.js"}]},
        {"extract": [{"member": "package/dist/", "dest": "demo/x.js"}]},
        {"key": "../demo"},
        {"integrity": "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
        {"integrity": "sha512-not base64"},
    ],
)
def test_it_refuses_an_unsafe_lock(tmp_path: Path, change: dict[str, Any]) -> None:
    entry = {**demo_package(tmp_path), **change}

    with pytest.raises(AssetError, match="invalid assets lock"):
        ensure_assets(tmp_path / "out", lock_path=write_lock(tmp_path, entry), quiet=True)

    assert not (tmp_path / "out").exists()


def test_it_pins_registry_tarballs_in_the_shipped_lock() -> None:
    packages = {p.key: p for p in load_lock()}

    assert set(packages) == {"uswds", "htmx", "swagger-ui"}
    assert packages["uswds"].name == "@uswds/uswds"
    assert packages["uswds"].version.startswith("3.")
    assert packages["htmx"].name == "htmx.org"
    assert packages["htmx"].version.startswith("2.")
    assert packages["swagger-ui"].name == "swagger-ui-dist"
    assert packages["swagger-ui"].version.startswith("5.")
    for package in packages.values():
        assert re.fullmatch(r"\d+\.\d+\.\d+", package.version)
        basename = package.name.rpartition("/")[2]
        assert (
            package.tarball == f"https://registry.npmjs.org/{package.name}/-/{basename}-{package.version}.tgz"
        )
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", package.integrity)
    dests = {e.dest for p in packages.values() for e in p.extract}
    assert dests == {
        "uswds/css/uswds.min.css",
        "uswds/js/uswds.min.js",
        "uswds/js/uswds-init.min.js",
        "uswds/fonts/",
        "uswds/img/",
        "htmx/htmx.min.js",
        "swagger-ui/swagger-ui-bundle.js",
        "swagger-ui/swagger-ui.css",
        "swagger-ui/swagger-ui.css.map",
        "swagger-ui/LICENSE",
    }


def test_it_runs_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "static-vendor"
    lock = write_lock(tmp_path, tiny_package(tmp_path))

    assert main([str(dest), "--lock", str(lock)]) == 0
    assert main([str(dest), "--lock", str(lock)]) == 0

    assert capsys.readouterr().out.splitlines() == ["tiny 2.0.0: fetched", "tiny 2.0.0: up to date"]


def test_it_exits_1_with_the_message_when_it_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = tiny_package(tmp_path)
    entry["tarball"] = (tmp_path / "gone.tgz").as_uri()

    assert main([str(tmp_path / "out"), "--lock", str(write_lock(tmp_path, entry))]) == 1

    err = capsys.readouterr().err
    assert err.startswith("error: could not download file://")
    assert "npm registry must be reachable" in err
    assert err.count("\n") == 1


def test_it_defaults_to_the_git_ignored_var_folder() -> None:
    repo = Path(assets.__file__).resolve().parent.parent

    assert repo / "var" / "static-vendor" == assets.DEFAULT_DEST
    assert repo / "interlocal" / "assets.lock.json" == assets.LOCK_PATH


def test_it_streams_the_download_in_chunks(tmp_path: Path) -> None:
    entry = tiny_package(tmp_path)
    reads: list[int] = []

    class Recorder(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            reads.append(-1 if size is None else size)
            return super().read(size)

    def opener(url: str) -> IO[bytes]:
        with urllib.request.urlopen(url) as response:
            return Recorder(response.read())

    ensure_assets(tmp_path / "out", lock_path=write_lock(tmp_path, entry), opener=opener, quiet=True)

    assert reads and all(size > 0 for size in reads)
