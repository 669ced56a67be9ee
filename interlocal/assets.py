"""Fetch the pinned front-end packages (USWDS, htmx, Swagger UI) from the npm registry into a static folder."""

# Runs as the first set-up step, before Django is configured, so it must use the standard
# library only and must not import Django (or anything in the project that does).

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import http.client
import json
import os
import re
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

LOCK_PATH = Path(__file__).with_name("assets.lock.json")
DEFAULT_DEST = Path(__file__).resolve().parent.parent / "var" / "static-vendor"
# Dot-prefixed so Django's collectstatic (ignore pattern ".*") never publishes it or a stray work dir.
STAMP_NAME = ".assets-stamp.json"
WORK_PREFIX = ".assets-tmp-"

_CHUNK = 1 << 16
_TIMEOUT_SECONDS = 60
# sha1 and md5 appear in old npm metadata; they are too weak to pin against.
_ALGORITHMS = {"sha256": 32, "sha384": 48, "sha512": 64}
_KEY_RE = re.compile(r"[a-z0-9][a-z0-9._-]*")

Opener = Callable[[str], IO[bytes]]


class AssetError(RuntimeError):
    """A pinned asset package could not be fetched, verified or unpacked."""


@dataclass(frozen=True)
class Extract:
    """One lock entry: a tarball member (or folder ending in "/") and where it goes under the root."""

    member: str
    dest: str


@dataclass(frozen=True)
class Package:
    """One pinned npm package and the members to unpack from it."""

    key: str
    name: str
    version: str
    tarball: str
    integrity: str
    extract: tuple[Extract, ...]

    @property
    def label(self) -> str:
        """Return "name version" for messages."""
        return f"{self.name} {self.version}"

    def stamp(self) -> dict[str, Any]:
        """Return what the stamp file records, so any change to the pin forces a fresh fetch."""
        return {
            "name": self.name,
            "version": self.version,
            "integrity": self.integrity,
            "extract": [[e.member, e.dest] for e in self.extract],
        }


def _clean_relpath(name: str) -> str | None:
    """Return name as a normalised relative POSIX path, or None if it could land outside its root."""
    # Backslashes and NULs are legal in POSIX names but mean traversal or truncation elsewhere.
    if not name or "\\" in name or "\x00" in name:
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        return None
    clean = str(path)
    return None if clean == "." else clean


def _parse_integrity(integrity: str) -> tuple[str, str]:
    """Split an npm/SRI integrity string into (algorithm, base64 digest), or raise ValueError."""
    algorithm, sep, digest = integrity.partition("-")
    if not sep or algorithm not in _ALGORITHMS:
        raise ValueError(f"unsupported integrity {integrity!r} (want sha512-<base64>)")
    try:
        raw = base64.b64decode(digest, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"integrity {integrity!r} is not valid base64") from exc
    # Requiring the canonical encoding lets the check compare base64 strings directly.
    if len(raw) != _ALGORITHMS[algorithm] or base64.b64encode(raw).decode("ascii") != digest:
        raise ValueError(f"integrity {integrity!r} is not a canonical {algorithm} digest")
    return algorithm, digest


def _parse_package(entry: Any) -> Package:
    """Validate one lock entry, raising ValueError with what is wrong."""
    if not isinstance(entry, dict):
        raise ValueError("each package must be an object")
    fields = {}
    for field in ("key", "name", "version", "tarball", "integrity"):
        value = entry.get(field)
        if not isinstance(value, str) or not value:
            raise ValueError(f"package field {field!r} must be a non-empty string")
        fields[field] = value
    key = fields["key"]
    if not _KEY_RE.fullmatch(key):
        raise ValueError(f"package key {key!r} must be a plain lower-case folder name")
    _parse_integrity(fields["integrity"])
    items = entry.get("extract")
    if not isinstance(items, list) or not items:
        raise ValueError(f"{key}: 'extract' must be a non-empty list")
    extracts = []
    for item in items:
        member = item.get("member") if isinstance(item, dict) else None
        dest = item.get("dest") if isinstance(item, dict) else None
        if not isinstance(member, str) or not isinstance(dest, str):
            raise ValueError(f"{key}: each extract needs string 'member' and 'dest'")
        if member.endswith("/") != dest.endswith("/"):
            raise ValueError(f"{key}: {member!r} -> {dest!r} must both be folders (ending in /) or files")
        clean_member = _clean_relpath(member)
        clean_dest = _clean_relpath(dest)
        if clean_member is None or clean_dest is None:
            raise ValueError(f"{key}: {member!r} -> {dest!r} is not a safe relative path")
        # Each package owns exactly one top-level folder, which is what gets swapped into place.
        if not clean_dest.startswith(key + "/"):
            raise ValueError(f"{key}: destination {dest!r} must be inside {key}/")
        suffix = "/" if member.endswith("/") else ""
        extracts.append(Extract(clean_member + suffix, clean_dest + suffix))
    return Package(
        key=key,
        name=fields["name"],
        version=fields["version"],
        tarball=fields["tarball"],
        integrity=fields["integrity"],
        extract=tuple(extracts),
    )


