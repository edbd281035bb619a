"""Content-Security-Policy header (Django 5.2 has none built in; 6.0 will).

Scripts, fonts, images and frames come from this site only (the DSFR ships inside django-dsfr, no CDN).
Inline styles stay allowed: the SVG charts and maps carry `<style>` and `style=` attributes; inline
scripts and event handlers are refused (our few behaviours live in static/js/dentelle.js).
"""

from django.conf import settings

DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "object-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


class ContentSecurityPolicy:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "DENTELLE_CSP", DEFAULT_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        # The API docs (Swagger UI from the installed package, no inline script) live under it too.
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


def policy_framable_by_this_site():
    """The site's policy, except that pages of this site may embed the response (an SVG map shown with
    <object> in the directory): frame-ancestors 'self' instead of 'none'."""
    policy = getattr(settings, "DENTELLE_CSP", DEFAULT_POLICY) or ""
    return policy.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
