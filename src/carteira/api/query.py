"""Query strings are allow-listed: every operation accepts exactly the parameters it
declares, each at most once. Anything else is a 400, never a wider or different query."""

from functools import wraps

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError
from ninja.operation import Operation
from pydantic import create_model

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
MAX_PAGE = 1_000_000


def declared_query_names(operation: Operation) -> frozenset[str]:
    names: set[str] = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) == "query":
            names.update(getattr(model, "__ninja_flatten_map__", {}) or model.model_fields)
    return frozenset(names)


def check_query(request: HttpRequest, allowed: frozenset[str]) -> None:
    for name, values in request.GET.lists():
        if name not in allowed:
            listed = ", ".join(sorted(allowed)) or "none"
            raise HttpError(400, f"Unknown query parameter '{name}'. Allowed: {listed}.")
        if len(values) > 1:
            raise HttpError(400, f"Query parameter '{name}' may be given only once.")
        if "\x00" in values[0]:
            raise HttpError(400, f"Query parameter '{name}' holds a NUL character.")


def make_strict(operation: Operation) -> None:
    """Wrap ``operation`` so its query string is checked before anything else runs."""
    allowed = declared_query_names(operation)
    run = operation.run

    @wraps(run)
    def strict_run(request, **kwargs):
        try:
            check_query(request, allowed)
        except HttpError as error:
            return operation.api.on_exception(request, error)
        return run(request, **kwargs)

    operation.run = strict_run
    operation.allowed_query = allowed


def page_of(item: type[Schema]) -> type[Schema]:
    """The response schema of a page of ``item``: one named component per resource."""
    return create_model(
        f"{item.__name__}Page",
        __base__=Schema,
        count=(int, ...),
        page=(int, ...),
        page_size=(int, ...),
        results=(list[item], ...),
    )


def paginate(queryset, page: int, page_size: int) -> dict:
    """One page of ``queryset`` (already ordered); ``page_size`` is clamped to 1..500."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, min(page, MAX_PAGE))
    start = (page - 1) * page_size
    return {
        "count": queryset.count(),
        "page": page,
        "page_size": page_size,
        "results": list(queryset[start : start + page_size]),
    }


def ordering(sort: str, sorts: dict[str, tuple]) -> tuple:
    if sort not in sorts:
        raise HttpError(400, f"Unknown sort '{sort}'. Allowed: {', '.join(sorts)}.")
    return sorts[sort]
