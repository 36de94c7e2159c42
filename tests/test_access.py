"""Access control in the app: who may read exempt papers and who may add papers.

The pure rules in ui/access.py first; then the real app (streamlit.testing) over a fresh library holding
one published paper, one exempt paper and one published paper with an exempt page, in the open, password and
oidc sign-in modes."""
from __future__ import annotations

import hashlib
import os

import pytest
from test_app import ask, plain, shown

from ui import access

SECRET_FACT_Q = "Who is the Quillmoor depot to be sold to?"
SECRET_FILE = "highways-exempt-depot-report-2020-03-05.txt"
PUBLIC_FILE = "highways-minutes-2020-03-05.txt"
MIXED_FILE = "highways-minutes-2020-03-12.txt"

PUBLIC_PAPER = """Highways and Transport Committee

Minutes of the meeting held on 5 March 2020 at Shire Hall, Cambridge.

1. APOLOGIES FOR ABSENCE
Apologies were received from Councillor Smith.

2. ROAD SAFETY SCHEME
The Committee considered the road safety scheme for the A10 and the depot review programme. It was resolved
unanimously to approve the road safety scheme for the A10 corridor.
"""

SECRET_PAPER = """Highways and Transport Committee

Report to the meeting of 5 March 2020.

DISPOSAL OF THE QUILLMOOR DEPOT

The Quillmoor depot is no longer needed for highway maintenance. Officers recommend that the Quillmoor depot
be sold to Brackenfield Holdings Limited for 3.4 million pounds, the best of four sealed bids received.
"""

# minutes whose second minute, on page 2, is exempt (marked at the top of its page)
MIXED_PAPER = ("Highways and Transport Committee\n\nMinutes of the meeting held on 12 March 2020 at Shire Hall, "
               "Cambridge.\n\n1. POTHOLE REPAIR PROGRAMME\nThe pothole repair programme for 2020-21 will cover 400 "
               "roads in Fenland. It was resolved to approve the pothole repair programme.\n"
               "\f"
               "2. POTHOLE REPAIR CONTRACT\nNOT FOR PUBLICATION\n"
               "The Zanthorpe Surfacing tender for the pothole repairs was 1.9 million pounds, the lowest price. It was "
               "resolved to accept the Zanthorpe Surfacing tender.\n")

PASSWORDS = {"mia": "member-pass", "uma": "uploader-pass", "pat": "public-pass"}
USERS = {"mia": {"password_sha256": hashlib.sha256(b"member-pass").hexdigest(), "roles": ["member"]},
         "uma": {"password_sha256": hashlib.sha256(b"uploader-pass").hexdigest(), "roles": ["uploader"]},
         "pat": {"password_sha256": hashlib.sha256(b"public-pass").hexdigest(), "roles": []}}


# ---- the rules, without Streamlit ------------------------------------------------------------------------------
def test_a_good_password_gives_the_users_roles_and_anything_else_gives_none():
    assert access.roles_for_password(USERS, "mia", "member-pass") == {"member"}
    assert access.roles_for_password(USERS, " MIA ", "member-pass") == {"member"}  # the name's case and spaces
    assert access.roles_for_password(USERS, "uma", "uploader-pass") == {"uploader"}
    assert access.roles_for_password(USERS, "pat", "public-pass") == set()  # signed in, but public
    assert access.roles_for_password(USERS, "mia", "uploader-pass") is None  # another user's password
    assert access.roles_for_password(USERS, "mia", "Member-pass") is None  # passwords are case-sensitive
    assert access.roles_for_password(USERS, "mia", "") is None
    assert access.roles_for_password(USERS, "nobody", "member-pass") is None
    assert access.roles_for_password(USERS, "", "") is None
    assert access.roles_for_password({}, "mia", "member-pass") is None
    assert access.roles_for_password(None, "mia", "member-pass") is None


