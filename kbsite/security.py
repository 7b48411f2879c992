"""The security headers Django does not send itself: Content-Security-Policy and
Permissions-Policy. (HSTS, nosniff, Referrer-Policy, COOP and X-Frame-Options come from
Django's SecurityMiddleware and settings.)

Our own small middleware rather than a library: the policy is one constant string for
every page, with no nonces, per-view changes or reporting to manage, and Django 5.2 has
no CSP of its own yet.

The policy allows nothing by default and then only this site's own scripts, styles,
images and fonts: no inline script, no inline style (the templates have none; the rating
bar's width is a class), no eval, no plugins, no framing, no <base> tricks, and forms
that post only here. `<script type="application/ld+json">` on thread pages is data, not
script: browsers never execute it, so script-src neither applies to it nor blocks it.
"""

from django.conf import settings

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Powerful browser features no page of ours uses, denied to the pages and to any frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Django's own debug pages are all inline style and script: leave them readable.
        if settings.DEBUG and response.status_code >= 400:
            return response
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
