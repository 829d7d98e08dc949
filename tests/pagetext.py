"""Visible text of a rendered page, for tests that compare it with the reference document."""

import re
from html.parser import HTMLParser


class _Text(HTMLParser):
    SKIP = {"script", "style", "title", "head"}

    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html):
    """The page's text with all whitespace removed (Chinese text has no word spaces)."""
    parser = _Text()
    parser.feed(html)
    return squash("".join(parser.parts))


def squash(text):
    return re.sub(r"\s+", "", text)
