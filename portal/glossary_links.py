"""Glossary terms linked from the narrative: in each part (`<section id="part-…">`) the first
occurrence of every term the disclosure explains becomes a link to its definition in the
glossary part, with that definition as the link's accessible description (and, through
site.css, a tooltip on hover and keyboard focus).

It works on the rendered HTML of any region's template: a template whose glossary gives its
entries `id="term-N"` (N counted from 1, in the disclosure's order) and `id="term-N-definition"`
gets the links; one that does not gets none, never a broken link. The visible text does not
change (the tooltip is drawn by CSS from `data-definition`).
"""

import re

from django.utils.html import escape

PART = re.compile(r'(<section id="part-[^"]*"[^>]*>)(.*?)(</section>)', re.S)
TAG = re.compile(r"(<[^>]*>)")
# No link inside a heading, a link, or the glossary list itself.
SKIP_OPEN = re.compile(r"<(a|h[1-6]|dl)\b")
SKIP_CLOSE = re.compile(r"</(a|h[1-6]|dl)>")


def link_terms(html, glossary):
    """`html` (a rendered narrative) with the first occurrence per part of each term of
    `glossary` (the snapshot's list of {"name", "definition"}) linked to its definition."""
    terms = {
        entry["name"]: (number, entry["definition"])
        for number, entry in enumerate(glossary, 1)
        if entry["name"] and f'id="term-{number}"' in html
    }
    if not terms:
        return html
    # Longest first: at one position "一般公共预算拨款收入" wins over "一般公共预算".
    pattern = re.compile("|".join(re.escape(name) for name in sorted(terms, key=len, reverse=True)))

    def link_part(match):
        opening, body, closing = match.groups()
        linked, skipping, out = set(), 0, []

        def link(found):
            name = found.group(0)
            if name in linked:
                return name
            linked.add(name)
            number, definition = terms[name]
            return (
                f'<a class="term" href="#term-{number}" aria-describedby="term-{number}-definition"'
                f' data-definition="{escape(definition)}">{name}</a>'
            )

        for piece in TAG.split(body):
            if piece.startswith("<"):
                skipping += bool(SKIP_OPEN.match(piece)) - bool(SKIP_CLOSE.match(piece))
                out.append(piece)
            else:
                out.append(piece if skipping else pattern.sub(link, piece))
        return opening + "".join(out) + closing

    return PART.sub(link_part, html)
