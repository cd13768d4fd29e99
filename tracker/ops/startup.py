"""Rules checked when a server starts serving (tracker.wsgi), not by every management command.

With DEBUG off, serving needs SECRET_KEY from the environment: the key generated into var/ is
per machine, so two servers behind one proxy would each sign sessions and CSRF tokens with
their own and log readers and editors out at random. Tests and commands such as ``check`` or
``migrate`` still run without it; `make run` passes the generated key explicitly (README).
"""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key():
    if not settings.DEBUG and not os.environ.get("SECRET_KEY"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in the environment to serve with DEBUG off "
            "(the same value on every server): "
            'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
