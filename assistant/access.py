"""Who may read exempt papers and who may add papers in the app: sign-in modes and roles.

Councils publish most papers, but exempt ("restricted") ones must never reach a user who is not
entitled to them. The app gives every browser session a set of roles and builds every search,
register, paper list, page image and download from it (``Filters(include_restricted=...)``); the
shared, cached assistant is never changed per user.

Roles

- ``public`` (everyone, signed in or not): published papers only.
- ``member``: also sees exempt papers, pages and register rows, and may mark uploads as exempt.
- ``uploader``: may upload and ingest papers on the Papers tab; others see the list of papers only.

Modes, chosen by ``COMMITTEE_AUTH`` (an unknown value stops the app with a message):

- ``open`` (default): no sign-in; everyone is ``public``. Nobody may upload unless
  ``COMMITTEE_OPEN_UPLOAD=1``. ``COMMITTEE_ROLE=member`` is *not* applied to the app (it still
  applies to the CLI): members sign in with one of the modes below.
- ``password``: a sign-in form in the sidebar checks a user list in Streamlit secrets
  (``.streamlit/secrets.toml``); passwords are stored as SHA-256 hex and compared in constant time::

      [committee_users.ann]
      password_sha256 = "<sha256 hex of the password>"   # python -c "import hashlib,getpass; print(hashlib.sha256(getpass.getpass().encode()).hexdigest())"
      roles = ["member", "uploader"]

      [committee_users.bob]
      password_sha256 = "..."
      roles = []                                         # signed in, but sees what the public sees

- ``oidc``: Streamlit's built-in sign-in (``st.login()``, ``st.user``, ``st.logout()``; needs
  ``pip install Authlib>=1.3.2`` and an ``[auth]`` section in secrets, see Streamlit's docs). Roles
  come from e-mail addresses (matched without regard to case); users not listed, and users whose
  provider says their e-mail is not verified, are ``public``::

      [committee_roles]
      "clerk@council.gov.uk" = ["member", "uploader"]
      "cllr.smith@council.gov.uk" = ["member"]

Roles other than ``member`` and ``uploader`` are ignored (and logged). Roles are read from the secrets
on every page run, so removing a user or a role takes effect on their next click. Changing who is
signed in (or whether they see exempt papers) clears the conversation kept in the browser session.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

log = logging.getLogger("committee.access")

OPEN, PASSWORD, OIDC = "open", "password", "oidc"
MODES = (OPEN, PASSWORD, OIDC)
PUBLIC, MEMBER, UPLOADER = "public", "member", "uploader"
GRANTABLE = frozenset({MEMBER, UPLOADER})
_HEX64 = re.compile(r"[0-9a-f]{64}")
_NO_MATCH = "0" * 64  # compared against when the user is unknown, so a wrong name takes as long as a wrong password


def auth_mode(env: Mapping[str, str] | None = None) -> str:
    """The sign-in mode from ``COMMITTEE_AUTH`` (default ``open``).

    Raises ValueError for anything else, so a typo never silently changes who may see what."""
    env = os.environ if env is None else env
    mode = (env.get("COMMITTEE_AUTH") or OPEN).strip().lower()
    if mode not in MODES:
        raise ValueError(f"COMMITTEE_AUTH={mode!r} is not a sign-in mode; use one of {', '.join(MODES)}.")
    return mode


def open_upload(env: Mapping[str, str] | None = None) -> bool:
    """True when ``COMMITTEE_OPEN_UPLOAD`` is 1 (or true/yes/on): in ``open`` mode anyone may then upload."""
    env = os.environ if env is None else env
    return (env.get("COMMITTEE_OPEN_UPLOAD") or "").strip().lower() in ("1", "true", "yes", "on")


def password_hash(password: str) -> str:
    """The SHA-256 hex digest of a password, as ``password_sha256`` holds it."""
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


def granted(roles: object, who: str = "") -> set[str]:
    """The roles a secrets entry grants: ``member`` and ``uploader`` from a list (or one string); others ignored."""
    if isinstance(roles, str):
        roles = [roles]
    if not isinstance(roles, Iterable):
        return set()
    names = {str(r).strip().lower() for r in roles}
    unknown = names - GRANTABLE - {PUBLIC, ""}
    if unknown:
        log.warning("ignoring unknown role%s %s for %s", "s" if len(unknown) > 1 else "", sorted(unknown), who or "?")
    return names & GRANTABLE


def _user_entry(users: Mapping | None, username: str) -> tuple[str, Mapping] | None:
    """(name as configured, entry) for a user name, matched without regard to case or surrounding spaces."""
    if not isinstance(users, Mapping):
        return None
    wanted = (username or "").strip().casefold()
    if not wanted:
        return None
    for name, entry in users.items():
        if str(name).strip().casefold() == wanted and isinstance(entry, Mapping):
            return str(name), entry
    return None


def roles_of_user(users: Mapping | None, username: str) -> set[str] | None:
    """The roles of a configured user (password mode), or None when ``users`` does not list them.

    Used on every page run after sign-in, so a user removed from the secrets is signed out."""
    found = _user_entry(users, username)
    if found is None:
        return None
    name, entry = found
    return granted(entry.get("roles", []), name)


def roles_for_password(users: Mapping | None, username: str, password: str) -> set[str] | None:
    """The roles ``username`` gets when ``password`` is right; None for an unknown user or a wrong password.

    ``users`` maps user name -> {"password_sha256": hex, "roles": [...]} (``st.secrets["committee_users"]``).
    The SHA-256 hex of the password is compared with ``hmac.compare_digest``; an unknown user, an empty
    password and an entry without a well-formed hash all fail the same way."""
    found = _user_entry(users, username)
    stored = _NO_MATCH
    if found is not None:
        stored = str(found[1].get("password_sha256") or "").strip().lower()
        if not _HEX64.fullmatch(stored):
            log.warning("user %s has no valid password_sha256 (64 hex digits), so cannot sign in", found[0])
            stored = _NO_MATCH
    typed = password_hash(password or "")
    same = hmac.compare_digest(typed.encode("ascii"), stored.encode("ascii"))
    if found is None or not password or stored == _NO_MATCH or not same:
        return None
    return granted(found[1].get("roles", []), found[0])


def roles_for_email(mapping: Mapping | None, email: str | None) -> set[str]:
    """The roles an e-mail address has in ``mapping`` (``st.secrets["committee_roles"]``: email -> roles).

    Addresses are matched without regard to case or surrounding spaces; an address not listed (or no
    address) gets no roles, i.e. is ``public``."""
    wanted = (email or "").strip().casefold()
    if not wanted or not isinstance(mapping, Mapping):
        return set()
    for address, roles in mapping.items():
        if str(address).strip().casefold() == wanted:
            return granted(roles, wanted)
    return set()


def roles_for_oidc_user(mapping: Mapping | None, user: Mapping | None) -> set[str]:
    """The roles of a user signed in through ``st.login()``, from ``st.user``'s claims.

    Only a user whose ``is_logged_in`` is True gets roles (a local Streamlit run reports an e-mail without
    any sign-in), and only when the provider does not say their e-mail is unverified."""
    if not isinstance(user, Mapping) or user.get("is_logged_in") is not True:
        return set()
    if user.get("email_verified") is False:
        return set()
    return roles_for_email(mapping, user.get("email"))


def sees_restricted(roles: Iterable[str]) -> bool:
    """True when the roles include ``member``: searches use ``Filters(include_restricted=True)``."""
    return MEMBER in set(roles)


def can_upload(roles: Iterable[str], mode: str, open_upload: bool = False) -> bool:
    """Whether the session may upload and ingest papers.

    In ``open`` mode nobody signs in, so uploads are allowed to everyone or no one (``open_upload``,
    from ``COMMITTEE_OPEN_UPLOAD``); otherwise only to users with the ``uploader`` role."""
    if mode == OPEN:
        return bool(open_upload)
    return UPLOADER in set(roles)


def who_can_add(mode: str) -> str:
    """The sentence shown instead of the uploader to those who may not add papers."""
    if mode == OPEN:
        return ("Papers are added by the council's committee services team; this site shows the published "
                "papers of the library.")
    return ("Papers can be added by signed-in users with the uploader role; ask the administrator if you "
            "need it.")


@dataclass(frozen=True)
class Access:
    """What one browser session may do: the mode, who is signed in ("" for nobody) and their roles."""

    mode: str = OPEN
    user: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)
    uploads_open: bool = False  # COMMITTEE_OPEN_UPLOAD, for open mode

    @property
    def member(self) -> bool:
        return sees_restricted(self.roles)

    @property
    def uploader(self) -> bool:
        return can_upload(self.roles, self.mode, self.uploads_open)

    @property
    def role(self) -> str:
        """``member`` or ``public``: what the session may read."""
        return MEMBER if self.member else PUBLIC

    def describe(self) -> str:
        """The roles in words: "member and uploader", "public"."""
        names = [self.role] + ([UPLOADER] if self.uploader and self.mode != OPEN else [])
        return " and ".join(names)

    @property
    def owner(self) -> str:
        """What a kept conversation belongs to; when it changes, the conversation is cleared."""
        return f"{self.mode}|{self.user}|{self.role}"


class SignInThrottle:
    """Failed sign-ins counted per user name and per client address, shared by every browser session of the
    process, so parallel guesses are slowed together.

    After ``FREE_ATTEMPTS`` failures a key must wait ``FIRST_WAIT_S``, doubling with each failure up to
    ``MAX_WAIT_S``; ``LOCKOUT_FAILURES`` failures within ``WINDOW_S`` lock it for ``LOCKOUT_S``. An attempt
    made while a key waits is refused without its password being checked, with the same words for known and
    unknown users. ``begin`` counts an attempt before it is checked (so two sessions cannot both slip through
    a gap) and a right password clears the user's count. ``clock`` is injectable so tests need no sleeping."""

    FREE_ATTEMPTS = 3
    FIRST_WAIT_S = 2.0
    MAX_WAIT_S = 120.0
    LOCKOUT_FAILURES = 10
    WINDOW_S = 15 * 60.0
    LOCKOUT_S = 15 * 60.0

    def __init__(self, clock=None):
        import threading
        import time

        self._clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._failures: dict[str, list[float]] = {}

    @staticmethod
    def keys(user: str, address: str | None) -> list[str]:
        return [f"user:{(user or '').strip().casefold()}", f"address:{address or 'unknown'}"]

    def _wait(self, key: str, now: float) -> float:
        times = [t for t in self._failures.get(key, []) if now - t < self.WINDOW_S]
        self._failures[key] = times
        if len(times) >= self.LOCKOUT_FAILURES:
            return max(0.0, times[-1] + self.LOCKOUT_S - now)
        if len(times) >= self.FREE_ATTEMPTS:
            step = min(self.MAX_WAIT_S, self.FIRST_WAIT_S * 2 ** (len(times) - self.FREE_ATTEMPTS))
            return max(0.0, times[-1] + step - now)
        return 0.0

    def begin(self, user: str, address: str | None) -> float:
        """Seconds to wait before this attempt may be checked (0: go ahead; the attempt is then counted as a
        failure until ``succeeded``)."""
        with self._lock:
            now = self._clock()
            keys = self.keys(user, address)
            wait = max(self._wait(k, now) for k in keys)
            if wait > 0:
                log.warning("sign-in refused for %r from %s: %d failures, wait %.0f s", (user or "")[:80],
                            address or "unknown", len(self._failures.get(keys[0], [])), wait)
                return wait
            for k in keys:
                self._failures.setdefault(k, []).append(now)
            return 0.0

    def succeeded(self, user: str, address: str | None) -> None:
        with self._lock:
            key, place = self.keys(user, address)
            self._failures.pop(key, None)
            if self._failures.get(place):
                self._failures[place].pop()  # this attempt was no failure
