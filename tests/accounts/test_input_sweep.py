"""Every tenant URL with empty, nonsense and malformed input: never a server error.

The URLs come from the URL configuration and the forms from the rendered pages, so a new
view, form field or upload field is fuzzed without editing this file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from url_sweep import URL_OBJECTS, id_routes, portal_routes

from pbx.domain.audio import MAX_BYTES as AUDIO_MAX_BYTES

from factories import TENANT_OBJECT_FACTORIES

pytestmark = pytest.mark.django_db

GARBAGE = {
    "name": "x" * 500,
    "email": "niet-een-adres",
    "role": "koning",
    "setting": "soms",
    "destination": "'; DROP TABLE--",
    "year": "-1",
    "action": "??",
    "language": "xx",
    "time_zone": "Mars/Olympus",
    "organisation": "abc",
    "ranges-TOTAL_FORMS": "2",
    "ranges-INITIAL_FORMS": "0",
    "ranges-0-weekday": "9",
    "ranges-0-start": "25:61",
    "entries-TOTAL_FORMS": "x",
    "entries-INITIAL_FORMS": "0",
    "file": "geen bestand",
    "rows": ["1", "abc"],
    "q": "\x00",
}
QUERY_GARBAGE = {
    "q": "\x00",
    "page": "-5",
    "type": "?",
    "status": "?",
    "row": "١٢",
    "mode": "?",
    # The history's filters: an object token, a kind, a person and a period no row can have.
    "object": "pbx.pbxuser:١٢",
    "kind": "koning",
    "person": "-1",
    "start": "2026-13-45",
    "end": "gisteren",
}
# Ids no row can have, in every spelling: as a URL segment and as a form value.
BAD_IDS = ["0", "-1", str(2**63), str(10**30), "abc", "١٢", "1.5", ""]
BAD_FIELD_IDS = ["-1", str(2**63), str(10**30), "١٢", "abc"]  # per form field: the ones that broke things
# The largest upload each form takes: the holiday import (IcsImportForm) and a greeting.
UPLOAD_LIMITS = {"ics": 1024 * 1024, "greeting": AUDIO_MAX_BYTES}
BAD_FILES = {
    "binary junk": ("agenda.ics", bytes(range(256)) * 64, "text/calendar"),
    "empty file": ("leeg.ics", b"", "text/calendar"),
    **{
        f"just over the {kind} limit": ("groot.ics", b"BEGIN:VCALENDAR\r\n" + b"X" * limit, "text/calendar")
        for kind, limit in UPLOAD_LIMITS.items()
    },
    "wav header with junk": (
        "groet.wav",
        b"RIFF\xff\xff\xff\xffWAVEfmt \x10\x00\x00\x00" + b"\x00" * 40,
        "audio/wav",
    ),
    "wrong extension": ("foto.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    "ics with garbage": (
        "kapot.ics",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2027\xff\xfe1399\r\nDTEND:gisteren\r\n"
        b"RRULE:FREQ=SOMS;COUNT=-1\r\nSUMMARY:\x00\r\nEND:VCALENDAR\r\nEND:VEVENT\r\n",
        "text/calendar",
    ),
    "utf-16 text": ("agenda.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".encode("utf-16"), "text/calendar"),
}


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class _PostForms(HTMLParser):
    """The POST forms of a page as a browser would send them, with each select's choices."""

    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            post = a.get("method", "").lower() == "post"
            self._form = Form(action=a.get("action") or self.url) if post else None
            if self._form is not None:
                self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind == "file":
                self._form.files.append(a["name"])
            elif kind not in ("checkbox", "radio", "submit", "button") or "checked" in a:
                self._form.fields.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.fields.setdefault(self._select, [])
        elif tag == "option" and self._select is not None:
            self._form.choices.setdefault(self._select, []).append(a.get("value", ""))
            if "selected" in a:
                self._form.fields[self._select].append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._form.fields.setdefault(a["name"], [""])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def post_forms(html: str, url: str) -> list[Form]:
    parser = _PostForms(url)
    parser.feed(html)
    return parser.forms