def test_password_entries_are_read_strictly():
    digest = hashlib.sha256(b"pw").hexdigest()
    users = {"a": {"password_sha256": digest.upper(), "roles": "member"},  # one role as a string; hex in capitals
             "b": {"password_sha256": "not-a-hash", "roles": ["member"]},
             "c": {"roles": ["member"]},
             "d": {"password_sha256": digest, "roles": ["Member", "admin", "public", "uploader"]},
             "e": "not a table"}
    assert access.roles_for_password(users, "a", "pw") == {"member"}
    assert access.roles_for_password(users, "b", "pw") is None
    assert access.roles_for_password(users, "c", "pw") is None
    assert access.roles_for_password(users, "d", "pw") == {"member", "uploader"}  # unknown roles are ignored
    assert access.roles_for_password(users, "e", "pw") is None
    assert access.roles_of_user(users, "d") == {"member", "uploader"} and access.roles_of_user(users, "z") is None
    assert access.password_hash("pw") == digest


def test_passwords_are_compared_in_constant_time(monkeypatch):
    calls = []
    real = access.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(access.hmac, "compare_digest", spy)
    assert access.roles_for_password(USERS, "mia", "member-pass") == {"member"}
    assert access.roles_for_password(USERS, "nobody", "x") is None  # an unknown user is compared too
    assert len(calls) == 2 and calls[0][1] == USERS["mia"]["password_sha256"].encode()


def test_email_mapping_gives_roles_and_unlisted_users_are_public():
    mapping = {"Clerk@Council.gov.uk": ["member", "uploader"], "cllr@council.gov.uk": ["member"]}
    assert access.roles_for_email(mapping, "clerk@council.gov.uk") == {"member", "uploader"}
    assert access.roles_for_email(mapping, " CLLR@council.gov.uk ") == {"member"}
    assert access.roles_for_email(mapping, "someone@example.com") == set()
    assert access.roles_for_email(mapping, None) == set() and access.roles_for_email(mapping, "") == set()
    assert access.roles_for_email(None, "clerk@council.gov.uk") == set()
    # st.user: roles only for a signed-in user whose provider has not said the address is unverified
    assert access.roles_for_oidc_user(mapping, {"is_logged_in": True, "email": "cllr@council.gov.uk"}) == {"member"}
    assert access.roles_for_oidc_user(mapping, {"email": "cllr@council.gov.uk"}) == set()  # a local run, no sign-in
    assert access.roles_for_oidc_user(mapping, {"is_logged_in": False, "email": "cllr@council.gov.uk"}) == set()
    assert access.roles_for_oidc_user(mapping, {"is_logged_in": True, "email": "cllr@council.gov.uk",
                                                "email_verified": False}) == set()


def test_upload_permission_and_modes():
    assert not access.can_upload(set(), "open")
    assert access.can_upload(set(), "open", open_upload=True)
    assert not access.can_upload({"uploader"}, "open")  # nobody signs in in open mode
    assert access.can_upload({"uploader"}, "password") and access.can_upload({"member", "uploader"}, "oidc")
    assert not access.can_upload({"member"}, "password") and not access.can_upload(set(), "oidc", open_upload=True)
    assert access.sees_restricted({"member"}) and not access.sees_restricted({"uploader"})
    assert access.auth_mode("") == "open" and access.auth_mode(" Password ") == "password"
    with pytest.raises(ValueError, match="pasword"):
        access.auth_mode("pasword")
    assert access.open_upload("1") and not access.open_upload("")
    who = access.Access("password", "uma", frozenset({"member", "uploader"}))
    assert (who.role, who.describe(), who.uploader) == ("member", "member and uploader", True)
    assert access.Access().role == "public" and not access.Access().uploader
    assert access.Access(uploads_open=True).uploader  # open mode with COMMITTEE_OPEN_UPLOAD=1


# ---- the app ------------------------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def fresh_throttle():
    """The sign-in throttle is shared by every session of the process (st.cache_resource), so also by the AppTests
    of one pytest run: each test starts with no failures counted."""
    from ui import signin

    signin.sign_in_throttle.clear()
    yield
    signin.sign_in_throttle.clear()


def private_download(at, label: str) -> list[str]:
    """Click a member's download button; return the embedded pages (st.iframe srcdoc) that save the file."""
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return [e.proto.srcdoc for e in at.get("iframe")]


def embedded_bytes(srcdoc: str) -> bytes:
    import base64
    import re

    return base64.b64decode(re.search(r"href='data:[^;']+;base64,([A-Za-z0-9+/=]+)'", srcdoc).group(1))