def load_lock(lock_path: Path = LOCK_PATH) -> list[Package]:
    """Read and validate the lock file."""
    try:
        data = json.loads(lock_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AssetError(f"cannot read assets lock {lock_path}: {exc}") from exc
    try:
        entries = data.get("packages") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ValueError("top level must be an object with a 'packages' list")
        packages = [_parse_package(entry) for entry in entries]
        keys = [p.key for p in packages]
        if len(set(keys)) != len(keys):
            raise ValueError("package keys must be unique")
    except ValueError as exc:
        raise AssetError(f"invalid assets lock {lock_path}: {exc}") from exc
    return packages


def _read_stamp(dest: Path) -> dict[str, Any]:
    """Return the stamp of what is installed under dest, or {} if absent or unreadable."""
    try:
        data = json.loads((dest / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # A damaged stamp only costs a re-download, so it is not an error.
        return {}
    return data if isinstance(data, dict) else {}


def _write_stamp(dest: Path, stamp: dict[str, Any]) -> None:
    """Write the stamp atomically so an interrupted run never leaves a half-written one."""
    tmp = dest / (STAMP_NAME + ".tmp")
    tmp.write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, dest / STAMP_NAME)


def _is_installed(dest: Path, package: Package, stamp: dict[str, Any]) -> bool:
    """Return True if the stamp matches the pin and every destination is still on disk."""
    if stamp.get(package.key) != package.stamp():
        return False
    for extract in package.extract:
        target = dest / extract.dest
        if not (target.is_dir() if extract.dest.endswith("/") else target.is_file()):
            return False
    return True


def _urlopen(url: str) -> IO[bytes]:
    """Open url with a timeout, so a dead network fails instead of hanging set-up."""
    request = urllib.request.Request(url, headers={"User-Agent": "interlocal-assets"})
    return cast(IO[bytes], urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS))


def _network_error(url: str, exc: BaseException) -> AssetError:
    """Build the one-line error for a failed download."""
    if isinstance(exc, urllib.error.HTTPError):
        reason = f"HTTP {exc.code} {exc.reason}"
    elif isinstance(exc, urllib.error.URLError):
        reason = str(exc.reason)
    else:
        reason = str(exc) or type(exc).__name__
    reason = " ".join(reason.split())
    return AssetError(
        f"could not download {url} ({reason}); the npm registry must be reachable for first set-up"
    )


def _download(package: Package, opener: Opener, into: Path) -> Path:
    """Stream the tarball to a file in into, verify its integrity and return its path."""
    algorithm, expected = _parse_integrity(package.integrity)
    digest = hashlib.new(algorithm)
    path = into / f"{package.key}.tgz"
    url = package.tarball
    network_errors = (OSError, ValueError, http.client.HTTPException)
    with path.open("wb") as out:
        try:
            response = opener(url)
        except network_errors as exc:
            raise _network_error(url, exc) from exc
        with response:
            while True:
                try:
                    chunk = response.read(_CHUNK)
                except network_errors as exc:
                    raise _network_error(url, exc) from exc
                if not chunk:
                    break
                digest.update(chunk)
                out.write(chunk)
    actual = base64.b64encode(digest.digest()).decode("ascii")
    if actual != expected:
        raise AssetError(
            f"{package.label}: integrity mismatch for {url}: expected {algorithm}-{expected}, "
            f"got {algorithm}-{actual}; refusing to unpack"
        )
    return path


def _target_for(package: Package, name: str) -> tuple[Extract, str] | None:
    """Return the extract entry that selects member name and its destination, if any."""
    for extract in package.extract:
        if extract.member.endswith("/"):
            if name.startswith(extract.member):
                return extract, extract.dest + name[len(extract.member) :]
        elif name == extract.member:
            return extract, extract.dest
    return None


def _unpack(package: Package, tarball: Path, stage: Path) -> None:
    """Unpack the selected members into stage, refusing any member that could escape it."""
    found: set[Extract] = set()
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            for member in archive:
                name = _clean_relpath(member.name)
                # Checked for every member, not just selected ones: a tarball that tries this is hostile.
                if name is None:
                    raise AssetError(
                        f"{package.label}: refusing tarball member {member.name!r} outside the package"
                    )
                if member.issym() or member.islnk():
                    raise AssetError(
                        f"{package.label}: refusing link {member.name!r} -> {member.linkname!r} in tarball"
                    )
                if member.isdir():
                    continue
                if not member.isfile():
                    raise AssetError(f"{package.label}: refusing special file {member.name!r} in tarball")
                selected = _target_for(package, name)
                if selected is None:
                    continue
                extract, dest = selected
                source = archive.extractfile(member)
                if source is None:
                    raise AssetError(f"{package.label}: cannot read {member.name!r} from tarball")
                target = stage / dest
                target.parent.mkdir(parents=True, exist_ok=True)
                # Written by hand rather than extract() so tar modes, owners and times never apply.
                with source, target.open("wb") as out:
                    shutil.copyfileobj(source, out, _CHUNK)
                found.add(extract)
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise AssetError(f"{package.label}: {package.tarball} is not a valid tarball ({exc})") from exc
    except OSError as exc:
        raise AssetError(f"{package.label}: cannot unpack into {stage}: {exc}") from exc
    for extract in package.extract:
        if extract not in found:
            raise AssetError(f"{package.label}: tarball {package.tarball} has no member {extract.member!r}")


def _swap_into_place(staged: Path, target: Path, retired: Path) -> None:
    """Replace target with staged using renames, restoring the old copy if the swap fails."""
    had_old = target.exists() or target.is_symlink()
    if had_old:
        os.rename(target, retired)
    try:
        os.rename(staged, target)
    except OSError:
        if had_old:
            os.rename(retired, target)
        raise


def _make_work_dir(dest: Path) -> Path:
    """Create a scratch folder inside dest, so the final rename stays on one filesystem."""
    try:
        dest.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=dest))
    except OSError as exc:
        raise AssetError(f"cannot create {dest}: {exc}") from exc


