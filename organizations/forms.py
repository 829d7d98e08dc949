"""The back office's optimistic conflict check, shared by every screen a contact person
edits (unit, unit-year with its duties, sections and staffing; the disclosure in budgets).

The page carries the version of the record it was opened on; a save whose version no
longer matches the stored one is refused with a message, so the later of two people never
silently overwrites the earlier one's work."""

import hashlib
import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

CONFLICT = (
    "此{what}在您打开之后已被{who}修改并保存，您的修改未保存，以免覆盖对方的内容。"
    "请记下您的修改，重新打开本页后再填写。"
)


def fingerprint(model, pk, related=()):
    """A digest of the stored row `pk` of `model` and of its rows in the reverse relations
    named in `related`: it changes whenever any of them is saved, added or deleted, by any
    path (screen, import, script), so no counter has to be kept in step."""
    row = model._default_manager.filter(pk=pk).values().first()  # None once deleted
    obj = model(pk=pk)
    state = [row, *(list(getattr(obj, name).order_by("pk").values()) for name in related)]
    return hashlib.sha256(
        json.dumps(state, default=str, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def last_editor(obj, related=()):
    """`某人于2025-02-12 10:03` for the latest history entry of obj or its related rows, or
    “他人” when nobody is recorded."""
    entries = [obj.history.select_related("history_user").first()]
    for name in related:
        relation = obj._meta.get_field(name)
        entries.append(
            relation.related_model.history.filter(**{relation.field.attname: obj.pk})
            .select_related("history_user")
            .first()
        )
    entries = [entry for entry in entries if entry is not None and entry.history_user]
    if not entries:
        return "他人"
    last = max(entries, key=lambda entry: entry.history_date)
    return f"{last.history_user}于{timezone.localtime(last.history_date):%Y-%m-%d %H:%M}"


class ConflictCheckForm(forms.ModelForm):
    """A model form that refuses a save when the record changed since the page was opened.

    `related` names the reverse relations edited on the same page (its inlines). A subclass
    may keep its own version number instead by overriding `stored_version`."""

    related = ()

    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.stored_version()

    def stored_version(self):
        """The version of the stored record, as a string."""
        return fingerprint(type(self.instance), self.instance.pk, self.related)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # Locks the row until this save commits (the admin view is one transaction), so
            # two racing saves are compared one after the other.
            model = type(self.instance)
            # No ordering: a default ordering across relations (outer joins) cannot be locked.
            locked = model._default_manager.select_for_update(of=("self",))
            list(locked.filter(pk=self.instance.pk).order_by().values_list("pk", flat=True))
            if cleaned.get("seen_version") != self.stored_version():
                raise ValidationError(
                    CONFLICT.format(
                        what=model._meta.verbose_name,
                        who=last_editor(self.instance, self.related),
                    )
                )
        return cleaned
