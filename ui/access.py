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
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

log = logging.getLogger("committee.access")

OPEN, PASSWORD, OIDC = "open", "password", "oidc"
MODES = (OPEN, PASSWORD, OIDC)
PUBLIC, MEMBER, UPLOADER = "public", "member", "uploader"
GRANTABLE = frozenset({MEMBER, UPLOADER})
_HEX64 = re.compile(r"[0-9a-f]{64}")
_NO_MATCH = "0" * 64  # compared against when the user is unknown, so a wrong name takes as long as a wrong password


def auth_mode(value: str | None) -> str:
    """The sign-in mode from ``Settings.auth`` (``COMMITTEE_AUTH``, default ``open``).

    Raises ValueError for anything else, so a typo never silently changes who may see what."""
    mode = (value or OPEN).strip().lower()
    if mode not in MODES:
        raise ValueError(f"COMMITTEE_AUTH={mode!r} is not a sign-in mode; use one of {', '.join(MODES)}.")
    return mode


def open_upload(value: str | None) -> bool:
    """True when ``Settings.open_upload`` (``COMMITTEE_OPEN_UPLOAD``) is 1, true, yes or on: in ``open`` mode
    anyone may then upload."""
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


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
    """Failed sign-ins counted per user name (case-folded) and per client address, shared by every browser
    session of the app process, so guesses made in parallel sessions are slowed together.

    After ``FREE_ATTEMPTS`` failures a key must wait ``FIRST_WAIT_S`` before its next attempt is checked,
    doubling with each further failure up to ``MAX_WAIT_S``; ``LOCKOUT_FAILURES`` failures within ``WINDOW_S``
    lock it for ``LOCKOUT_S`` after the last one. An attempt made while either key of it waits is refused
    without its password being checked, in the same words for known and unknown users (``refusal``), and is
    not counted. ``begin`` counts an attempt as a failure before it is checked, so sessions racing each other
    cannot all slip into one gap; ``succeeded`` takes that back and clears the user's count. Failures and
    refusals are logged with the user name and address, never the password. ``clock`` (seconds, monotonic)
    is injectable so tests need no sleeping."""

    FREE_ATTEMPTS = 3  # failures before any wait
    FIRST_WAIT_S = 2.0  # then 2, 4, 8, ... s between checked attempts
    MAX_WAIT_S = 120.0
    LOCKOUT_FAILURES = 10  # this many failures within WINDOW_S ...
    WINDOW_S = 15 * 60.0
    LOCKOUT_S = 15 * 60.0  # ... lock the key this long after the last of them
    MAX_KEY_CHARS = 200  # a user name longer than this is counted by its first MAX_KEY_CHARS characters
    NO_ADDRESS = "unknown"  # the key of every client whose address Streamlit does not give (e.g. localhost)

    def __init__(self, clock: Callable[[], float] | None = None):
        self._clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._failures: dict[str, list[float]] = {}  # key -> times of its failures within WINDOW_S
        self._locked: dict[str, float] = {}  # key -> when its lockout ends

    @classmethod
    def keys(cls, user: str, address: str | None) -> tuple[str, str]:
        """The two counters an attempt belongs to: its user name and its client address."""
        return (f"user:{(user or '').strip().casefold()[:cls.MAX_KEY_CHARS]}",
                f"address:{(address or '').strip()[:cls.MAX_KEY_CHARS] or cls.NO_ADDRESS}")

    @staticmethod
    def refusal(wait: float) -> str:
        """What a refused attempt is told: the same for every user name, known or not."""
        seconds = max(1, math.ceil(wait))
        return f"Too many failed sign-ins; try again in {seconds} second{'s' if seconds != 1 else ''}."

    def _wait(self, key: str, now: float) -> float:
        until = self._locked.get(key)
        if until is not None:
            if now < until:
                return until - now
            del self._locked[key]  # served: the key starts afresh
        times = [t for t in self._failures.get(key, ()) if now - t < self.WINDOW_S]
        if not times:
            self._failures.pop(key, None)
            return 0.0
        self._failures[key] = times
        if len(times) >= self.LOCKOUT_FAILURES:  # locked from the last failure, however old the first is
            self._locked[key] = times[-1] + self.LOCKOUT_S
            del self._failures[key]
            log.warning("sign-ins locked for %s for %.0f s after %d failures", key, self.LOCKOUT_S, len(times))
            return self._wait(key, now)
        if len(times) >= self.FREE_ATTEMPTS:
            step = min(self.MAX_WAIT_S, self.FIRST_WAIT_S * 2 ** (len(times) - self.FREE_ATTEMPTS))
            return max(0.0, times[-1] + step - now)
        return 0.0

    def _sweep(self, now: float) -> None:
        """Forget keys whose failures are all older than the window (names sprayed by a guesser)."""
        for key in [k for k, times in self._failures.items() if not times or now - times[-1] >= self.WINDOW_S]:
            del self._failures[key]
        for key in [k for k, until in self._locked.items() if until <= now]:
            del self._locked[key]

    def begin(self, user: str, address: str | None) -> float:
        """Seconds to wait before this attempt may be checked: 0 means check the password now (the attempt is
        then counted as a failure until ``succeeded``); more means refuse it unchecked (``refusal``)."""
        with self._lock:
            now = self._clock()
            if len(self._failures) + len(self._locked) > 10_000:
                self._sweep(now)
            keys = self.keys(user, address)
            wait = max(self._wait(k, now) for k in keys)
            if wait > 0:
                log.warning("sign-in refused unchecked for %r from %s: wait %.0f s", keys[0][5:85],
                            keys[1][8:], wait)
                return wait
            for k in keys:
                self._failures.setdefault(k, []).append(now)
            return 0.0

    def failed(self, user: str, address: str | None) -> None:
        """Log a checked attempt that failed (``begin`` has counted it already)."""
        key, place = self.keys(user, address)
        with self._lock:
            count = len(self._failures.get(key, ()))
        log.warning("failed sign-in for %r from %s (%d failure%s in %d min)", key[5:85], place[8:], count,
                    "" if count == 1 else "s", self.WINDOW_S // 60)

    def succeeded(self, user: str, address: str | None) -> None:
        """A right password: the user's failures are cleared, and this attempt is taken off the address's."""
        with self._lock:
            key, place = self.keys(user, address)
            self._failures.pop(key, None)
            if self._failures.get(place):
                self._failures[place].pop()
                if not self._failures[place]:
                    del self._failures[place]
