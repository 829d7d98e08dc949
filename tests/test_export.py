"""Static export: the public site written as files with relative links, served by a plain
static server and crawled from its home page without one broken link."""

import functools
import html
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import pytest
from django.core.management import call_command

from portal.export import file_for, relative
from portal.management.commands.load_disclosure import load_disclosure_file

SECOND = Path(__file__).parent.parent / "portal/data/qingshan-donghu-npc-office-2025.toml"
LINK = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""")
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]*)["']?\s*\)""")


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(tmp_path):
    """A plain static server (http.server) of a directory, in a thread."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def crawl(start):
    """Every URL reachable from `start` on its server: {url: status}."""
    host = urlsplit(start).netloc
    statuses, queue = {}, [start]
    while queue:
        url = queue.pop()
        if url in statuses:
            continue
        try:
            with urlopen(url) as response:  # noqa: S310 -- our own local server
                statuses[url], kind, body = 200, response.headers["Content-Type"], response.read()
        except HTTPError as error:
            statuses[url] = error.code
            continue
        if kind.startswith(("text/html", "text/css")):
            pattern = LINK if kind.startswith("text/html") else CSS_URL
            for link in pattern.findall(body.decode("utf-8")):
                target = urljoin(url, html.unescape(link)).split("#")[0]
                if urlsplit(target).netloc == host:
                    queue.append(target)
    return statuses


def test_urls_map_to_files_and_relative_links():
    assert file_for("/") == "index.html"
    assert file_for("/disclosures/3/") == "disclosures/3/index.html"
    assert file_for("/disclosures/3.json") == "disclosures/3.json"
    assert file_for("/search/?q=a b") == "search/index--q-a-b.html"
    assert relative("disclosures/3/index.html", "/") == "../../index.html"
    assert relative("disclosures/3/index.html", "/disclosures/3.json#x") == "../3.json#x"


def test_the_exported_site_has_no_broken_link(reference, served):
    load_disclosure_file(SECOND)
    directory, base = served
    call_command("export_site", str(directory), stdout=__import__("io").StringIO())
    statuses = crawl(base + "index.html")
    broken = {url: status for url, status in statuses.items() if status != 200}
    assert not broken
    pages = [url for url in statuses if url.endswith(".html")]
    assert len(pages) >= 6
    exported = {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()}
    for name in (
        f"disclosures/{reference.pk}/index.html",
        f"disclosures/{reference.pk}.json",
        f"disclosures/{reference.pk}/download.xlsx",
        f"disclosures/{reference.pk}/tables/income.csv",
        "open-data/datapackage.json",
        "open-data/income.csv",
        "static/portal/site.css",
    ):
        assert name in exported, name
    # No page links the live site by an absolute path.
    home = (directory / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:href|src)="/(?!/)""", home)
