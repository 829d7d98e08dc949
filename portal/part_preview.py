"""One part of a disclosure page, alone: what the contact person sees beside the form part
they fill (the staff-only part preview). Cut from the same rendering as the whole preview
(`pages.published_body`), so the part reads exactly as it will on the public page."""

from html.parser import HTMLParser

from django.utils.safestring import mark_safe


class _SectionFinder(HTMLParser):
    """Finds where the element with id `wanted` starts and ends in a page's HTML."""

    def __init__(self, wanted):
        super().__init__(convert_charrefs=False)
        self.wanted, self.start, self.end, self.tag, self.depth = wanted, None, None, None, 0

    def handle_starttag(self, tag, attrs):
        if self.end is not None:
            return
        if self.start is None:
            if dict(attrs).get("id") == self.wanted:
                self.start, self.tag, self.depth = self._offset(), tag, 1
        elif tag == self.tag:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.start is not None and self.end is None and tag == self.tag:
            self.depth -= 1
            if self.depth == 0:
                self.end = self._offset() + len(self.get_endtag_text())

    def get_endtag_text(self):
        return f"</{self.tag}>"

    def _offset(self):
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def feed_page(self, html):
        self.line_starts = [0]
        for line in html.splitlines(keepends=True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.feed(html)
        self.close()


def part_html(body, section_id):
    """The element `<… id="section_id">…</…>` of a rendered page body, or "" when the body
    has no such part (a template without it, or a template that failed to render)."""
    finder = _SectionFinder(section_id)
    finder.feed_page(str(body))
    if finder.start is None or finder.end is None:
        return ""
    return mark_safe(str(body)[finder.start : finder.end])  # noqa: S308 -- our own rendering
