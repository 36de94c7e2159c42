"""Who is signing in: the sign-in panels for each mode (ui/access.py holds the policy), the throttle and
sign-out."""
from __future__ import annotations

import logging
from collections.abc import Mapping

import streamlit as st

from ui import access
from ui.access import Access
from ui.text import esc

log = logging.getLogger("committee.app")



# ---- who is signing in ------------------------------------------------------------------------------------
@st.cache_resource
def sign_in_throttle() -> access.SignInThrottle:
    """One throttle for every browser session of this app process."""
    return access.SignInThrottle()


def _client_address() -> str | None:
    """The client's address for the sign-in throttle; None (one shared key) where Streamlit gives none: on
    localhost, in a test run, or behind a proxy it is the proxy's."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no address on this Streamlit
        return None
    return address.strip() or None if isinstance(address, str) else None  # a test run's stand-in is no address


def _secret(name: str) -> Mapping:
    """A section of the Streamlit secrets, or {} when there is none (or no secrets file at all)."""
    try:
        value = st.secrets.get(name)
    except Exception:  # noqa: BLE001 - no secrets.toml, or one that does not parse
        log.warning("could not read st.secrets[%r]", name, exc_info=True)
        return {}
    return value if isinstance(value, Mapping) else {}


def _has_secret(name: str) -> bool:
    try:
        return name in st.secrets
    except Exception:  # noqa: BLE001
        return False


def forget_session() -> None:
    """Drop what the last user saw or did: the conversation and upload messages (on sign-in and sign-out)."""
    st.session_state["turns"] = []
    st.session_state.pop("ingest-messages", None)


def _sign_out() -> None:
    st.session_state.pop("auth-user", None)
    forget_session()


def _viewing(who: Access) -> None:
    if who.user:
        st.markdown(f"Signed in as **{esc(who.user)}** · {esc(who.describe())}")
    st.caption("Viewing as a **member**: exempt papers are included." if who.member
               else "Viewing as the **public**: published papers only.")


def account_panel(mode: str, uploads_open: bool = False) -> Access:
    """The sidebar's sign-in (or who is signed in, and a sign-out button) for ``mode``; returns the session's
    access. Nobody signed in (or sign-in not set up) is the public."""
    if mode == access.PASSWORD:
        who = _password_panel()
    elif mode == access.OIDC:
        who = _oidc_panel()
    else:
        who = Access(mode=access.OPEN, uploads_open=uploads_open)
        _viewing(who)
    return who


def _password_panel() -> Access:
    users = _secret("committee_users")
    user = st.session_state.get("auth-user", "")
    roles = access.roles_of_user(users, user) if user else None
    if user and roles is None:  # taken out of the user list since signing in
        _sign_out()
        user = ""
    if user:
        who = Access(mode=access.PASSWORD, user=user, roles=frozenset(roles))
        _viewing(who)
        st.button("Sign out", on_click=_sign_out, key="auth-sign-out", icon=":material/logout:")
        return who
    who = Access(mode=access.PASSWORD)
    if not users:
        st.warning("Sign-in is not set up (no committee_users in the app's secrets), so everyone sees the "
                   "published papers only.")
    with st.form("sign-in", clear_on_submit=True, border=False):
        name = st.text_input("User name", key="auth-name", autocomplete="username")
        password = st.text_input("Password", type="password", key="auth-password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", icon=":material/login:")
    if submitted:
        address, throttle = _client_address(), sign_in_throttle()
        wait = throttle.begin(name, address)
        if wait > 0:  # not even checked, and the same words for every user name
            st.error(esc(throttle.refusal(wait)))
        elif access.roles_for_password(users, name, password) is not None:
            throttle.succeeded(name, address)
            forget_session()
            st.session_state["auth-user"] = name.strip()
            log.info("signed in: %s", name.strip())
            st.rerun()
        else:
            throttle.failed(name, address)  # logs the name and address, never the password
            st.error("That user name and password do not match; please try again.")
    _viewing(who)
    return who


def _oidc_panel() -> Access:
    try:
        info = dict(st.user.to_dict())
    except Exception:  # noqa: BLE001 - no user information on this host
        info = {}
    if info.get("is_logged_in") is True:
        roles = access.roles_for_oidc_user(_secret("committee_roles"), info)
        email = str(info.get("email") or "")
        who = Access(mode=access.OIDC, user=str(info.get("name") or email or "signed-in user"),
                     roles=frozenset(roles))
        _viewing(who)
        if email and email != who.user:
            st.caption(esc(email))
        if info.get("email_verified") is False:
            st.caption("Your sign-in provider has not verified your e-mail address, so you see the published "
                       "papers only.")
        if st.button("Sign out", key="auth-sign-out", icon=":material/logout:"):
            forget_session()
            st.logout()
        return who
    who = Access(mode=access.OIDC)
    import importlib.util

    if not _has_secret("auth"):
        st.warning("Sign-in is not set up (no [auth] section in the app's secrets), so everyone sees the "
                   "published papers only.")
    elif importlib.util.find_spec("authlib") is None:
        st.warning("Sign-in needs the Authlib package (pip install 'Authlib>=1.3.2'); until it is installed "
                   "everyone sees the published papers only.")
    elif st.button("Sign in", key="auth-sign-in", type="primary", icon=":material/login:"):
        try:
            st.login()
        except Exception as exc:  # noqa: BLE001 - a misconfigured provider is one sentence, not a traceback
            log.exception("sign-in could not start")
            st.error(esc(f"Sign-in could not start ({type(exc).__name__}); please tell the administrator."))
    _viewing(who)
    return who
