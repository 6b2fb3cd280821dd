"""Dutch and French are complete, keep their placeholders, and reach the pages.

The .po files are filled from locale/translations.json by scripts/translate_po.py. `make test`
compiles them first (`make messages`); when the .mo files are missing or older than the .po files
(a bare `pytest`), the session fixture below compiles them.
"""

import fcntl
import json
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.translation import trans_real

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ("nl", "fr")
PLURAL_FORMS = {
    "nl": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "en": "nplurals=2; plural=(n != 1);",
}

# %(name)s and friends, %s / %d, {name}, HTML tags: what a translation must carry over.
PLACEHOLDER = re.compile(
    r"%\([a-zA-Z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]"
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifr]"
    r"|\{[a-zA-Z_]\w*\}"
    r"|</?[a-zA-Z][^<>]*>"
)
NAMED = re.compile(r"%\(([a-zA-Z_]\w*)\)")


def _po(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


def _entries(lang: str) -> list[polib.POEntry]:
    return [entry for entry in _po(lang) if not entry.obsolete]


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def _label(entry: polib.POEntry) -> str:
    where = entry.occurrences[0][0] if entry.occurrences else "?"
    return f"{entry.msgid!r} ({where})"


@pytest.fixture(scope="session", autouse=True)
def _compiled_messages(tmp_path_factory):
    """Compile the catalogues when a .mo is missing or stale; one worker at a time."""
    lock_path = tmp_path_factory.getbasetemp().parent / "loket-compilemessages.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stale = False
        for lang in ("nl", "en", "fr"):
            po = LOCALE / lang / "LC_MESSAGES" / "django.po"
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                stale = True
        if stale:
            call_command(
                "compilemessages", locale=["nl", "en", "fr"], ignore=[".venv"], verbosity=0
            )
    # Catalogues loaded before the .mo files existed (here or in another xdist worker that
    # compiled them) are cached per process: start again.
    trans_real._translations = {}
    trans_real._default = None
    yield


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_string_is_translated_and_not_fuzzy(lang):
    entries = _entries(lang)
    assert len(entries) > 500  # the catalogue exists and is not a stub
    missing = []
    for entry in entries:
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if "fuzzy" in entry.flags or not all(form.strip() for form in forms):
            missing.append(_label(entry))
    assert missing == [], f"{len(missing)} {lang} strings untranslated or fuzzy: {missing[:20]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_placeholders_and_tags(lang):
    wrong = []
    for entry in _entries(lang):
        if entry.msgid_plural:
            singular, plural = entry.msgstr_plural[0], entry.msgstr_plural[1]
            ok = _placeholders(plural) == _placeholders(entry.msgid_plural) and set(
                _placeholders(singular)
            ) <= set(_placeholders(entry.msgid_plural))
        else:
            ok = _placeholders(entry.msgstr) == _placeholders(entry.msgid)
        if not ok:
            wrong.append(_label(entry))
    assert wrong == [], f"{lang} placeholders differ: {wrong[:20]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_python_format_strings_format_without_error(lang):
    """A stray % in a translation would raise at runtime: format every one with dummy values."""
    broken = []
    for entry in _entries(lang):
        if "python-format" not in entry.flags:
            continue
        names = NAMED.findall(entry.msgid + (entry.msgid_plural or ""))
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            try:
                if names:
                    form % dict.fromkeys(names, 1)
                else:
                    form % tuple(1 for _ in PLACEHOLDER.findall(form.replace("%%", "")))
            except (KeyError, ValueError, TypeError):
                broken.append(_label(entry))
    assert broken == [], f"{lang}: {broken[:20]}"


@pytest.mark.parametrize("lang", ("nl", "en", "fr"))
def test_catalogue_headers_declare_language_and_plural_forms(lang):
    po = _po(lang)
    assert po.metadata["Language"] == lang
    assert po.metadata["Plural-Forms"] == PLURAL_FORMS[lang]
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert not po.metadata_is_fuzzy


def test_english_is_the_source_with_no_stale_guesses():
    for entry in _entries("en"):
        assert "fuzzy" not in entry.flags, _label(entry)


def test_nl_and_fr_catalogues_hold_the_same_strings_as_en():
    keys = {lang: {(e.msgctxt, e.msgid) for e in _entries(lang)} for lang in ("nl", "en", "fr")}
    assert keys["nl"] == keys["en"] == keys["fr"]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogues_agree_with_the_translation_dictionary(lang):
    """locale/translations.json is the source: a .po edit by hand would be lost on the next run."""
    dictionary = json.loads((LOCALE / "translations.json").read_text(encoding="utf-8"))
    differ = []
    for entry in _entries(lang):
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        value = dictionary.get(key, {}).get(lang)
        if entry.msgid_plural:
            ok = value == [entry.msgstr_plural[0], entry.msgstr_plural[1]]
        else:
            ok = value == entry.msgstr
        if not ok:
            differ.append(_label(entry))
    assert differ == [], f"run scripts/translate_po.py; {lang} differs for {differ[:20]}"


@pytest.mark.parametrize(
    ("cookie", "lang", "nav", "footer"),
    [
        ("fr", "fr", "Annuaire", "guichet unique de l'innovation ouverte"),
        ("nl", "nl", "Gids", "centrale aanspreekpunt voor open innovatie"),
        ("en", "en", "Directory", "one-stop shop for open innovation"),
    ],
)
def test_directory_page_speaks_the_language_of_the_cookie(client, db, cookie, lang, nav, footer):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert f">{nav}</a>" in html
    assert footer in html.replace("&#x27;", "'")
    assert response["Content-Language"] == lang


def test_without_cookie_or_header_the_page_is_dutch(client, db):
    html = client.get("/").content.decode()
    assert '<html lang="nl">' in html
    assert ">Gids</a>" in html


def test_accept_language_header_picks_french(client, db):
    html = client.get("/", headers={"accept-language": "fr-BE,fr;q=0.9"}).content.decode()
    assert '<html lang="fr">' in html
    assert ">Annuaire</a>" in html


def test_language_switcher_switches_the_page(client, db):
    page = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert 'name="language" type="hidden" value="fr"' in page

    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"

    html = client.get("/").content.decode()
    assert '<html lang="fr">' in html
    assert ">Annuaire</a>" in html
    assert "Gids" not in html

    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="nl">' in html
    assert ">Gids</a>" in html


def test_language_switcher_refuses_an_unknown_language_and_an_offsite_next(client, db):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert '<html lang="nl">' in client.get("/").content.decode()


def test_not_found_page_is_translated(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get("/does-not-exist/")
    assert response.status_code == 404
    assert "Cette page n'existe pas" in response.content.decode().replace("&#x27;", "'")
