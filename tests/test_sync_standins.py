"""The stand-ins refuse what the real servers refuse, as their sources say (see each module's
docstring in tests/servers/): a client that sends what the real one would refuse fails here
too, rather than passing against a lenient stand-in."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.servers.apiserver import Served, running
from tests.servers.greader import GReader
from tests.servers.miniflux import Miniflux
from tests.servers.nextcloud import BASE, Nextcloud

USER, PASSWORD = "reader", "secret"


def seeded(server: Served) -> Served:
    accounts = server.accounts
    accounts.add_user(USER, PASSWORD)
    feed = accounts.add_feed(USER, "Feed", "Tech")
    accounts.add_entries(USER, feed, 3)
    return server


@pytest.fixture
def miniflux() -> Iterator[httpx.Client]:
    with running(seeded(Miniflux())) as server:
        yield httpx.Client(base_url=server.url, auth=(USER, PASSWORD))


@pytest.fixture
def nextcloud() -> Iterator[httpx.Client]:
    with running(seeded(Nextcloud())) as server:
        yield httpx.Client(base_url=server.url + BASE, auth=(USER, PASSWORD))


def test_miniflux_refuses_bad_credentials_and_bad_parameters(miniflux: httpx.Client) -> None:
    for auth in [None, (USER, "wrong"), (USER, "")]:
        answer = miniflux.get("/v1/me", auth=auth or httpx.Auth())
        assert answer.status_code == 401
        assert answer.json() == {"error_message": "access unauthorized"}
    assert miniflux.get("/v1/me").json()["username"] == USER
    for query in ["limit=1001", "offset=-1", "status=gone", "order=random", "direction=up"]:
        assert miniflux.get("/v1/entries?" + query).status_code == 400, query
    assert miniflux.get("/v1/entries/ids?starred=yes").status_code == 400
    assert miniflux.put("/v1/entries", json={"entry_ids": []}).status_code == 400
    assert miniflux.put("/v1/entries", json={"entry_ids": [1]}).status_code == 400
    assert miniflux.put("/v1/entries", content=b"{not json").status_code == 400
    assert miniflux.put("/v1/feeds/99/mark-all-as-read").status_code == 404
    # limit=0 is the maximum; the total counts every match, not the page.
    page = miniflux.get("/v1/entries?limit=1&offset=1&order=id").json()
    assert page["total"] == 3 and [e["id"] for e in page["entries"]] == [2]
    # The bookmark route toggles.
    miniflux.put("/v1/entries/1/bookmark")
    miniflux.put("/v1/entries/1/bookmark")
    miniflux.put("/v1/entries/2/bookmark")
    assert miniflux.get("/v1/entries/ids?starred=true").json()["entry_ids"] == [2]


def test_old_miniflux_has_no_id_listing_and_no_starred_field() -> None:
    with running(seeded(Miniflux(legacy=True))) as server:
        client = httpx.Client(base_url=server.url, auth=(USER, PASSWORD))
        answer = client.get("/v1/entries/ids")
        assert answer.status_code == 400 and answer.json()["error_message"] == "invalid entry ID"
        starring = client.put("/v1/entries", json={"entry_ids": [1], "starred": True})
        assert starring.status_code == 400


def test_nextcloud_refuses_bad_credentials_and_pages_by_id(nextcloud: httpx.Client) -> None:
    wrong: list[httpx.Auth | tuple[str, str]] = [httpx.Auth(), (USER, "wrong")]
    for auth in wrong:
        answer = nextcloud.get("/feeds", auth=auth)
        assert answer.status_code == 401
        assert answer.json() == {"message": "Current user is not logged in"}
    assert nextcloud.post("/items/read", json={}).status_code == 400  # newestItemId needed
    assert nextcloud.post("/feeds/77/read", json={"newestItemId": 3}).status_code == 404
    assert nextcloud.get("/items?type=9").status_code == 400
    refused = nextcloud.get("/items?type=2&getRead=false").json()
    assert "not allowed" in refused["message"]
    # Newest first; offset keeps the ids below it; batchSize -1 is everything.
    assert [i["id"] for i in nextcloud.get("/items?batchSize=2").json()["items"]] == [3, 2]
    assert [i["id"] for i in nextcloud.get("/items?offset=3").json()["items"]] == [2, 1]
    nextcloud.post("/items/star/multiple", json={"itemIds": [1, 99]})  # unknown ids skipped
    assert [i["id"] for i in nextcloud.get("/items?type=2").json()["items"]] == [1]
    # v1-3 changes marks with POST; the PUT routes were v1-2's.
    assert nextcloud.put("/items/read/multiple", json={"itemIds": [1]}).status_code == 405


@pytest.mark.parametrize("flavour", ["miniflux", "freshrss"])
def test_greader_refuses_requests_without_the_session(flavour: str) -> None:
    with running(seeded(GReader(flavour))) as server:
        base = server.url + ("/api/greader.php" if flavour == "freshrss" else "")
        refused = httpx.post(base + "/accounts/ClientLogin", data={"Email": USER, "Passwd": "x"})
        assert refused.status_code == 401
        login = httpx.post(base + "/accounts/ClientLogin", data={"Email": USER, "Passwd": PASSWORD})
        auth = dict(line.split("=", 1) for line in login.text.splitlines())["Auth"]
        header = {"Authorization": f"GoogleLogin auth={auth}"}
        api = base + "/reader/api/0"
        assert httpx.get(api + "/subscription/list?output=json").status_code == 401
        wrong = {"Authorization": f"GoogleLogin auth={USER}/0000"}
        assert httpx.get(api + "/subscription/list?output=json", headers=wrong).status_code == 401
        token = httpx.get(api + "/token", headers=header).text.strip()
        entries = server.accounts.users[USER].entries
        first = min(entries)
        item = f"tag:google.com,2005:reader/item/{first:016x}"
        edit = {"T": token, "a": "user/-/state/com.google/read", "i": item}
        if flavour == "miniflux":
            # GET needs the header, POST the form's T: the header alone does not do.
            assert httpx.get(api + "/subscription/list", headers=header).status_code == 400
            assert (
                httpx.post(api + "/edit-tag", headers=header, data={"i": item}).status_code == 401
            )
            assert httpx.post(api + "/edit-tag", data={"T": token, "i": item}).status_code == 500
            assert not entries[first].read
            assert httpx.post(api + "/edit-tag", data=edit).text == "OK"
        else:
            # FreshRSS: the header on every request, and T must match the one handed out.
            assert httpx.post(api + "/edit-tag", data=edit).status_code == 401
            bad = {**edit, "T": "Z" * 57}
            assert httpx.post(api + "/edit-tag", headers=header, data=bad).status_code == 401
            assert not entries[first].read
            assert httpx.post(api + "/edit-tag", headers=header, data=edit).text == "OK"
        assert entries[first].read
