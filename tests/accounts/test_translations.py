import fnmatch
import os
import runpy
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

PO = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def test_it_translates_every_ui_string_to_dutch():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []


def test_it_ships_a_compiled_catalogue_that_matches_the_source():
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in mo}
    for entry in po.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        assert key in compiled, entry.msgid


def _source_files(root: Path, ignore: list[str]) -> list[Path]:
    """The files makemessages reads (.py, .html, .txt), less what scripts/translate.py ignores."""
    found = []
    for directory, dirs, files in os.walk(root):
        relative = Path(directory).relative_to(root)
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".")
            and d not in {"locale", "__pycache__", "node_modules"}
            and not any(fnmatch.fnmatch(f"{(relative / d).as_posix()}/x", p) for p in ignore)
        ]
        for name in files:
            path = relative / name
            if path.suffix in {".py", ".html", ".txt"} and not any(
                fnmatch.fnmatch(path.as_posix(), p) for p in ignore
            ):
                found.append(path)
    return found


def test_it_has_every_ui_string_of_the_code_in_the_dutch_catalogue(tmp_path, monkeypatch):
    # A fresh extraction, as scripts/translate.py makes it, from a copy of the sources into a
    # folder of its own: the real catalogue is only read.
    if shutil.which("xgettext") is None:
        message = "GNU gettext (xgettext) is not installed: apt-get install gettext"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    root = Path(settings.BASE_DIR)
    ignore = runpy.run_path(str(root / "scripts" / "translate.py"))["IGNORE"]
    copy = tmp_path / "src"
    for path in _source_files(root, ignore):
        (copy / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / path, copy / path)
    locale = copy / "locale"
    (locale / "nl" / "LC_MESSAGES").mkdir(parents=True)
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[str(locale)]):
        call_command("makemessages", locale=["nl"], ignore_patterns=ignore, no_obsolete=True, verbosity=0)
    extracted = polib.pofile(str(locale / "nl" / "LC_MESSAGES" / "django.po"))
    catalogue = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)).translated_entries()}
    missing = [
        f"{entry.msgid!r} ({', '.join(f'{file}:{line}' for file, line in entry.occurrences[:2])})"
        for entry in extracted
        if entry.msgid and (entry.msgctxt, entry.msgid) not in catalogue
    ]
    assert not missing, "Not in locale/nl with a Dutch translation (run scripts/translate.py):\n" + "\n".join(
        missing
    )
