"""Fill locale/{nl,fr}/LC_MESSAGES/django.po from locale/translations.json.

Usage (after `manage.py makemessages ...`):

    .venv/bin/python scripts/translate_po.py            # apply, list what is still missing
    .venv/bin/python scripts/translate_po.py --check    # exit 1 if anything is missing
    .venv/bin/python scripts/translate_po.py --missing missing.json
                                                        # also write the missing msgids as a
                                                        # stub to fill and merge into the JSON

locale/translations.json maps a key to {"nl": ..., "fr": ...}. The key is the msgid, or
"<msgctxt>\\u0004<msgid>" for a msgid with a context (the gettext convention). For a plural entry
the value also holds "plural" (the msgid_plural) and nl/fr are lists [singular, plural].

English is the source language: its msgstr stays empty (gettext then shows the msgid), only fuzzy
guesses from msgmerge are cleared. For nl and fr an entry that is not in the JSON gets an empty
msgstr and no fuzzy flag, so a wrong guess from msgmerge never reaches a user.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
TRANSLATIONS = LOCALE / "translations.json"
DOMAINS = ("django",)

HEADERS = {
    "nl": {"Language": "nl", "Plural-Forms": "nplurals=2; plural=(n != 1);"},
    "fr": {"Language": "fr", "Plural-Forms": "nplurals=2; plural=(n > 1);"},
    "en": {"Language": "en", "Plural-Forms": "nplurals=2; plural=(n != 1);"},
}
TRANSLATED = ("nl", "fr")

PLACEHOLDER = re.compile(
    r"%\([a-zA-Z_][a-zA-Z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]"  # %(name)s
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifr]"  # %s %d
    r"|\{[a-zA-Z_][a-zA-Z0-9_]*\}"  # {name}
    r"|</?[a-zA-Z][^<>]*>"  # HTML tags
)


def placeholders(text: str) -> list[str]:
    """The placeholders and HTML tags in `text`, sorted (order may change in a translation)."""
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def entry_key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def load_translations(path: Path = TRANSLATIONS) -> dict[str, dict]:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _set_header(po: polib.POFile, lang: str) -> None:
    po.metadata.update(HEADERS[lang])
    po.metadata["Project-Id-Version"] = "Loket"
    po.metadata["Language-Team"] = {"nl": "Nederlands", "fr": "Français", "en": "English"}[lang]
    po.metadata["Last-Translator"] = "Loket <i18n@loket.invalid>"
    # Deterministic, so re-running the script changes nothing when no string changed.
    po.metadata["PO-Revision-Date"] = po.metadata.get("POT-Creation-Date", "")
    po.header = (
        f"Loket: {HEADERS[lang]['Language']} messages. Filled from locale/translations.json by\n"
        "scripts/translate_po.py; edit the JSON, not this file."
    )
    po.metadata_is_fuzzy = False


def _clear(entry: polib.POEntry) -> None:
    if entry.msgid_plural:
        entry.msgstr_plural = dict.fromkeys(range(2), "")
    else:
        entry.msgstr = ""
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None


def _problem(entry: polib.POEntry, value: dict, lang: str) -> str | None:
    """Why `value[lang]` does not fit `entry`, or None when it does."""
    text = value.get(lang)
    if entry.msgid_plural:
        if value.get("plural") != entry.msgid_plural:
            return "plural form changed"
        if not isinstance(text, list) or len(text) != 2 or not all(text):
            return "needs [singular, plural]"
        if placeholders(text[1]) != placeholders(entry.msgid_plural):
            return "placeholders differ"
        # The singular may drop the count ("one item"), never add one.
        if not set(placeholders(text[0])) <= set(placeholders(entry.msgid_plural)):
            return "placeholders differ"
        return None
    if not isinstance(text, str) or not text:
        return "empty"
    if placeholders(text) != placeholders(entry.msgid):
        return "placeholders differ"
    return None


def apply(lang: str, translations: dict[str, dict], domain: str = "django") -> list[tuple]:
    """Apply the dictionary to one .po file; return [(key, reason)] of entries left empty."""
    path = LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return []
    po = polib.pofile(str(path), wrapwidth=79)
    _set_header(po, lang)
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        if lang not in TRANSLATED:
            _clear(entry)
            continue
        key = entry_key(entry)
        value = translations.get(key)
        reason = "missing" if value is None else _problem(entry, value, lang)
        if reason:
            _clear(entry)
            missing.append((key, reason, entry))
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: value[lang][0], 1: value[lang][1]}
        else:
            entry.msgstr = value[lang]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    po.save(str(path))
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a string is missing")
    parser.add_argument("--missing", type=Path, help="write missing entries as a JSON stub here")
    parser.add_argument(
        "--prune", action="store_true", help="drop dictionary keys no catalogue uses any more"
    )
    args = parser.parse_args(argv)

    translations = load_translations()
    stub: dict[str, dict] = {}
    total = 0
    for domain in DOMAINS:
        for lang in (*TRANSLATED, "en"):
            for key, reason, entry in apply(lang, translations, domain):
                total += 1
                where = entry.occurrences[0][0] if entry.occurrences else "?"
                print(f"{lang}: {reason}: {key!r} ({where})")
                item = stub.setdefault(key, dict(translations.get(key, {})))
                if entry.msgid_plural:
                    item["plural"] = entry.msgid_plural
                    item.setdefault(lang, ["", ""])
                else:
                    item.setdefault(lang, "")
    used = {
        entry_key(entry)
        for domain in DOMAINS
        if (LOCALE / "nl" / "LC_MESSAGES" / f"{domain}.po").exists()
        for entry in polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / f"{domain}.po"))
        if not entry.obsolete
    }
    unused = sorted(set(translations) - used)
    if unused:
        print(
            f"{len(unused)} dictionary keys are no longer used"
            + (": pruned." if args.prune else ".")
        )
    if args.prune and unused:
        kept = {key: value for key, value in sorted(translations.items()) if key in used}
        TRANSLATIONS.write_text(json.dumps(kept, ensure_ascii=False, indent=1) + "\n", "utf-8")
    if args.missing:
        args.missing.write_text(json.dumps(stub, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"{len(translations)} translations in the dictionary, {total} strings missing.")
    return 1 if (args.check and total) else 0


if __name__ == "__main__":
    sys.exit(main())
