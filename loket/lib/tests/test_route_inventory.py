"""Inventory of every route: each Loket view and API operation declares who may use it.

Views say so in their docstring ("Access: ..."); API operations either inherit the NinjaAPI's
default auth (token, X-API-Key or session) or say `auth=None` out loud, and document their rule in
the docstring as well. Django's admin, allauth's accounts/ pages, i18n/ and static files are
covered by their own projects and skipped here.
"""

from collections import Counter

from django.urls import URLPattern, URLResolver, get_resolver
from ninja.constants import NOT_SET

from config.api import api

SKIPPED_PREFIXES = ("admin/", "accounts/", "i18n/", "static/")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def _docstring(callback) -> str:
    if hasattr(callback, "view_class"):
        return callback.view_class.__doc__ or ""
    docs = []
    func = callback
    while func is not None:
        docs.append(func.__doc__ or "")
        func = getattr(func, "__wrapped__", None)
    return "\n".join(docs)


def _loket_views():
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        callback = pattern.callback
        module = getattr(callback, "__module__", "") or ""
        if hasattr(callback, "view_class"):
            module = callback.view_class.__module__
        if module.startswith("loket."):
            yield route, callback


def _api_operations():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield prefix + path, operation


def test_inventory_finds_the_apps():
    routes = [route for route, _ in _loket_views()]
    # A broken walk (or a URLconf that lost an app) would make the other tests pass vacuously.
    for expected in ("partners/", "challenges/", "instruments/", "vraag/", "account/", "healthz"):
        assert any(route.startswith(expected) for route in routes), expected
    assert "" in routes  # the directory
    assert len(list(_api_operations())) >= 20


def test_every_loket_view_declares_its_access_rule():
    missing = [
        f"{route} ({callback.__module__}.{callback.__name__})"
        for route, callback in _loket_views()
        if "Access:" not in _docstring(callback)
    ]
    assert missing == [], "views without an 'Access:' line in their docstring"


def test_every_api_operation_declares_its_access_rule():
    missing = [
        f"{' '.join(operation.methods)} {path} ({operation.operation_id})"
        for path, operation in _api_operations()
        if "Access:" not in (operation.view_func.__doc__ or "")
    ]
    assert missing == [], "API operations without an 'Access:' line in their docstring"


def test_every_api_operation_declares_its_auth():
    """Either the default auth applies (listed in the schema) or the route says auth=None."""
    assert api.auth not in (None, NOT_SET)
    schema = api.get_openapi_schema()
    by_id = {
        operation["operationId"]: operation
        for methods in schema["paths"].values()
        for operation in methods.values()
    }
    problems = []
    for path, operation in _api_operations():
        entry = by_id[operation.operation_id]
        if operation.auth_param is NOT_SET:
            # Inherited from the NinjaAPI (or its router): must show up as a security requirement.
            if not entry.get("security"):
                problems.append(f"{path} {operation.operation_id}: inherited auth is empty")
        elif operation.auth_param is None:
            if entry.get("security"):
                problems.append(f"{path} {operation.operation_id}: auth=None but secured")
        elif not entry.get("security"):
            problems.append(f"{path} {operation.operation_id}: custom auth missing in schema")
    assert problems == []


def test_public_api_operations_are_the_reviewed_ones():
    """Making a route public is a decision: this list changes only in a reviewed commit."""
    public = sorted(
        operation.operation_id for _, operation in _api_operations() if operation.auth_param is None
    )
    assert public == [
        "cases_intermediaries",
        "cases_route",
        "instruments_calls",
        "instruments_get",
        "instruments_list",
        "match_search",
        "match_suggested_partners",
        "organisations_detail",
        "organisations_list",
        "organisations_search",
    ]


def test_operation_ids_are_unique():
    ids = [operation.operation_id for _, operation in _api_operations()]
    assert all(ids), "every operation names its operation_id"
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    schema = api.get_openapi_schema()
    schema_ids = [
        operation["operationId"]
        for methods in schema["paths"].values()
        for operation in methods.values()
    ]
    assert sorted(schema_ids) == sorted(ids)


def test_secured_api_operations_refuse_anonymous_callers(client, db):
    """The declared auth is the enforced auth: no secured route answers an anonymous caller."""
    schema = api.get_openapi_schema()
    answered = []
    for path, methods in schema["paths"].items():
        url = path.replace("{pk}", "1").replace("{case_id}", "1").replace("{slug}", "x")
        for method, operation in methods.items():
            if not operation.get("security"):
                continue
            response = getattr(client, method)(url, data={}, content_type="application/json")
            if response.status_code != 401:
                answered.append(f"{method.upper()} {url}: {response.status_code}")
    assert answered == []
