from django.conf import settings
from django.http import HttpRequest


def loket(request: HttpRequest) -> dict:
    return {"LOKET_LANGUAGES": settings.LANGUAGES}
