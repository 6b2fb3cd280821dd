"""Decide what an uploaded file really is, from its bytes. Pure Python, no Django.

Accepted: PDF, DOCX (a zip holding word/document.xml, no macros), PNG, JPEG. Everything else is
refused, whatever its name says: SVG, HTML, archives, executables, macro documents.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"

EXTENSIONS = {PDF: {".pdf"}, DOCX: {".docx"}, PNG: {".png"}, JPEG: {".jpg", ".jpeg"}}

# A DOCX unpacks to many files; refuse ones whose listing alone is absurd (zip bombs, padding).
MAX_ZIP_MEMBERS = 2000
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024


@dataclass(frozen=True)
class Verdict:
    content_type: str | None
    reason: str = ""  # machine code when refused: see REASONS in services


def sniff(path_or_bytes: str | bytes, name: str) -> Verdict:
    """Classify a file by its content and check that the name's extension agrees."""
    if isinstance(path_or_bytes, bytes):
        data = path_or_bytes
        head = data[:16]
    else:
        with open(path_or_bytes, "rb") as handle:
            head = handle.read(16)
        data = b""
    extension = os.path.splitext(name.lower())[1]
    if not head:
        return Verdict(None, "empty")
    detected: str | None = None
    if head.startswith(b"%PDF-"):
        detected = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        detected = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        detected = JPEG
    elif head.startswith(b"PK\x03\x04"):
        source = io.BytesIO(data) if data else path_or_bytes
        verdict = _docx(source)
        if verdict.content_type is None:
            return verdict
        detected = DOCX
    elif head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"#!")):
        return Verdict(None, "executable")
    elif head.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf", b"BZh", b"\xfd7zXZ")):
        return Verdict(None, "archive")
    else:
        return Verdict(None, "unknown")
    if extension not in EXTENSIONS[detected]:
        return Verdict(None, "disguised")
    return Verdict(detected)


def _docx(source) -> Verdict:  # type: ignore[no-untyped-def]
    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return Verdict(None, "archive")
    if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_DOCX_UNCOMPRESSED:
        return Verdict(None, "archive")
    names = {info.filename for info in infos}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        return Verdict(None, "archive")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return Verdict(None, "macro")
    return Verdict(DOCX)


def clean_filename(name: str) -> str:
    """A display name safe for a Content-Disposition header and a page: no paths, no controls."""
    name = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/")))
    name = re.sub(r"[\x00-\x1f\x7f\"<>:/\\|?*;]", "_", name).strip(" .")
    stem, extension = os.path.splitext(name)
    return (stem[:120] or "file") + extension[:10]
