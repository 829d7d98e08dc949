"""Where a disclosure's rule findings fall on the form, part by part: each part of the form
is “已完成”, “未完成” (something not entered yet) or “有问题” (an error or a warning)."""

from dataclasses import dataclass, field

from .rules import ERROR

MISSING = "尚未填写"  # the wording of the findings about figures not entered yet


@dataclass
class PartState:
    name: str
    errors: int = 0
    warnings: int = 0
    missing: int = 0
    fields: set = field(default_factory=set)
    preview_url: str = ""  # the public rendering of this part alone, when it has one

    @property
    def label(self):
        """The part's state in words."""
        if self.missing:
            return "未完成"
        if self.errors or self.warnings:
            return f"有问题（{self.errors + self.warnings}）"
        return "已完成"

    @property
    def css(self):
        return "missing" if self.missing else "problems" if self.errors + self.warnings else "done"


def part_states(problems, parts):
    """`parts` is [(part name, field names and line-group prefixes in it)]; returns one
    PartState per part, in that order, counting the findings that concern its fields."""
    states = [PartState(name, fields=set(names)) for name, names in parts]
    for problem in problems:
        for state in states:
            if problem.field in state.fields:
                if MISSING in problem.message:
                    state.missing += 1
                elif problem.severity == ERROR:
                    state.errors += 1
                else:
                    state.warnings += 1
                break
    return states
