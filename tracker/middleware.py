"""A Content-Security-Policy that keeps every page on this host.

The site must not tell any third party who reads it, so the browser itself is told to refuse
scripts, styles, fonts, images and connections from anywhere else. Links to sources are
navigations, which the policy leaves alone.
"""

POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        # The admin sets a few inline style attributes; nothing here loads styles from elsewhere.
        "style-src 'self' 'unsafe-inline'",
        "script-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
    ]
)


# The site uses no sensor, device or payment API, so no page (nor anything injected into one)
# may ask the browser for them; browsing-topics keeps readers out of Chrome's interest groups.
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
        "payment",
        "usb",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
