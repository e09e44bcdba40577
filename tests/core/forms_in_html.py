"""What a browser would post: the fields of a form on a rendered page, read from its HTML."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: tuple[str, bool, list[str], list[str]] | None = None  # name, multiple, selected, first
        self._option: str | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def _add(self, name: str, value: str) -> None:
        if self._form is not None and name:
            self._form.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = {}
        elif tag == "input" and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(a.get("name", ""), a.get("value", "on"))
            elif kind not in ("submit", "button", "reset", "image", "file"):
                self._add(a.get("name", ""), a.get("value", ""))
        elif tag == "select" and "disabled" not in a:
            self._select = (a.get("name", ""), "multiple" in a, [], [])
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            if "selected" in a and self._option is not None:
                self._select[2].append(self._option)
            if not self._select[3] and self._option is not None:
                self._select[3].append(self._option)
        elif tag == "textarea" and "disabled" not in a:
            self._textarea = (a.get("name", ""), [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select" and self._select is not None:
            name, multiple, selected, first = self._select
            for value in selected or ([] if multiple else first):
                self._add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._add(name, "".join(text).removeprefix("\n"))
            self._textarea = None


def form_data(html: str, having: str) -> dict[str, list[str]]:
    """The data of the first post form on the page that has a field named `having`."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if having in form:
            return form
    raise AssertionError(f"no form with a field {having!r} on the page")
