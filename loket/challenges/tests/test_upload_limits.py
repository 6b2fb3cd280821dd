"""Over-size attachments are refused while the request is parsed: never handed to the handlers
that write uploads to memory or disk, never stored, and the poster gets a message in their
language; the other fields of the form (the CSRF token) are still read."""

import pytest
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.test import Client

from loket.challenges.models import Attachment
from loket.challenges.tests.conftest import make_item

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LIMIT = 100_000
BOUNDARY = "----LoketUploadLimit"


@pytest.fixture
def item(anna, poster_org, settings):
    settings.LOKET_CHALLENGE_ATTACHMENT_MAX_BYTES = LIMIT
    return make_item(user=anna, organisation=poster_org, confidentiality="public")


@pytest.fixture
def stored_bytes(monkeypatch):
    """Bytes that reached the handlers which keep uploads (in memory or in a temporary file)."""
    seen = {"bytes": 0}
    for handler in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        original = handler.receive_data_chunk

        def counting(self, raw_data, start, original=original):
            seen["bytes"] += len(raw_data)
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counting)
    return seen


def _body(size: int, *, token: str = "") -> bytes:
    """A file part, then (as a browser may order it) the CSRF token after the file."""
    parts = [
        f"--{BOUNDARY}\r\n".encode(),
        b'Content-Disposition: form-data; name="file"; filename="report.pdf"\r\n',
        b"Content-Type: application/pdf\r\n\r\n",
        PDF + b"0" * (size - len(PDF)),
        b"\r\n",
    ]
    if token:
        parts += [
            f"--{BOUNDARY}\r\n".encode(),
            b'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n',
            token.encode(),
            b"\r\n",
        ]
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def _post(client, item, body):
    return client.generic(
        "POST",
        f"/challenges/{item.pk}/attachments/",
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


def _nothing_stored(settings) -> bool:
    folder = settings.MEDIA_ROOT / "challenges"
    files = list(folder.iterdir()) if folder.exists() else []
    return not Attachment.objects.exists() and files == []


def test_huge_upload_is_dropped_before_any_handler_keeps_it(
    client_for, anna, item, settings, stored_bytes
):
    client = client_for(anna)
    client.cookies["loket_language"] = "fr"
    response = _post(client, item, _body(8 * 1024 * 1024))  # 80 times the limit
    assert response.status_code == 302
    assert stored_bytes["bytes"] == 0  # skipped on the Content-Length, before the first chunk
    assert _nothing_stored(settings)
    page = client.get(response["Location"]).content.decode()
    assert "Le fichier est trop volumineux" in page


def test_file_over_the_limit_is_cut_off_while_it_arrives(
    client_for, anna, item, settings, stored_bytes
):
    """Inside the Content-Length slack (or a request that lies about it): counted per chunk."""
    client = client_for(anna)
    client.cookies["loket_language"] = "nl"
    response = _post(client, item, _body(LIMIT + 20_000))
    assert response.status_code == 302
    assert 0 < stored_bytes["bytes"] <= LIMIT
    assert _nothing_stored(settings)
    assert "Het bestand is te groot" in client.get(response["Location"]).content.decode()


def test_the_rest_of_the_form_is_still_read_and_csrf_still_checked(anna, item, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(anna)
    client.cookies["loket_language"] = "en"
    client.get(f"/challenges/{item.pk}/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    # The token comes after the dropped file: it is still found, so no 403.
    response = _post(client, item, _body(LIMIT * 3, token=token))
    assert response.status_code == 302
    assert "The file is too large" in client.get(response["Location"]).content.decode()
    assert _nothing_stored(settings)
    # Without the token the exempt outer view still refuses.
    assert _post(client, item, _body(1000)).status_code == 403
    assert _nothing_stored(settings)


def test_file_within_the_limit_is_stored(client_for, anna, item):
    response = _post(client_for(anna), item, _body(LIMIT - 1000))
    assert response.status_code == 302
    assert Attachment.objects.get().size == LIMIT - 1000


def test_outsiders_get_404_and_nothing_is_stored(client_for, chloe, item, settings):
    assert _post(client_for(chloe), item, _body(LIMIT * 3)).status_code == 404
    assert _post(client_for(chloe), item, _body(1000)).status_code == 404
    assert _nothing_stored(settings)


def test_the_form_tells_the_browser_the_limit(client_for, anna, item):
    page = client_for(anna).get(f"/challenges/{item.pk}/").content.decode()
    assert f'data-max-bytes="{LIMIT}"' in page
    assert 'data-too-large="' in page
