"""Throttling on the cache: wrong passwords lock a username and an address for a while, wrong API keys
lock an address, and an API user may not exceed a request rate. Messages in French.

Fixed windows: the first failure opens a window of ``DENTELLE_LOGIN_LOCKOUT_SECONDS``; once the
window counts ``DENTELLE_LOGIN_FAILURES_MAX`` failures, every attempt (even with the right password)
is refused until it closes. A successful login clears the username's counter (not the address's).
With several server processes, configure a shared cache (CACHES) so that they count together.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from ninja.errors import HttpError
from ninja.throttling import UserRateThrottle

LOCKED_MESSAGE = (
    "Trop de tentatives de connexion infructueuses : la connexion est bloquée pendant {minutes} minutes. "
    "Réessayez plus tard ou demandez à votre administrateur de réinitialiser votre mot de passe."
)
BAD_KEYS_MESSAGE = "Trop de clés d'API invalides depuis cette adresse : réessayez dans {minutes} minutes."


def client_address(request):
    return (getattr(request, "META", None) or {}).get("REMOTE_ADDR", "") or "inconnue"


def _window():
    return settings.DENTELLE_LOGIN_LOCKOUT_SECONDS


def _minutes():
    return max(1, round(_window() / 60))


def _hit(key):
    cache.add(key, 0, _window())
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, _window())
        return 1


def _count(key):
    return cache.get(key, 0)


def _login_keys(username, request):
    keys = [f"throttle:login:address:{client_address(request)}"] if request is not None else []
    if username:
        keys.append(f"throttle:login:user:{str(username).strip().lower()[:150]}")
    return keys


def login_locked(username, request):
    limit = settings.DENTELLE_LOGIN_FAILURES_MAX
    return any(_count(key) >= limit for key in _login_keys(username, request))


@receiver(user_login_failed, dispatch_uid="dentelle_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    for key in _login_keys(credentials.get("username"), request):
        _hit(key)


@receiver(user_logged_in, dispatch_uid="dentelle_logged_in")
def _logged_in(sender, request, user, **kwargs):
    cache.delete(f"throttle:login:user:{user.get_username().strip().lower()[:150]}")


class ThrottledModelBackend(ModelBackend):
    """Django's backend, but no password is even checked while the username or the address is locked
    (the admin login goes through it too)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if login_locked(username, request):
            raise PermissionDenied(LOCKED_MESSAGE.format(minutes=_minutes()))
        return super().authenticate(request, username=username, password=password, **kwargs)


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form says in French that the account is locked, instead of "wrong password"."""

    locked_message = ""

    def clean(self):
        if login_locked(self.cleaned_data.get("username"), self.request):
            self.locked_message = LOCKED_MESSAGE.format(minutes=_minutes())
            # Count this attempt too, so that a locked attacker keeps the lock alive.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": self.cleaned_data.get("username")},
                request=self.request,
            )
            raise forms.ValidationError(self.locked_message, code="locked")
        return super().clean()


def check_api_key_attempts(request):
    """Raise a French 429 when this address sent too many wrong API keys."""
    if _count(f"throttle:apikey:{client_address(request)}") >= settings.DENTELLE_API_BAD_KEYS_MAX:
        raise HttpError(429, BAD_KEYS_MESSAGE.format(minutes=_minutes()))


def record_bad_api_key(request):
    _hit(f"throttle:apikey:{client_address(request)}")


class ApiUserThrottle(UserRateThrottle):
    """Requests per authenticated user, at ``DENTELLE_API_USER_RATE`` (e.g. "1200/m"; empty: no limit),
    read at each call so that it follows the settings."""

    def __init__(self):
        self.rate = None
        self.num_requests = self.duration = None

    def allow_request(self, request):
        rate = settings.DENTELLE_API_USER_RATE
        if not rate:
            return True
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)
