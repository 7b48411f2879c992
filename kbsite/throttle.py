"""Admin login throttling: a few failed logins lock the account, or the address, a while.

Per account: ACCOUNT_LIMIT failures (from anywhere) lock that account's logins; per
address: ADDRESS_LIMIT failures (for any accounts) lock that address's logins. Either
lasts COOL_OFF_SECONDS from the last failure; while it lasts every login is refused with
a 429 and Retry-After, the right password too, so guessing gains nothing. A success
forgets the account's failures. Each lockout and each refused attempt is logged.

Counters live in the cache (Redis across servers, files across one machine's workers):
small, self-expiring, and no new tables. Our own ~100 lines rather than django-axes: that
brings three tables, an authentication backend that every `authenticate()` call must then
pass a request to, and admin pages, for what one middleware around one URL does here.
"""

import hashlib
import ipaddress
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template import loader
from django.urls import reverse

logger = logging.getLogger(__name__)

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 10
COOL_OFF_SECONDS = 15 * 60


def now() -> float:
    return time.time()


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind a proxy the last address the header
    named by CLIENT_IP_HEADER lists (the one our own proxy added; earlier ones come from
    the client and could be anything). IPv6 counts by /64, what one host usually has."""
    address = request.META.get("REMOTE_ADDR", "")
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header:
        forwarded = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        address = forwarded.split(",")[-1].strip() or address
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:100]
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _keys(request) -> list[tuple[str, str, int]]:
    """(cache key, what it is, limit) for the account and the address of this attempt."""
    username = request.POST.get("username", "").strip().casefold()
    account = hashlib.sha256(username.encode(errors="replace")).hexdigest()[:32]
    address = client_address(request)
    return [
        (f"login-failures:account:{account}", f"account {username[:100]!r}", ACCOUNT_LIMIT),
        (f"login-failures:address:{address}", f"address {address}", ADDRESS_LIMIT),
    ]


def _locked_for(key: str, limit: int) -> float:
    """Seconds this key stays locked (0: not locked)."""
    count, last = cache.get(key, (0, 0.0))
    remaining = last + COOL_OFF_SECONDS - now()
    return remaining if count >= limit and remaining > 0 else 0


def _record_failure(key: str, what: str, limit: int, request) -> None:
    count, last = cache.get(key, (0, 0.0))
    if last + COOL_OFF_SECONDS < now():
        count = 0  # the earlier failures have cooled off
    count += 1
    cache.set(key, (count, now()), COOL_OFF_SECONDS + 60)
    if count == limit:
        logger.warning(
            "admin login locked for %s after %d failures (from %s), for %d s",
            what,
            count,
            client_address(request),
            COOL_OFF_SECONDS,
        )


class LoginThrottleMiddleware:
    """Counts the admin login form's failures and refuses logins while locked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # request.path, like reverse(), carries the script prefix of a sub-path deployment.
        if request.method != "POST" or request.path != reverse("admin:login"):
            return self.get_response(request)
        keys = _keys(request)
        wait = max(_locked_for(key, limit) for key, _, limit in keys)
        if wait:
            logger.warning(
                "admin login refused for %s from %s: locked for %d s more",
                keys[0][1],
                keys[1][1],
                wait,
            )
            response = HttpResponse(loader.render_to_string("429.html"), status=429)
            response["Retry-After"] = str(math.ceil(wait))
            return response
        response = self.get_response(request)
        if request.user.is_authenticated:
            cache.delete(keys[0][0])  # a success forgets the account's failures
        elif response.status_code == 200:  # the form again, with its error
            for key, what, limit in keys:
                _record_failure(key, what, limit, request)
        return response
