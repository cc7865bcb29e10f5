from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, resolve_url
from django.utils import timezone, translation
from django.utils.translation import ngettext


class ChosenLanguageMiddleware:
    """Vietnamese unless the person chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many officers'
    phones are set to English; the product's language is Vietnamese.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# Session keys of SessionTimeoutMiddleware: seconds since the epoch (sessions are JSON).
LOGIN_AT = "_login_at"
LAST_SEEN_AT = "_last_seen_at"


class SessionTimeoutMiddleware:
    """Ends a signed-in session 30 minutes after its last request or 12 hours after the login.

    The limits are settings (SESSION_IDLE_TIMEOUT, SESSION_ABSOLUTE_TIMEOUT). The moments live in
    the session itself rather than in the cookie's age, because a session Django has already
    expired is indistinguishable from no session at all, and the officer must be told why they are
    on the login page again. A web request after either limit is sent to the login page with a
    message; an API request goes on as anonymous, so DRF answers 401.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ended = self._ended(request.session, timezone.now().timestamp())
            if ended:
                return self._end(request, ended)
        response = self.get_response(request)
        # The session, not request.user: DRF puts a token's user there too, and a token call must
        # not grow a session.
        if SESSION_KEY in request.session:
            self._touch(request.session, timezone.now().timestamp())
        return response

    @staticmethod
    def _ended(session, now: float) -> str | None:
        last_seen, login_at = session.get(LAST_SEEN_AT), session.get(LOGIN_AT)
        if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds():
            return "idle"
        if login_at is not None and now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
            return "absolute"
        return None

    @staticmethod
    def _touch(session, now: float) -> None:
        # Written after the view: a login in this request flushed or cycled the session, and a
        # session without a login moment is one that has just signed in (logout flushes it).
        # At most once a minute (SESSION_TOUCH_EVERY): writing the session on every request cost
        # each page an UPDATE, and an idle limit of 30 minutes does not need the second.
        session.setdefault(LOGIN_AT, now)
        last_seen = session.get(LAST_SEEN_AT)
        if last_seen is None or now - last_seen >= settings.SESSION_TOUCH_EVERY.total_seconds():
            session[LAST_SEEN_AT] = now

    def _end(self, request, reason: str):
        logout(request)
        if reason == "idle":
            minutes = int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)
            text = ngettext(
                "Your session ended after %(count)d minute without activity. Please log in again.",
                "Your session ended after %(count)d minutes without activity. Please log in again.",
                minutes,
            ) % {"count": minutes}
        else:
            hours = int(settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() // 3600)
            text = ngettext(
                "Your session ended: a session lasts at most %(count)d hour. Please log in again.",
                "Your session ended: a session lasts at most %(count)d hours. Please log in again.",
                hours,
            ) % {"count": hours}
        if request.path.startswith("/api/"):
            return self.get_response(request)
        messages.warning(request, text)
        # Back to the page after the new login, unless it was a form sent (its data is gone) or
        # the login page itself.
        login_url = resolve_url(settings.LOGIN_URL)
        if request.method != "GET" or request.path == login_url:
            return redirect(login_url)
        return redirect_to_login(request.get_full_path(), login_url)
