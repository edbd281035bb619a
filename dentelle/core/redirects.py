"""Where to go after a form: a `next` URL is followed only when it stays on this site."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default):
    """The posted (or queried) `next` if it is a local URL, else ``default`` (a URL name or path)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def redirect_next(request, default):
    return redirect(safe_next(request, default))
