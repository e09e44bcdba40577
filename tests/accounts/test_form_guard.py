"""Every POST form of the portal says which organisation it was made for ({% form_guard %})."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

# allauth's own pages (login, password, e-mail, two-factor) post to allauth's views, which act on
# the visitor's account and need no organisation claim (core.tenancy.NOT_TENANT_MODULES).
ALLAUTH_TEMPLATES = ("account/", "allauth/", "mfa/")
FORM = re.compile(r"<form\b(?P<tag>[^>]*)>(?P<body>.*?)</form>", re.IGNORECASE | re.DOTALL)


def _templates():
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(directory).rglob("*.html")):
            name = path.relative_to(directory).as_posix()
            if not name.startswith(ALLAUTH_TEMPLATES):
                yield name, path.read_text(encoding="utf-8")


def test_it_finds_the_post_forms():
    names = {name for name, text in _templates() if 'method="post"' in text.lower()}
    assert {"accounts/members.html", "mobile/business_voicemail.html", "base.html"} <= names


def test_it_puts_the_organisation_claim_in_every_post_form():
    missing = [
        f"{name}: <form{form['tag'][:60]}...>"
        for name, text in _templates()
        for form in FORM.finditer(text)
        if re.search(r"method=[\"']?post", form["tag"], re.IGNORECASE)
        and "{% form_guard %}" not in form["body"]
    ]
    assert not missing, "use {% form_guard %} (not {% csrf_token %}) in these forms:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_it_renders_the_claim_of_the_current_organisation(admin_client, org):
    html = admin_client.get("/gebruikers/").content.decode()
    assert f'<input type="hidden" name="_organisation" value="{org.pk}">' in html
    assert 'name="csrfmiddlewaretoken"' in html
