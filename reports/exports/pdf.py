"""HTML to PDF with WeasyPrint, confined to the portal's own static files.

WeasyPrint fetches every URL a document names (stylesheets, images, fonts).
A report's HTML carries user text, so the fetcher refuses everything but
``/static/...`` paths that the static-files finders resolve inside the
portal's own static folders: no file://, no http(s):// to anywhere, no path
outside the static tree. Fonts come from fontconfig by family name, not by URL."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in report templates resolve against this made-up origin; the
# fetcher maps it to the static folders and never touches the network.
BASE_URL = "https://portal.invalid/"


class FetchRefusedError(ValueError):
    pass


def _static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def static_path_for(url: str) -> Path:
    """The file a report URL may read, or FetchRefusedError."""
    prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
    if not url.startswith(prefix):
        raise FetchRefusedError(f"refused to fetch {url!r}: reports read only the portal's static files")
    relative = url[len(prefix) :].split("?", 1)[0].split("#", 1)[0]
    if not relative or ".." in Path(relative).parts or relative.startswith("/"):
        raise FetchRefusedError(f"refused to fetch {url!r}")
    found = finders.find(relative)
    if not found:
        raise FetchRefusedError(f"no static file {relative!r}")
    path = Path(found if isinstance(found, str) else found[0]).resolve()
    if not any(path.is_relative_to(root) for root in _static_roots()):
        raise FetchRefusedError(f"refused to fetch {url!r}: outside the portal's static folders")
    return path


class StaticOnlyFetcher(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = static_path_for(url)
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime or "application/octet-stream"})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return bytes(document.write_pdf())


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template (autoescaped: user text stays text) to PDF."""
    return html_to_pdf(render_to_string(template_name, context))
