"""A Mozilla-Observatory-style score computed from a response's headers.

The rules are the Observatory's HTTP tests as its scoring documentation describes them,
applied to what a test client sees. Start at 100; each test adds or takes away:

| test | result | points |
| --- | --- | --- |
| Content-Security-Policy | absent | -25 |
| | `'unsafe-inline'` or `'unsafe-eval'`, or no limit, for scripts | -20 |
| | `'unsafe-inline'` for styles | -5 |
| | strict, with `default-src 'none'` | +10 |
| Cookies | none set | 0 |
| | a cookie without `Secure` | -20 (-40 for the session cookie) |
| | a session cookie without `HttpOnly` | -30 |
| | all `Secure`, sessions `HttpOnly`, all with `SameSite` | +5 |
| Redirection | plain HTTP is not redirected to HTTPS on the same host | -20 |
| Referrer-Policy | `no-referrer`, `same-origin`, `strict-origin(-when-cross-origin)` | +5 |
| | `unsafe-url`, `no-referrer-when-downgrade` | -5 |
| Strict-Transport-Security | absent | -20 |
| | `max-age` under six months (15,552,000 s) | -10 |
| Subresource integrity | a script from another origin without `integrity` | -50 |
| X-Content-Type-Options | not `nosniff` | -5 |
| X-Frame-Options | CSP `frame-ancestors 'none'` or `'self'` | +5 |
| | neither that nor `DENY`/`SAMEORIGIN` | -20 |

As on the Observatory, bonuses count only when the score is at least 90 without them.
Grades: A+ from 100, A from 90, A- 85, B+ 80, B 70, B- 65, C+ 60, C 50, D+ 45, D 40,
D- 35, F below.
"""

import re

GRADES = [
    (100, "A+"),
    (90, "A"),
    (85, "A-"),
    (80, "B+"),
    (70, "B"),
    (65, "B-"),
    (60, "C+"),
    (50, "C"),
    (45, "D+"),
    (40, "D"),
    (35, "D-"),
    (0, "F"),
]
SIX_MONTHS = 15_552_000
PRIVATE_REFERRERS = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), words[1:])
    return directives


def _csp(headers) -> tuple[int, int]:
    header = headers.get("Content-Security-Policy")
    if not header:
        return -25, 0
    csp = parse_csp(header)
    default = csp.get("default-src")
    scripts = csp.get("script-src", default)
    styles = csp.get("style-src", default)
    if scripts is None or {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"} & set(
        scripts
    ):
        return -20, 0
    if styles is None or "'unsafe-inline'" in styles:
        return -5, 0
    return 0, (10 if default == ["'none'"] else 0)


def _cookies(response) -> tuple[int, int]:
    cookies = list(response.cookies.values())
    if not cookies:
        return 0, 0
    penalty = 0
    for cookie in cookies:
        session = "session" in cookie.key.lower()
        if not cookie["secure"]:
            penalty = min(penalty, -40 if session else -20)
        if session and not cookie["httponly"]:
            penalty = min(penalty, -30)
    if penalty:
        return penalty, 0
    return 0, (5 if all(cookie["samesite"] for cookie in cookies) else 0)


def _referrer(headers) -> tuple[int, int]:
    values = {v.strip().lower() for v in headers.get("Referrer-Policy", "").split(",")}
    if values & PRIVATE_REFERRERS:
        return 0, 5
    if values & {"unsafe-url", "no-referrer-when-downgrade"}:
        return -5, 0
    return 0, 0


def _hsts(headers) -> int:
    match = re.search(r"max-age=(\d+)", headers.get("Strict-Transport-Security", ""))
    if not match:
        return -20
    return 0 if int(match.group(1)) >= SIX_MONTHS else -10


def _frames(headers) -> tuple[int, int]:
    csp = parse_csp(headers.get("Content-Security-Policy", ""))
    if csp.get("frame-ancestors") in (["'none'"], ["'self'"]):
        return 0, 5
    if headers.get("X-Frame-Options", "").upper() in {"DENY", "SAMEORIGIN"}:
        return 0, 0
    return -20, 0


def _sri(html: str, host: str) -> int:
    for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html, flags=re.IGNORECASE):
        src = re.search(r'src="([^"]*)"', tag).group(1)
        foreign = src.startswith("//") or (src.startswith("http") and f"//{host}/" not in src)
        if foreign and "integrity=" not in tag:
            return -50
    return 0


def score(response, *, redirects_to_https: bool, host: str) -> tuple[int, str, dict]:
    """(score, grade, points per test) of an HTTPS response and the HTTP one's redirect."""
    headers = response.headers
    csp, csp_bonus = _csp(headers)
    cookies, cookie_bonus = _cookies(response)
    referrer, referrer_bonus = _referrer(headers)
    frames, frames_bonus = _frames(headers)
    html = response.content.decode(errors="replace")
    points = {
        "content-security-policy": csp,
        "cookies": cookies,
        "redirection": 0 if redirects_to_https else -20,
        "referrer-policy": referrer,
        "strict-transport-security": _hsts(headers),
        "subresource-integrity": _sri(html, host),
        "x-content-type-options": 0 if headers.get("X-Content-Type-Options") == "nosniff" else -5,
        "x-frame-options": frames,
    }
    total = 100 + sum(points.values())
    if total >= 90:
        bonuses = csp_bonus + cookie_bonus + referrer_bonus + frames_bonus
        points["bonuses"] = bonuses
        total += bonuses
    grade = next(grade for low, grade in GRADES if total >= low)
    return total, grade, points
