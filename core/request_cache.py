"""Facts read once per request (a person's units), then kept until the response.

Outside a request (Celery tasks, commands, tests calling services) nothing is kept: every
call reads afresh. Code that changes such a fact in a request calls forget().
"""

from contextvars import ContextVar

_facts: ContextVar[dict | None] = ContextVar("request_facts", default=None)


def remembered(key, compute):
    """`compute()`, read once per request for `key`; a copy-free value, do not mutate it."""
    facts = _facts.get()
    if facts is None:
        return compute()
    if key not in facts:
        facts[key] = compute()
    return facts[key]


def forget() -> None:
    facts = _facts.get()
    if facts is not None:
        facts.clear()


class RequestCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _facts.set({})
        try:
            return self.get_response(request)
        finally:
            _facts.reset(token)
