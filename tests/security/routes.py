"""The site's routes, walked from the URL resolver (admin and the ninja API excluded:
the admin is staff-only by construction and the API has its own inventory)."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from carteira.accounts.policy import policy_of


@dataclass(frozen=True)
class Route:
    name: str  # namespaced url name, e.g. "clients:detail"
    route: str  # the pattern text, for messages
    view: object
    int_kwargs: tuple[str, ...]  # the object ids the route takes
    other_kwargs: tuple[str, ...]

    @property
    def policy(self) -> str | None:
        return policy_of(self.view)


def _is_ninja(view) -> bool:
    module = getattr(view, "__module__", "") or ""
    inner = getattr(view, "func", None)  # functools.partial(openapi_view, api=...)
    return module.startswith("ninja") or (
        inner is not None and inner.__module__.startswith("ninja")
    )


def _kwargs(pattern: URLPattern) -> tuple[tuple[str, ...], tuple[str, ...]]:
    converters = getattr(pattern.pattern, "converters", {})
    if converters:
        ints = tuple(k for k, c in converters.items() if isinstance(c, IntConverter))
        return ints, tuple(k for k in converters if k not in ints)
    names = tuple(pattern.pattern.regex.groupindex)
    ints = tuple(k for k in names if k.endswith("_id"))
    return ints, tuple(k for k in names if k not in ints)


def walk(resolver=None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), space)
        elif not _is_ninja(entry.callback):
            ints, others = _kwargs(entry)
            yield Route(
                name=f"{namespace}{entry.name}" if entry.name else "",
                route=prefix + str(entry.pattern),
                view=entry.callback,
                int_kwargs=ints,
                other_kwargs=others,
            )


def routes() -> list[Route]:
    return list(walk())
