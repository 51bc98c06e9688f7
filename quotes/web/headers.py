"""Security headers on every response, through Datasette's asgi_wrapper hook.

    X-Content-Type-Options: nosniff      a JSON or CSV download is never run as a page
    X-Frame-Options: DENY                no other site frames ours (old browsers)
    Content-Security-Policy              where scripts, styles, images may come from,
                                         no <object>, no <base>, no framing (frame-ancestors)

Datasette's own pages run inline scripts (base.html's menu closer, the table page's
column menus, the SQL editor) and carry inline styles, so their policy allows inline
script and style but nothing from another origin. The project's pages (/-/quotes/...),
where article text is shown, are stricter: the only inline script they may run is the
menu closer base.html includes, allowed by its SHA-256 (computed from the template
Datasette would render, so a --template-dir override is hashed as it is); an injected
<script> or event handler does not run. A header a response already sets is kept.
"""
from __future__ import annotations

import base64
import hashlib
import re

# Everything a Datasette 0.65 page loads: its own static files, inline scripts and
# styles, data: images in app.css, fetch() to itself.
COMMON = ("default-src 'self'", "img-src 'self' data:", "font-src 'self' data:",
          "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
          "frame-ancestors 'none'")
DATASETTE_POLICY = "; ".join(COMMON + ("script-src 'self' 'unsafe-inline'", "style-src 'self' 'unsafe-inline'"))
OUR_PAGES = "/-/quotes/"
INLINE_TEMPLATES = ("_close_open_menus.html",)  # the inline scripts base.html includes on every page
FIXED = ((b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"))
_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.S | re.I)


def script_hashes(sources: list[str]) -> list[str]:
    """CSP hash sources ('sha256-...') of the inline <script> elements in the HTML."""
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
            for html in sources for body in _SCRIPT.findall(html)]


def our_policy(hashes: list[str]) -> str:
    """The policy of the project's pages: inline scripts only by hash."""
    scripts = " ".join(["'self'", *hashes]) if hashes else "'self' 'unsafe-inline'"
    return "; ".join(COMMON + (f"script-src {scripts}", "style-src 'self' 'unsafe-inline'"))


class SecurityHeaders:
    """ASGI middleware adding the headers to each HTTP response of `app`."""

    def __init__(self, app, datasette):
        self.app, self.datasette = app, datasette
        self._ours: str | None = None

    async def policy_for(self, path: str) -> str:
        if OUR_PAGES not in path:
            return DATASETTE_POLICY
        if self._ours is None:
            self._ours = our_policy(script_hashes(await self._inline_scripts()))
        return self._ours

    async def _inline_scripts(self) -> list[str]:
        """The HTML of the inline scripts every page carries, as Datasette renders them."""
        out = []
        for name in INLINE_TEMPLATES:
            try:
                out.append(await self.datasette.jinja_env.get_template(name).render_async())
            except Exception:  # no such template in some other Datasette: allow inline then
                return []
        return out

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        policy = (await self.policy_for(scope.get("path", ""))).encode()

        async def with_headers(event):
            if event["type"] == "http.response.start":
                headers = list(event.get("headers") or [])
                have = {bytes(k).lower() for k, _ in headers}
                for name, value in (*FIXED, (b"content-security-policy", policy)):
                    if name not in have:
                        headers.append((name, value))
                event = {**event, "headers": headers}
            await send(event)

        return await self.app(scope, receive, with_headers)
