"""The real coldsweat fixture: its Fever API checks the key, serves what was seeded, stops."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest

from tests.servers import Article, Feed
from tests.servers.coldsweat import Coldsweat


def fever(server: Coldsweat, query: str, password: str | None = None) -> dict[str, Any]:
    secret = f"{server.user}:{server.password if password is None else password}"
    key = hashlib.md5(secret.encode()).hexdigest()
    answer = httpx.post(f"{server.url}?api&{query}", data={"api_key": key}, timeout=10)
    answer.raise_for_status()
    result: dict[str, Any] = answer.json()
    return result


def test_the_key_of_the_user_and_password_is_accepted_and_another_refused(
    coldsweat: Coldsweat,
) -> None:
    assert fever(coldsweat, "")["auth"] == 1
    assert fever(coldsweat, "", password="not it")["auth"] == 0


def test_seeded_items_and_marks_show_through_the_api(coldsweat: Coldsweat) -> None:
    seeded = coldsweat.seed(
        feeds=[Feed("Ports", category="World")],
        articles=[
            Article("Ports", "Strike ends", published=1_700_000_000),
            Article("Ports", "Cranes back", read=True, starred=True),
        ],
    )
    first, second = seeded.articles
    items = {i["id"]: i for i in fever(coldsweat, "items")["items"]}
    assert set(items) == {first, second}
    assert items[first]["created_on_time"] == 1_700_000_000
    assert (items[second]["is_read"], items[second]["is_saved"]) == (1, 1)
    groups = fever(coldsweat, "groups")
    assert {g["title"]: g["id"] for g in groups["groups"]}["World"] == seeded.categories["World"]
    coldsweat.set_state([first], starred=True)
    coldsweat.set_state([second], read=False)
    saved = fever(coldsweat, "saved_item_ids")["saved_item_ids"]
    assert sorted(int(i) for i in saved.split(",")) == [first, second]
    assert coldsweat.unread_ids() == {first, second}


def test_stop_refuses_connections_and_start_serves_again(coldsweat: Coldsweat) -> None:
    coldsweat.stop()
    with pytest.raises(httpx.ConnectError):
        fever(coldsweat, "")
    coldsweat.start()
    assert fever(coldsweat, "")["auth"] == 1
