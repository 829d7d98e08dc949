"""The PDF of a published version: rendered once, at publication, from the page body stored
then (`Disclosure.published_body`) with the print stylesheet, and stored with the version.

WeasyPrint reads only our own static files, from disk (`StaticFileFetcher`): never the site
over HTTP, never another host. Every font-family of the stylesheet names "Noto Sans CJK SC"
(Debian `fonts-noto-cjk`), so Chinese glyphs never vanish.
"""

import hashlib
import logging
import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# The document's base address inside WeasyPrint: nothing is ever fetched from it.
BASE_URL = "https://portal.invalid/"


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFileFetcher(URLFetcher):
        """Serves `/static/…` from the project's static files; refuses every other URL."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            prefix = "/" + settings.STATIC_URL.strip("/") + "/"
            if url.startswith(BASE_URL) and parts.path.startswith(prefix):
                path = finders.find(unquote(parts.path.removeprefix(prefix)))
                if path:
                    with open(path, "rb") as file:
                        body = file.read()
                    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body, {"Content-Type": kind})
            raise ValueError(f"PDF 只读取本站的静态文件，不读取 {url}")

    return StaticFileFetcher


def pdf_html(disclosure):
    """The HTML a version's PDF is printed from: its metadata and its stored body."""
    context = {"disclosure": disclosure, "public_url": settings.PUBLIC_URL}
    return render_to_string("portal/disclosure_pdf.html", context)


def render_pdf(disclosure):
    """The PDF (bytes) of a version whose `published_body` is set."""
    from weasyprint import HTML  # heavy import: only where a PDF is made

    fetcher = _fetcher_class()()
    return HTML(string=pdf_html(disclosure), base_url=BASE_URL, url_fetcher=fetcher).write_pdf()


def attach_pdf(disclosure):
    """Render the version's PDF and store it with its SHA-256 (the workflow calls this at
    publication, before it saves the version: the database refuses any later write).
    `PUBLICATION_PDF = False` (the test settings) publishes without one."""
    if not getattr(settings, "PUBLICATION_PDF", True) or not disclosure.published_body:
        return
    content = render_pdf(disclosure)
    disclosure.pdf_checksum = hashlib.sha256(content).hexdigest()
    name = f"{disclosure.pk}-{disclosure.pdf_checksum[:12]}.pdf"
    disclosure.pdf.save(name, ContentFile(content), save=False)
