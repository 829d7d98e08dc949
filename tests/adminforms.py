"""Read an admin change form's current values from its HTML, as a browser would submit them."""

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self, form_id, action):
        super().__init__()
        self.form_id, self.action, self.inside, self.data = form_id, action, False, {}
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (
            (self.form_id and attrs.get("id") == self.form_id)
            or (self.action and self.action in attrs.get("action", ""))
        ):
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            else:
                self.data[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data


def form_values(html, form_id=None, action=None):
    """The fields of the form with this id, or whose action contains `action`."""
    parser = _Form(form_id, action)
    parser.feed(html)
    # Django prints a newline right after <textarea>; a browser drops it.
    return {k: v[1:] if v.startswith("\n") else v for k, v in parser.data.items()}
