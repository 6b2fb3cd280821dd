"""Refuse an over-size attachment while the request is parsed, not after it has been stored.

Django reads a multipart body in full before the view runs (CSRF middleware already reads
request.POST) and spools every file to disk; the size check in services.attachment_store came
after that, so a 60 MB file was received and written to a temporary file first. This handler
goes first in the request's upload handlers: a file is skipped as soon as the request's
Content-Length, the part's own length or the bytes received so far exceed the limit. A skipped
file is never handed to the handlers that would write it; the rest of its bytes are read and
dropped (so the other fields are still parsed, the connection stays usable and the user gets a
message instead of a reset connection).
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

# Room for the other fields (the CSRF token) and the multipart boundaries and headers.
FORM_OVERHEAD = 64 * 1024


class UploadSizeLimit(FileUploadHandler):
    """Skips every file past `limit` bytes and says so in `too_large`."""

    def __init__(self, request=None, *, limit: int) -> None:  # type: ignore[no-untyped-def]
        super().__init__(request)
        self.limit = limit
        self.too_large = False
        self._body_too_large = False

    def handle_raw_input(  # type: ignore[no-untyped-def]
        self, input_data, META, content_length, boundary, encoding=None
    ) -> None:
        # Known before a byte of the file is read; the parse itself goes on for the other fields.
        self._body_too_large = (content_length or 0) > self.limit + FORM_OVERHEAD
        return None

    def new_file(  # type: ignore[no-untyped-def]
        self, field_name, file_name, content_type, content_length, *args, **kwargs
    ) -> None:
        if self._body_too_large or (content_length is not None and content_length > self.limit):
            self.too_large = True
            raise SkipFile
        super().new_file(field_name, file_name, content_type, content_length, *args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        # A chunked or lying request: counted as it arrives. The later handlers close (and so
        # delete) the temporary file they had begun.
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the uploaded file
