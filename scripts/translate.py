"""Extract the UI strings and fill in Dutch translations, safely while others do the same.

usage: .venv/bin/python scripts/translate.py [TRANSLATIONS.tsv ...]

Runs `manage.py makemessages -l nl` (GNU gettext's xgettext), then sets the msgstr of every
msgid found in the given files (one "English<TAB>Dutch" pair a line; \\n for a newline), clears
the fuzzy flag of those entries, and compiles the catalogue with polib. Holds a lock on the
catalogue the whole time, so two developers (or helpers) running it at once do not overwrite
each other's translations. Untranslated or fuzzy entries left over are listed at the end.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
IGNORE = [
    ".venv/*",
    "var/*",
    "tests/*",
    "bench/*",
    "pbx/simulator/*",
    "static/*",
    "scripts/*",
    "staticfiles/*",
]


def main(paths: list[str]) -> int:
    pairs: dict[str, str] = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                english, dutch = line.split("\t", 1)
                pairs[english.replace("\\n", "\n")] = dutch.replace("\\n", "\n")
    with open(PO.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        command = [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete"]
        for pattern in IGNORE:
            command += ["--ignore", pattern]
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        po = polib.pofile(str(PO))
        for entry in po:
            if entry.msgid in pairs:
                if entry.msgid_plural:
                    entry.msgstr_plural = {
                        0: pairs[entry.msgid],
                        1: pairs.get(entry.msgid_plural, pairs[entry.msgid]),
                    }
                else:
                    entry.msgstr = pairs[entry.msgid]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                    entry.previous_msgid = None
                    entry.previous_msgid_plural = None
                    entry.previous_msgctxt = None
        po.save()
        po.save_as_mofile(str(PO.with_suffix(".mo")))
    left = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    for msgid in left:
        print(f"untranslated or fuzzy: {msgid!r}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
