"""The project's URL routes as the authorization matrix names them, read from Django's resolver."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    key: str  # the URL name, with ".<format>" for DRF's format-suffix twin of a route
    name: str  # for reverse(), namespace included
    pattern: str
    kwargs: tuple[str, ...]  # the keyword arguments its URL takes


def _kwargs(pattern) -> tuple[str, ...]:
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def _walk(resolver, prefix="", namespace=None, kwargs=()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part) or None
            yield from _walk(entry, prefix + str(entry.pattern), inner, kwargs + _kwargs(entry.pattern))
        elif isinstance(entry, URLPattern):
            names = kwargs + _kwargs(entry.pattern)
            full = prefix + str(entry.pattern)
            name = ":".join(part for part in (namespace, entry.name) if part) if entry.name else full
            key = f"{name}.<format>" if "format" in names else name
            yield Route(key=key, name=name, pattern=full, kwargs=names)


def project_routes() -> dict[str, Route]:
    return {route.key: route for route in _walk(get_resolver())}
