"""Error pages and the health check: public, no data."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


def _api_error(request: HttpRequest, status: int, detail: str) -> HttpResponse | None:
    # API clients get JSON, also for URLs no route matches (e.g. /api/v1/challenges/abc).
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return None


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Access: public. Says whether the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 400, "Bad Request") or render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 403, "Forbidden") or render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 404, "Not Found") or render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _api_error(request, 500, "Server Error") or render(
        request, "errors/500.html", status=500
    )
