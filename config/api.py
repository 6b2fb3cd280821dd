"""The one NinjaAPI. Default auth: API token or session; public routes say auth=None."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from loket.accounts.selectors import api_token_user
from loket.lib.errors import ApplicationError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[override]
        user = api_token_user(token=token)
        if user is not None:
            request.user = user
        return user


class TokenHeaderAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None):  # type: ignore[override]
        user = api_token_user(token=key or "")
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Loket API",
    version="1.0.0",
    description=(
        "Open-innovation directory and matching for Flanders. Authenticate with "
        "`Authorization: Bearer <token>` (create a token under your account) or a browser session. "
        "Contains data from CORDIS, © European Union, CC BY 4.0."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), TokenHeaderAuth(), django_auth],
    docs_url="/docs",
)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": exc.message, **exc.extra}, status=exc.status_code
    )


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "Authentication required"}, status=401)


def _register_routers() -> None:
    from loket.challenges.api import router as challenges_router
    from loket.instruments.api import router as instruments_router
    from loket.matching.api import router as matching_router
    from loket.organisations.api import router as organisations_router
    from loket.referrals.api import router as referrals_router

    api.add_router("/organisations", organisations_router)
    api.add_router("/match", matching_router)
    api.add_router("/challenges", challenges_router)
    api.add_router("/instruments", instruments_router)
    api.add_router("/cases", referrals_router)


_register_routers()


class ErrorOut(Schema):
    """Every error answer: a message, or (422) one entry per invalid field."""

    detail: str | list[dict[str, Any]]


def _document_error_responses() -> None:
    """The handlers above can answer these codes on any route; the schema says so.

    422 always comes from `validation_error` (a list of fields), so it replaces a route's own
    declaration; other codes are added only where a route does not declare them itself.
    """
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                codes = [400, 403, 404, 409] + ([] if operation.auth_param is None else [401])
                for code in codes:
                    operation.response_models.setdefault(
                        code, operation._create_response_model(ErrorOut)
                    )
                operation.response_models[422] = operation._create_response_model(ErrorOut)


_document_error_responses()