def _pages(org) -> list[str]:
    """Every URL of the portal, with an object of the member's own for its id."""
    urls = []
    for route in portal_routes():
        model = URL_OBJECTS.get(route.name)
        urls.append(route.url(TENANT_OBJECT_FACTORIES[model](organisation=org).pk if model else 1))
    return urls


@pytest.fixture
def rows(org):
    """Something on every list: a subscription (Business Voicemail rows) and schedules."""
    from factories import HolidayScheduleFactory, SubscriptionFactory, TimeScheduleFactory

    return (
        SubscriptionFactory(organisation=org),
        TimeScheduleFactory(organisation=org),
        HolidayScheduleFactory(organisation=org),
    )


def _server_errors(responses) -> list[str]:
    return [f"{what}: {response.status_code}" for what, response in responses if response.status_code >= 500]


def test_it_never_answers_a_server_error_to_empty_or_garbage_input(admin_client, org, rows):
    errors = []
    for url in _pages(org):
        errors += _server_errors(
            [
                (f"GET {url}", admin_client.get(url)),
                (f"GET {url} ?garbage", admin_client.get(url, QUERY_GARBAGE)),
                (
                    f"GET {url} ?garbage htmx",
                    admin_client.get(url, QUERY_GARBAGE, headers={"HX-Request": "true"}),
                ),
                (f"POST {url} empty", admin_client.post(url, {})),
                (f"POST {url} garbage", admin_client.post(url, GARBAGE)),
            ]
        )
    assert not errors, "\n".join(errors)


def test_it_answers_404_for_every_id_in_a_url_no_row_can_have(admin_client, org):
    errors = []
    for route in id_routes():
        for bad in BAD_IDS:
            if not bad:
                continue
            url = route.url(quote(bad))
            for method in ("get", "post"):
                status = getattr(admin_client, method)(url).status_code
                if status != 404:
                    errors.append(f"{method.upper()} {url}: {status}")
    assert not errors, "\n".join(errors)


def test_it_never_answers_a_server_error_to_a_bad_id_in_any_form_field(admin_client, org, rows):
    """Every field of every POST form that holds an id (or any number) gets ids no row can have."""
    errors, probed = [], set()
    for url in _pages(org):
        for form in post_forms(admin_client.get(url).content.decode(), url):
            numeric = [
                name
                for name in {*form.fields, *form.choices}
                if any(
                    v.isascii() and v.isdigit()
                    for v in form.fields.get(name, []) + form.choices.get(name, [])
                )
                and name not in ("csrfmiddlewaretoken", "_organisation")
            ]
            for name in numeric:
                if (form.action, name) in probed:
                    continue  # the same form on another page (the layout's forms are on every page)
                probed.add((form.action, name))
                for bad in BAD_FIELD_IDS:
                    data = {**form.fields, name: [bad]}
                    response = admin_client.post(form.action, data)
                    if response.status_code >= 500:
                        errors.append(f"POST {form.action} {name}={bad!r}: {response.status_code}")
    names = {name for _action, name in probed}
    assert {"rows", "time_schedule"} <= names, f"the sweep should reach the id fields, reached {names}"
    assert not errors, "\n".join(errors)


def test_it_never_answers_a_server_error_to_a_malformed_upload(admin_client, org, rows):
    errors, uploads = [], 0
    for url in _pages(org):
        for form in post_forms(admin_client.get(url).content.decode(), url):
            for name in form.files:
                uploads += 1
                for what, (filename, content, content_type) in BAD_FILES.items():
                    upload = SimpleUploadedFile(filename, content, content_type=content_type)
                    response = admin_client.post(form.action, {**form.fields, name: upload})
                    if response.status_code >= 500:
                        errors.append(f"POST {form.action} {name} ({what}): {response.status_code}")
    assert uploads, "the sweep should find the upload fields (holiday import)"
    assert not errors, "\n".join(errors)
