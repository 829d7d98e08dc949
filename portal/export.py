"""Static export of the public site (`python manage.py export_site DIR`, README “静态导出”).

Every public page, table and download is fetched through Django's test client, starting at the
home page and following every link of the site (so pages added later are exported without a
list to keep), and written under DIR with relative links: `/a/b/` becomes `a/b/index.html`, a
query string becomes part of the file name. The result can be served by any static server or
CDN, or opened from disk. Links the export cannot follow (the admin, pages that need a login)
keep their absolute address on the live site.
"""

import html
import mimetypes
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.test import Client

from .opendata.store import site_url

# href="…", src="…" in HTML; url(…) in CSS.
HTML_LINK = re.compile(r"""(?P<before>\b(?:href|src)\s*=\s*)(?P<q>["'])(?P<url>[^"'<>]*)(?P=q)""")
CSS_LINK = re.compile(r"""(?P<before>url\(\s*)(?P<q>["']?)(?P<url>[^"')]*)(?P=q)""")
REDIRECT_PAGE = (
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8">'
    '<meta http-equiv="refresh" content="0; url={url}"><title>已移至</title>'
    '<p>本页已移至 <a href="{url}">{url}</a>。</p></html>'
)
# Never crawled: not public, or not a page.
SKIPPED = ("/admin/", "/accounts/", "/media/")


@dataclass
class Export:
    """What an export wrote: {URL path: file}, and the links that led nowhere."""

    files: dict = field(default_factory=dict)
    broken: dict = field(default_factory=dict)  # URL → (status, the page that linked it)


def file_for(url):
    """The file (relative to the export's root) of a site URL (path with optional query)."""
    parts = urlsplit(url)
    path = parts.path.lstrip("/")
    if not path or path.endswith("/"):
        path += "index.html"
    elif "." not in path.rsplit("/", 1)[-1]:
        path += "/index.html"
    if parts.query:
        stem, dot, ext = path.rpartition(".")
        path = f"{stem}--{re.sub(r'[^A-Za-z0-9_-]+', '-', parts.query).strip('-')}{dot}{ext}"
    return path


def relative(from_file, to_url):
    """The relative link from the file `from_file` to the site URL `to_url` (fragment kept)."""
    fragment = urlsplit(to_url).fragment
    target = posixpath.relpath(file_for(to_url), posixpath.dirname(from_file) or ".")
    return target + (f"#{fragment}" if fragment else "")


def _host():
    return urlsplit(site_url("/")).netloc


def _internal(base, link):
    """The site URL (path?query#fragment) a link points to, or None if it leaves the site."""
    link = html.unescape(link).strip()
    if not link or link.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin(base, link))
    if parts.scheme not in ("http", "https", "") or parts.netloc not in ("", _host()):
        return None
    if not parts.path.startswith("/"):
        return None
    url = parts.path + (f"?{parts.query}" if parts.query else "")
    return url + (f"#{parts.fragment}" if parts.fragment else "")


def _without_fragment(url):
    return url.split("#", 1)[0]


def _static_file(url):
    """The bytes of a static file (collected, or found in the apps' static directories)."""
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    if not url.startswith(prefix):
        return None
    name = url.removeprefix(prefix)
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as file:
            return file.read()
    found = finders.find(name)
    return Path(found).read_bytes() if found else None


def export_site(directory, *, start="/"):
    """Write the public site reachable from `start` under `directory`; returns an Export."""
    root = Path(directory)
    host = _host()
    client = Client(HTTP_HOST=host)
    secure = site_url("/").startswith("https") or getattr(settings, "SECURE_SSL_REDIRECT", False)
    result = Export()
    queue, seen = [start], {start}
    referrers = {start: None}

    def rewrite(pattern, text, url, name):
        def replace(match):
            target = _internal(url, match["url"])
            if target is None:
                return match[0]
            clean = _without_fragment(target)
            if clean.startswith(SKIPPED):  # not exported: the live site's address
                new = site_url(target)
            else:
                if clean not in seen:
                    seen.add(clean)
                    referrers[clean] = url
                    queue.append(clean)
                new = relative(name, target)
            return f"{match['before']}{match['q']}{html.escape(new)}{match['q']}"

        return pattern.sub(replace, text)

    while queue:
        url = queue.pop(0)
        name = file_for(url)
        path = root / name
        static = _static_file(url)
        if static is not None:  # served by whitenoise or the web server, not by Django
            response = HttpResponse(
                static, content_type=mimetypes.guess_type(url)[0] or "application/octet-stream"
            )
        else:
            response = client.get(url, secure=secure)
        if response.status_code in (301, 302, 303, 307, 308):
            target = _internal(url, response["Location"])
            if target is None or _without_fragment(target).startswith(SKIPPED):
                result.broken[url] = (response.status_code, referrers[url])
                continue
            clean = _without_fragment(target)
            if clean not in seen:
                seen.add(clean)
                referrers[clean] = url
                queue.append(clean)
            content = REDIRECT_PAGE.format(url=html.escape(relative(name, target))).encode()
        elif response.status_code != 200:
            result.broken[url] = (response.status_code, referrers[url])
            continue
        else:
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            kind = response.get("Content-Type", "")
            if kind.startswith("text/html"):
                content = rewrite(HTML_LINK, content.decode("utf-8"), url, name).encode("utf-8")
            elif kind.startswith("text/css"):
                content = rewrite(CSS_LINK, content.decode("utf-8"), url, name).encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        result.files[url] = name
    return result