@pytest.fixture()
def data(tmp_path, fresh_library):
    """A library of one published paper, one exempt paper and one published paper with an exempt page."""
    folder = tmp_path / "papers"
    folder.mkdir()
    for name, text in ((PUBLIC_FILE, PUBLIC_PAPER), (SECRET_FILE, SECRET_PAPER), (MIXED_FILE, MIXED_PAPER)):
        (folder / name).write_text(text)
    assert fresh_library.ingest([folder / PUBLIC_FILE, folder / MIXED_FILE]).ok
    assert fresh_library.ingest([folder / SECRET_FILE], restricted=True).ok
    return fresh_library.settings.data_dir


@pytest.fixture()
def env(monkeypatch, data):
    """Only the variables a test sets: the fresh library and a sign-in mode."""
    for key in [k for k in os.environ if k.startswith("COMMITTEE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("COMMITTEE_DATA", str(data))

    def mode(auth: str, **more) -> None:
        monkeypatch.setenv("COMMITTEE_AUTH", auth)
        for key, value in more.items():
            monkeypatch.setenv(key, str(value))
    return mode


def run(user: dict | None = None, **secrets):
    from streamlit.testing.v1 import AppTest
    from test_app import APP

    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in secrets.items():
        at.secrets[key] = value
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at, name: str, password: str | None = None):
    at.sidebar.text_input(key="auth-name").set_value(name)
    at.sidebar.text_input(key="auth-password").set_value(PASSWORDS.get(name, "") if password is None else password)
    next(b for b in at.sidebar.button if b.label == "Sign in").click().run()
    assert not at.exception, at.exception
    return at


def papers_tab(at):
    at.session_state["page"] = "Papers"
    at.run()
    assert not at.exception, at.exception
    return [e.label for e in at.expander]


def sources(turn) -> set[str]:
    return {c.source for c in turn.answer.citations}


def sidebar_text(at) -> str:
    return "\n".join(plain(e.value) for kind in ("markdown", "caption", "warning", "error")
                     for e in getattr(at.sidebar, kind))


def assert_public_view(at) -> None:
    """A public session: the exempt fact is not found, nothing of the exempt paper shows, no uploader."""
    turn = ask(at, SECRET_FACT_Q)
    assert turn.answer.abstained, turn.answer.answer
    assert SECRET_FILE not in sources(turn)
    assert "Brackenfield" not in shown(at) and "Zanthorpe" not in shown(at)
    labels = papers_tab(at)
    assert any(PUBLIC_FILE in label for label in labels) and not any(SECRET_FILE in label for label in labels)
    assert not at.get("file_uploader")
    assert "Viewing as the public: published papers only." in sidebar_text(at)


def test_open_mode_is_public_and_offers_no_uploads(env):
    env("open")
    at = run()
    assert "2 papers · " in shown(at)  # the exempt paper is not counted
    assert_public_view(at)
    assert "Papers are added by the council's committee services team" in shown(at)
    assert not any(b.label == "Sign in" for b in at.sidebar.button)


def test_open_mode_ignores_committee_role_member(env):
    env("open", COMMITTEE_ROLE="member")  # the CLI's role is not the app's: members must sign in
    assert_public_view(run())


def test_open_mode_uploads_when_allowed(env):
    env("open", COMMITTEE_OPEN_UPLOAD=1)
    at = run()
    papers_tab(at)
    assert at.get("file_uploader") and not at.get("checkbox")  # no exempt box: only members may restrict


def test_password_mode_member_signs_in_and_the_exempt_fact_is_cited(env):
    env("password")
    at = run(committee_users=USERS)
    assert_public_view(at)  # before signing in
    at.session_state["page"] = "Chat"
    at.run()
    sign_in(at, "mia")
    assert "Signed in as mia · member" in sidebar_text(at)
    assert "Viewing as a member: exempt papers are included." in sidebar_text(at)
    assert len(at.session_state["turns"]) == 0  # the public conversation is not carried over
    assert "3 papers · " in shown(at)
    turn = ask(at, SECRET_FACT_Q)
    assert not turn.answer.abstained and SECRET_FILE in sources(turn), turn.answer.answer
    assert "Brackenfield Holdings" in shown(at)
    labels = papers_tab(at)
    assert any(SECRET_FILE in label and label.endswith("· exempt") for label in labels)
    assert not at.get("file_uploader")  # a member is not an uploader
    assert "Papers can be added by signed-in users with the uploader role" in shown(at)
    # signing out forgets the conversation: nothing exempt stays on the page
    at.session_state["page"] = "Chat"
    at.run()
    next(b for b in at.sidebar.button if b.label == "Sign out").click().run()
    assert not at.exception
    assert at.session_state["turns"] == [] and "Brackenfield" not in shown(at)
    assert "Viewing as the public" in sidebar_text(at) and "2 papers · " in shown(at)


def test_a_wrong_password_is_refused_and_the_session_stays_public(env, monkeypatch):
    env("password")
    at = run(committee_users=USERS)
    sign_in(at, "mia", "guess")
    assert [plain(e.value) for e in at.sidebar.error] == ["That user name and password do not match; please "
                                                           "try again."]
    sign_in(at, "nobody", "member-pass")
    assert len(at.sidebar.error) == 1 and "Signed in as" not in sidebar_text(at)
    assert_public_view(at)


def test_an_uploader_sees_the_uploader_and_a_public_user_does_not(env):
    env("password")
    at = sign_in(run(committee_users=USERS), "pat")
    assert "Signed in as pat · public" in sidebar_text(at)
    assert_public_view(at)
    at = sign_in(run(committee_users=USERS), "uma")
    assert "Signed in as uma · public and uploader" in sidebar_text(at)
    labels = papers_tab(at)
    assert at.get("file_uploader") and not at.get("checkbox")  # may add papers, but not mark them exempt
    assert not any(SECRET_FILE in label for label in labels)


def test_an_uploader_who_is_not_a_member_cannot_publish_an_exempt_paper(env, data):
    env("password")
    at = sign_in(run(committee_users=USERS), "uma")
    papers_tab(at)
    at.file_uploader(key="upload-files").set_value([("depot.txt", SECRET_PAPER.encode(), "text/plain")])
    next(b for b in at.button if b.label == "Add to the library").click().run()
    assert not at.exception, at.exception
    text = shown(at)
    assert "depot.txt is already in the library, so it was skipped." in text and SECRET_FILE not in text
    from index.registry import Registry

    secret = [d for d in Registry(data / "registry.sqlite").documents(True) if d.source == SECRET_FILE]
    assert len(secret) == 1 and secret[0].restricted == 1  # still exempt
    at.session_state["page"] = "Chat"
    at.run()
    assert SECRET_FILE not in sources(ask(at, SECRET_FACT_Q))


def test_without_a_user_list_password_mode_says_so_and_is_public(env):
    env("password")
    at = run()
    assert "Sign-in is not set up (no committee_users" in sidebar_text(at)
    assert_public_view(at)


def test_an_unknown_mode_stops_the_app(env):
    env("secret-handshake")
    at = run()
    assert [plain(e.value) for e in at.error] == ["COMMITTEE_AUTH='secret-handshake' is not a sign-in mode; use one "
                                                  "of open, password, oidc."]
    assert not at.chat_input


def test_oidc_roles_come_from_the_email(env):
    env("oidc")
    roles = {"clerk@council.gov.uk": ["member", "uploader"], "test@example.com": ["member"]}
    at = run(committee_roles=roles)  # a local run reports test@example.com without anyone signing in
    assert "Sign-in is not set up (no [auth] section" in sidebar_text(at)
    assert_public_view(at)
    at = run({"is_logged_in": True, "email": "Clerk@Council.gov.uk", "name": "Chris Clerk"}, committee_roles=roles)
    assert "Signed in as Chris Clerk · member and uploader" in sidebar_text(at)
    turn = ask(at, SECRET_FACT_Q)
    assert SECRET_FILE in sources(turn) and not turn.answer.abstained
    papers_tab(at)
    assert at.get("file_uploader") and at.get("checkbox")  # a member uploader may mark papers exempt
    at = run({"is_logged_in": True, "email": "visitor@example.com", "name": "Vi"}, committee_roles=roles)
    assert "Signed in as Vi · public" in sidebar_text(at)
    assert_public_view(at)


def test_an_exempt_page_of_a_published_paper_is_not_shown_or_downloadable_to_the_public(env, data):
    from index.registry import Registry

    env("password")
    doc_id = next(d.doc_id for d in Registry(data / "registry.sqlite").documents() if d.source == MIXED_FILE)
    at = run(committee_users=USERS)
    turn = ask(at, "What was the Zanthorpe Surfacing tender price for the pothole repairs?")
    assert turn.answer.abstained and "1.9 million" not in shown(at)
    assert all(c.pages == [1] for c in turn.answer.citations if c.source == MIXED_FILE)
    at.session_state["page"] = "Decisions"
    at.run()
    minutes = at.dataframe[0].value
    assert list(minutes[minutes["Paper"] == MIXED_FILE]["Minute"]) == ["1"]  # minute 2 is exempt
    papers_tab(at)
    at.session_state[f"paper-{doc_id}"] = True
    at.run()
    at.number_input(key=f"page-{doc_id}").set_value(1).run()
    assert "pothole repair programme for 2020-21" in "\n".join(t.value for t in at.text)
    assert f"{MIXED_FILE} has pages that are exempt from publication, so only members can download it." in shown(at)
    assert not [b for b in at.get("download_button") if b.label == "Download the paper"]
    at.number_input(key=f"page-{doc_id}").set_value(2).run()
    assert f"Page 2 of {MIXED_FILE} is exempt from publication, so only members can see it." in shown(at)
    assert "Zanthorpe" not in "\n".join(t.value for t in at.text)
    # a member sees the page and may download the paper
    sign_in(at, "mia")
    papers_tab(at)
    at.session_state[f"paper-{doc_id}"] = True
    at.run()
    at.number_input(key=f"page-{doc_id}").set_value(2).run()
    assert "Zanthorpe Surfacing tender" in "\n".join(t.value for t in at.text)
    # the paper has an exempt page, so the member's download is carried in the page, never by a /media URL, and
    # only on the run its button was clicked in
    assert not [b for b in at.get("download_button") if b.label == "Download the paper"] and not at.get("iframe")
    (frame,) = private_download(at, "Download the paper")
    assert f"download='{MIXED_FILE}'" in frame and "href='data:text/plain;base64," in frame
    assert embedded_bytes(frame) == MIXED_PAPER.encode()
    at.run()
    assert not at.get("iframe")  # the next run takes the bytes out of the page again
    at.session_state["page"] = "Decisions"
    at.run()
    minutes = at.dataframe[0].value
    assert list(minutes[minutes["Paper"] == MIXED_FILE]["Minute"]) == ["1", "2"]


# ---- sign-in throttling shared by every session --------------------------------------------------------------
class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_parallel_wrong_passwords_are_throttled_together():
    import threading

    clock = FakeClock()
    throttle = access.SignInThrottle(clock)
    results, barrier = [], threading.Barrier(6)

    def guess():
        barrier.wait()
        results.append(throttle.begin("Mia", "10.0.0.7"))

    threads = [threading.Thread(target=guess) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r == 0 for r in results) == [False, False, False, True, True, True]  # 3 checked, 3 refused
    assert throttle.begin("mia ", "10.9.9.9") > 0  # the same user from another address waits too
    assert throttle.begin("ann", "10.0.0.7") > 0  # and another user from the same address
    clock.now += throttle.FIRST_WAIT_S + 0.1
    assert throttle.begin("mia", "10.0.0.7") == 0  # one more try, then a longer wait
    assert throttle.begin("mia", "10.0.0.7") >= 2 * throttle.FIRST_WAIT_S - 0.2


def test_lockout_after_repeated_failures_then_it_expires_and_success_clears():
    clock = FakeClock()
    throttle = access.SignInThrottle(clock)
    for _ in range(throttle.LOCKOUT_FAILURES):  # each guess as soon as it is allowed
        wait = throttle.begin("nobody", "10.0.0.8")
        if wait:
            clock.now += wait + 0.01
            assert throttle.begin("nobody", "10.0.0.8") == 0
    assert throttle.begin("nobody", "10.0.0.8") > throttle.MAX_WAIT_S  # locked out, unknown user or not
    clock.now += throttle.LOCKOUT_S + 1
    assert throttle.begin("nobody", "10.0.0.8") == 0
    throttle.succeeded("nobody", "10.0.0.8")
    assert throttle.begin("nobody", "10.0.0.8") == 0


def test_refusals_are_the_same_for_known_and_unknown_users():
    clock = FakeClock()
    a, b = access.SignInThrottle(clock), access.SignInThrottle(clock)
    waits_known = [a.begin("mia", "10.0.0.1") for _ in range(5)]
    waits_unknown = [b.begin("nobody-at-all", "10.0.0.1") for _ in range(5)]
    assert waits_known == waits_unknown


def test_four_sessions_guessing_one_users_password_at_once_are_throttled_together():
    """Four browser sessions (threads) from four addresses guess mia's password at the same moment: the user's
    counter is shared, so only FREE_ATTEMPTS of them are checked, and then every address waits."""
    import threading

    clock = FakeClock()
    throttle = access.SignInThrottle(clock)
    names = ["mia", "Mia", " MIA ", "mIa"]  # one user, however it is typed
    results: dict[int, float] = {}
    barrier = threading.Barrier(len(names))

    def session(n: int) -> None:
        barrier.wait()
        results[n] = throttle.begin(names[n], f"192.0.2.{n + 1}")

    threads = [threading.Thread(target=session, args=(n,)) for n in range(len(names))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = [n for n, wait in results.items() if wait == 0]
    assert len(checked) == throttle.FREE_ATTEMPTS and len(results) == 4
    refused = next(wait for wait in results.values() if wait)
    assert refused == pytest.approx(throttle.FIRST_WAIT_S)
    for n in range(4):  # now every session waits, from any address, whatever the password
        assert throttle.begin("mia", f"192.0.2.{n + 1}") == pytest.approx(throttle.FIRST_WAIT_S)
    assert throttle.begin("mia", "198.51.100.9") > 0  # a fifth address too
    clock.now += throttle.FIRST_WAIT_S
    assert throttle.begin("mia", "192.0.2.1") == 0  # one more check once the wait is over ...
    assert throttle.begin("mia", "192.0.2.2") == pytest.approx(2 * throttle.FIRST_WAIT_S)  # ... then twice as long
    clock.now += 2 * throttle.FIRST_WAIT_S
    assert throttle.begin("mia", "192.0.2.3") == 0
    throttle.succeeded("mia", "192.0.2.3")  # the right password clears the user's count
    assert throttle.begin("mia", "192.0.2.4") == 0


def test_an_unknown_user_is_throttled_and_told_exactly_what_a_known_one_is():
    clock = FakeClock()
    known, unknown = access.SignInThrottle(clock), access.SignInThrottle(clock)
    answers = []
    while not answers or answers[-1] <= known.MAX_WAIT_S:  # guess, or wait as told, until locked out
        a, b = known.begin("mia", "203.0.113.5"), unknown.begin("no-such-user", "203.0.113.5")
        assert a == b and known.refusal(a) == unknown.refusal(b)
        answers.append(a)
        clock.now += a
    assert answers.count(0) == known.LOCKOUT_FAILURES
    assert [w for w in answers if w][:4] == [2.0, 4.0, 8.0, 16.0]  # FIRST_WAIT_S, doubling
    assert known.refusal(2.2) == "Too many failed sign-ins; try again in 3 seconds."
    assert known.refusal(0.4) == "Too many failed sign-ins; try again in 1 second."
    assert known.refusal(answers[-1]) == f"Too many failed sign-ins; try again in {int(known.LOCKOUT_S)} seconds."


def test_a_lockout_holds_for_its_time_then_expires():
    clock = FakeClock()
    throttle = access.SignInThrottle(clock)
    failures = 0
    while failures < throttle.LOCKOUT_FAILURES:  # each guess the moment it is allowed
        wait = throttle.begin("ann", None)
        clock.now += wait
        failures += not wait
    until = clock.now + throttle.LOCKOUT_S
    assert throttle.begin("ann", None) == pytest.approx(throttle.LOCKOUT_S)  # no address: one shared key
    assert throttle.begin("someone-else", None) == pytest.approx(throttle.LOCKOUT_S)
    clock.now = until - 1
    assert throttle.begin("ann", "10.1.1.1") == pytest.approx(1)  # the user stays locked from anywhere
    clock.now = until
    assert throttle.begin("ann", "10.1.1.1") == 0 and throttle.begin("someone-else", None) == 0


def test_throttle_forgets_what_is_older_than_its_window():
    clock = FakeClock()
    throttle = access.SignInThrottle(clock)
    for n in range(50):
        throttle.begin(f"sprayed-{n}", f"10.2.0.{n}")
    clock.now += throttle.WINDOW_S
    throttle._sweep(clock.now)
    assert throttle._failures == {}


def test_a_refused_sign_in_is_not_checked_and_reads_the_same_for_every_user(env, monkeypatch, caplog):
    """In the app: after FREE_ATTEMPTS failures the next attempt, even with the right password, is refused without
    the password being looked at, in the same words for a known and an unknown user name; the failures are logged
    with the name and the address but never the password."""
    import logging

    from ui import signin

    clock = FakeClock()
    checked: list[str] = []
    real = access.roles_for_password

    def spy(users, name, password):
        checked.append(name)
        return real(users, name, password)

    monkeypatch.setattr(access, "roles_for_password", spy)
    env("password")
    said, throttles = {}, {}
    for name in ("mia", "nobody"):
        throttle = throttles[name] = access.SignInThrottle(clock)
        monkeypatch.setattr(signin, "sign_in_throttle", lambda t=throttle: t)
        checked.clear()
        at = run(committee_users=USERS)
        with caplog.at_level(logging.WARNING, logger="committee.access"):
            for guess in ("wrong-1", "wrong-2", "wrong-3"):
                sign_in(at, name, guess)
        assert checked == [name] * 3
        sign_in(at, name, PASSWORDS.get(name, "member-pass"))  # the right password (for mia), during the wait
        assert checked == [name] * 3, "a refused attempt must not be checked"
        said[name] = [plain(e.value) for e in at.sidebar.error]
        assert "Signed in as" not in sidebar_text(at)
    assert said["mia"] == said["nobody"] == [f"Too many failed sign-ins; try again in "
                                             f"{int(access.SignInThrottle.FIRST_WAIT_S)} seconds."]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "failed sign-in for 'mia' from unknown" in logged and "'nobody'" in logged
    assert "wrong-" not in logged and "member-pass" not in logged
    clock.now += access.SignInThrottle.FIRST_WAIT_S  # the wait is over: the right password signs mia in
    monkeypatch.setattr(signin, "sign_in_throttle", lambda t=throttles["mia"]: t)
    at = sign_in(run(committee_users=USERS), "mia")
    assert "Signed in as mia" in sidebar_text(at) and checked == ["nobody"] * 3 + ["mia"]


def test_register_csvs_have_the_records_columns_and_prefix_formulas():
    """The app's Decisions and Actions downloads and the CLI's --format csv come from one exporter: the record's
    columns, every formula-like cell read as text, and a byte-order mark for spreadsheets."""
    import csv
    import io

    from assistant.exports import csv_bytes
    from ingest.records import ActionEntry, ActionOrigin, ActionStatus, Decision

    decision = Decision("@SUM(1)", "2020-03-05", "7", '=HYPERLINK("http://evil.example","Click")',
                        "+cmd|' /C calc'!A0", "-2+3", "\tTab", "\rpaper.pdf", [3, 4], "d1")
    action = ActionEntry("@SUM(1)", "2020-03-05", "7", "Plain", "=1+1", "@SUM(A1)", "-x", "+open", "", "",
                         "paper.pdf", ActionStatus.OPEN, ActionOrigin.LOG, [3, 4], "d1")
    for record in (decision, action):
        data = csv_bytes([record])
        assert data.startswith(b"\xef\xbb\xbf")  # the BOM, so spreadsheets read the pound sign and dashes right
        header, row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert header == type(record).columns()
        assert not [c for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        cells = dict(zip(header, row))
        assert cells["pages"] == "3–4" and cells["meeting_date"] == "2020-03-05"
    cells = dict(zip(*csv.reader(io.StringIO(csv_bytes([decision]).decode("utf-8-sig")))))
    assert cells["title"] == """'=HYPERLINK("http://evil.example","Click")"""
    assert cells["resolution"] == """'+cmd|' /C calc'!A0"""
    assert (cells["vote"], cells["committee"], cells["item"], cells["source"]) == ("'-2+3", "'@SUM(1)", "'\tTab",
                                                                                   "'\rpaper.pdf")
    assert dict(zip(*csv.reader(io.StringIO(csv_bytes([action]).decode("utf-8-sig")))))["state"] == "open"


def test_conversation_export_carries_no_live_html():
    from assistant.models import Answer, Citation
    from ui.chat import Turn, conversation_markdown

    c = Citation(number=1, source="x.pdf", pages=[1], committee="<b>C</b>", meeting_date=None, item=None,
                 item_title="", minute=None, doc_type="report", text="<script>alert(1)</script> [a](javascript:x)",
                 score=1.0)
    md = conversation_markdown([Turn("<img src=x onerror=alert(1)>?", "all papers",
                                     Answer(question="q", answer="<iframe src=javascript:alert(1)>", abstained=False,
                                            citations=[c]))])
    assert "<script" not in md and "<img" not in md and "<iframe" not in md and "javascript:" not in md


def test_conversation_export_renders_without_live_html_or_script_links():
    """Rendered by a Markdown viewer that lets raw HTML through and filters no link: nothing from a question, an
    answer, a citation label or a paper's snippet becomes an element, an event handler or a script link (a
    viewer decodes ``&#58;`` and ``\\:`` in a link's target, so those alone would not do)."""
    import re

    from markdown_it import MarkdownIt

    from assistant.models import Answer, Citation
    from ui.chat import Turn, conversation_markdown

    evil = ("<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) "
            "[b](JaVaScRiPt\\:alert(4)) <a href='javascript:alert(5)'>x</a> [c]: vbscript:msgbox(6) "
            "![i](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(7)>")
    c = Citation(number=1, source=f"{evil}.pdf", pages=[2], committee=evil, meeting_date="2020-03-05", item="3",
                 item_title=evil, minute="7", doc_type="report", text=evil, score=1.0)
    md = conversation_markdown([Turn(evil, f"committee {evil}",
                                     Answer(question=evil, answer=f"{evil} [1]", abstained=False, citations=[c])),
                                Turn(evil, "all papers", error=evil)])
    viewer = MarkdownIt("commonmark", {"html": True})
    viewer.validateLink = lambda url: True
    page = viewer.render(md + "\n[c]\n")
    tags = set(re.findall(r"<([a-z0-9]+)", page))
    assert tags <= {"h1", "h2", "p", "em", "strong", "blockquote", "a"}, tags
    links = re.findall(r'(?:href|src)="([^"]*)"', page)
    assert not [u for u in links if re.match(r"(?i)\s*(javascript|vbscript|data):", u)], links
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(2)&gt;" in page  # text


def test_exempt_page_images_and_downloads_reach_a_member_only_inside_the_page(env, data, fresh_library, tmp_path):
    """Streamlit serves st.image and st.download_button bytes at /media URLs to anyone holding them: exempt ones
    must be embedded in the member's page instead, and a public session gets neither."""
    from test_exempt import _pdf

    pdf = _pdf(tmp_path / "depot-sale.pdf", [["Highways Committee", "Meeting Date: 5 March 2020", "The library."],
                                              ["NOT FOR PUBLICATION", "Brackenfield Holdings will buy the depot."]])
    assert fresh_library.ingest([pdf]).ok
    doc_id = fresh_library.doc_id_for(pdf)
    env("password")
    at = sign_in(run(committee_users=USERS), "mia")
    papers_tab(at)
    at.session_state[f"paper-{doc_id}"] = True
    at.run()
    at.number_input(key=f"page-{doc_id}").set_value(2).run()
    assert not at.exception, at.exception
    assert not at.get("image") and not [b for b in at.get("download_button") if b.label == "Download the paper"]
    embedded = [m.value for m in at.markdown if "data:image/png;base64," in m.value]
    assert embedded and "depot-sale.pdf, PDF page 2 of 2" in embedded[0]
    (frame,) = private_download(at, "Download the paper")
    assert "href='data:application/pdf;base64," in frame and embedded_bytes(frame) == pdf.read_bytes()
    at.number_input(key=f"page-{doc_id}").set_value(1).run()  # a published page keeps Streamlit's media URL
    assert at.get("image") and not [m for m in at.markdown if "data:image/png;base64," in m.value]
    public = run(committee_users=USERS)
    papers_tab(public)
    public.session_state[f"paper-{doc_id}"] = True
    public.run()
    public.number_input(key=f"page-{doc_id}").set_value(2).run()
    assert not [m for m in public.markdown if "data:" in m.value] and not public.get("image")
    assert "exempt from publication, so only members can see it" in shown(public)
