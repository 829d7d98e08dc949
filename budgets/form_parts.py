"""The disclosure form laid out like the region's document: one tab per part (chapter) of the
region's narrative template file, in its order and with its titles.

A template file declares its parts as `<section id="part-N">` with a heading
`<h2 id="part-N-title">…</h2>` (both template files do; portal/data/README.md). What the
contact person fills is declared once here as blocks; a block goes to the first part whose
section prints it (mentions one of its `prints` names: a field, a figure or a context name),
so the form follows what each part of the template actually prints. The contact line sits
outside the parts and keeps a tab of its own; a block no part prints goes to “其他”.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template

from .narrative_files import DEFAULT_FILE


@dataclass(frozen=True)
class Block:
    key: str
    prints: tuple  # names whose mention in a section means the section prints this block


BLOCKS = (
    Block("units", ("units",)),
    Block("income", ("f.income", "f.expenditure", "income_change_reason", "functional_rows")),
    Block(
        "appropriation",
        ("split_from", "basic_change_reason", "basic_uses", "project_change_reason"),
    ),
    Block("funds", ("government_fund", "state_capital")),
    Block("projects", ("key_projects", "f.projects")),
    Block("official_expenses", ("official_expense",)),
    Block("operating_cost", ("operating_cost",)),
    Block("procurement", ("procurement",)),
    Block("performance", ("performance",)),
    Block("vehicles", ("vehicle",)),
    Block("equipment", ("equipment",)),
    Block("glossary", ("glossary",)),
)
CONTACT = "contact"  # the closing line: printed after the parts, a tab of its own
OTHER = "other"
CONTACT_TITLE = "公开联系人"
OTHER_TITLE = "其他"

SECTION = re.compile(r'<section\s+id="(part-\d+)"[^>]*>(.*?)</section>', re.S)
HEADING = re.compile(r"<h2[^>]*>(.*?)</h2>", re.S)
MARKUP = re.compile(r"<[^>]+>|\{[{%#].*?[}%#]\}", re.S)


@dataclass
class Chapter:
    """One tab of the form: `section` is the part's element id on the page ("" for the
    contact line and “其他”, which have no section of their own)."""

    title: str
    section: str = ""
    blocks: list = field(default_factory=list)


@lru_cache(maxsize=32)
def _sections(template_name):
    """[(section id, title, source)] of a narrative template file, in its order."""
    try:
        source = get_template(template_name).template.source
    except (TemplateDoesNotExist, TemplateSyntaxError):
        return ()
    sections = []
    for section_id, body in SECTION.findall(source):
        heading = HEADING.search(body)
        title = MARKUP.sub("", heading.group(1)).strip() if heading else ""
        sections.append((section_id, title or section_id, body))
    return tuple(sections)


def chapters(template_name=None):
    """The form's parts for a narrative template file (the default file when None): one
    Chapter per part of the file that prints something the contact person fills, then the
    contact line, then “其他” if some block is printed by no part."""
    sections = _sections(template_name or DEFAULT_FILE) or _sections(DEFAULT_FILE)
    found = [Chapter(title, section_id) for section_id, title, _body in sections]
    left = []
    for block in BLOCKS:
        home = next(
            (
                chapter
                for chapter, (_id, _title, body) in zip(found, sections, strict=True)
                if any(name in body for name in block.prints)
            ),
            None,
        )
        (home.blocks if home else left).append(block.key)
    result = [chapter for chapter in found if chapter.blocks]
    result.append(Chapter(CONTACT_TITLE, blocks=[CONTACT]))
    if left:
        result.append(Chapter(OTHER_TITLE, blocks=left))
    return result


def chapters_for(disclosure):
    """The form's parts for `disclosure`, from its region's template for its year."""
    from .models import NarrativeTemplate

    template = disclosure and NarrativeTemplate.for_body(
        region=disclosure.department.region, year=disclosure.year, kind=disclosure.kind
    )
    return chapters(template.template_name if template else None)