def ensure_assets(
    dest: Path,
    *,
    lock_path: Path = LOCK_PATH,
    opener: Opener | None = None,
    quiet: bool = False,
) -> list[str]:
    """Make dest hold every pinned package; return the keys of the packages that were fetched."""
    packages = load_lock(lock_path)
    dest = Path(dest)
    stamp = _read_stamp(dest)
    fetched: list[str] = []
    work: Path | None = None
    try:
        for package in packages:
            if _is_installed(dest, package, stamp):
                if not quiet:
                    print(f"{package.key} {package.version}: up to date", flush=True)
                continue
            if work is None:
                work = _make_work_dir(dest)
            tarball = _download(package, opener or _urlopen, work)
            stage = work / f"stage-{package.key}"
            _unpack(package, tarball, stage)
            try:
                _swap_into_place(stage / package.key, dest / package.key, work / f"old-{package.key}")
                # Stamped per package so a later failure does not force re-fetching this one.
                stamp[package.key] = package.stamp()
                _write_stamp(dest, stamp)
            except OSError as exc:
                raise AssetError(f"{package.label}: cannot install into {dest}: {exc}") from exc
            fetched.append(package.key)
            if not quiet:
                print(f"{package.key} {package.version}: fetched", flush=True)
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return fetched


def main(argv: Sequence[str] | None = None) -> int:
    """Run ensure_assets from the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m interlocal.assets",
        description="Download the pinned front-end packages from the npm registry and unpack them.",
    )
    parser.add_argument(
        "dest", nargs="?", type=Path, default=DEFAULT_DEST, help=f"static folder (default: {DEFAULT_DEST})"
    )
    parser.add_argument("--lock", type=Path, default=LOCK_PATH, help="lock file (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        ensure_assets(args.dest, lock_path=args.lock)
    except AssetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
