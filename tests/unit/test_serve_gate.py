"""The admission rules of `soutenance serve` (tests/e2e checks them on a real server), and the
textual-serve behaviour they rely on."""

from __future__ import annotations

import socket
from importlib import resources

import pytest

from soutenance.ui.web import DownloadOwners, make_gate, split_authority

LOCAL = make_gate(host="127.0.0.1", port=8000, public_url=None, token="secret", max_tabs=8)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:8000",
        "localhost:8000",
        "LOCALHOST:8000",
        "[::1]:8000",
        "127.0.0.1",
        "10.0.0.2:80",
    ],
)
def test_addresses_and_localhost_are_admitted(host: str) -> None:
    assert LOCAL.host_allowed(host)


@pytest.mark.parametrize(
    "host",
    [
        None,
        "",
        "attacker.example:8000",
        "attacker.example",
        "127.0.0.1.nip.io:8000",  # a public name that resolves to 127.0.0.1
        "localhost.attacker.example:8000",
        "user@127.0.0.1:8000",
        "127.0.0.1:8000/x",
        "127.0.0.1:99999",
        "127.0.0.1:8000\r\nX: y",
    ],
)
def test_other_names_are_refused(host: str | None) -> None:
    assert not LOCAL.host_allowed(host)


def test_a_wildcard_bind_answers_to_this_machines_name_and_public_url_to_its_own() -> None:
    everywhere = make_gate(host="0.0.0.0", port=8000, public_url=None, token=None, max_tabs=8)
    assert everywhere.host_allowed(f"{socket.gethostname()}:8000")
    proxied = make_gate(
        host="127.0.0.1",
        port=8000,
        public_url="https://oral.school.example",
        token=None,
        max_tabs=8,
    )
    assert proxied.host_allowed("oral.school.example")
    assert not proxied.host_allowed("school.example")


def test_the_websocket_origin_is_the_address_the_browser_used() -> None:
    assert LOCAL.origin_allowed("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert LOCAL.origin_allowed("http://localhost:8000", "localhost:8000")
    assert not LOCAL.origin_allowed("http://localhost:8000", "127.0.0.1:8000")
    assert not LOCAL.origin_allowed("http://127.0.0.1:8001", "127.0.0.1:8000")
    assert not LOCAL.origin_allowed("https://127.0.0.1:8000", "127.0.0.1:8000")
    assert not LOCAL.origin_allowed("null", "127.0.0.1:8000")
    assert not LOCAL.origin_allowed(None, "127.0.0.1:8000")
    assert LOCAL.origin_allowed("http://example.org", "example.org")  # port 80 both ways
    proxied = make_gate(
        host="127.0.0.1", port=8000, public_url="https://oral.example/", token=None, max_tabs=8
    )
    assert proxied.origin_allowed("https://oral.example", "127.0.0.1:8000")
    assert proxied.origin_allowed("https://oral.example:443", "oral.example")
    assert not proxied.origin_allowed("https://other.example", "127.0.0.1:8000")


def test_the_token_from_the_query_or_the_cookie_of_this_port() -> None:
    assert LOCAL.admitted({"token": "secret"}, {})
    assert LOCAL.admitted({}, {"soutenance-token-8000": "secret"})
    assert not LOCAL.admitted({}, {"soutenance-token-8001": "secret"})
    assert not LOCAL.admitted({"token": "secre"}, {"soutenance-token-8000": "secrets"})
    assert not LOCAL.admitted({}, {})
    open_gate = make_gate(host="127.0.0.1", port=8000, public_url=None, token=None, max_tabs=8)
    assert open_gate.admitted({}, {})


def test_a_download_link_is_claimed_once_by_the_tab_that_made_it() -> None:
    owners = DownloadOwners()
    mine, new = owners.secret_of("tab-1")
    assert new and owners.secret_of("tab-1") == (mine, False)
    theirs, _ = owners.secret_of("tab-2")
    owners.owners["key"] = mine
    assert owners.claim("key", theirs) == "other_tab"
    assert owners.claim("key", None) == "other_tab"
    assert owners.claim("key", mine) == "ok"
    assert owners.claim("key", mine) == "unknown"
    owners.owners["later"] = mine
    owners.forget_tab("tab-1")  # the tab closed
    assert owners.claim("later", mine) == "unknown"


def test_split_authority() -> None:
    assert split_authority("[::1]:8000") == ("::1", 8000)
    assert split_authority("Example.ORG.") == ("example.org", None)


def test_textual_js_adds_the_tabs_instance_id_to_its_download_links() -> None:
    """web.py binds links to tabs through this part of textual-serve's page script."""
    script = (resources.files("textual_serve") / "static" / "js" / "textual.js").read_text()
    assert 'case"instance_id":this.instance=' in script
    assert "?instance=${this.instance}" in script
    assert "/download/${" in script
