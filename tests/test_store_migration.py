"""Upgrading from the two-key layout of version 0.1 keeps every conversation, above all every opt-out."""

from __future__ import annotations

import hashlib
import hmac
import json

from bot.identity import address_key, pseudonym
from bot.state import State
from bot.store import RedisStore, embedded, key
from bot.store_migration import migrate, new_pid

PEPPER = b"a pepper used by version 0.1 and today"
OPTED_OUT, TALKING, GARBLED = "+15550100701", "+15550100702", "+15550100703"  # fictional


def old_pid(sender: str) -> str:
    """The pseudonym version 0.1 used: the whole HMAC, in hex."""
    return hmac.new(PEPPER, address_key(sender).encode(), hashlib.sha256).hexdigest()


def test_old_conversations_move_to_the_new_key_with_their_ttl_and_opt_out() -> None:
    client = embedded()
    client.set(f"hb:{{{old_pid(OPTED_OUT)}}}:state", '7:{"node":"menu","lang":"es","opted_out":true,"last_seen":5}',
               ex=300 * 86400)
    client.hset(f"hb:{{{old_pid(OPTED_OUT)}}}:seen", "SM1", '{"before":null,"at":1}')
    client.set(f"hb:{{{old_pid(TALKING)}}}:state", '2:{"node":"signs","lang":"en","opted_out":false,"last_seen":9}',
               ex=1200)
    client.set(f"hb:{{{old_pid(GARBLED)}}}:state", "not ours", ex=60)
    client.set("unrelated", "kept")

    assert migrate(client) == (2, 1)
    assert new_pid(old_pid(OPTED_OUT)) == pseudonym(PEPPER, OPTED_OUT)  # found again without the number
    store = RedisStore(client, 3600, 365 * 86400)
    assert store.load(pseudonym(PEPPER, OPTED_OUT), "m").state == State(node="menu", lang="es", opted_out=True,
                                                                        last_seen=5)
    assert client.ttl(key(pseudonym(PEPPER, OPTED_OUT))) > 299 * 86400
    assert store.load(pseudonym(PEPPER, TALKING), "m").state.node == "signs"
    assert sorted(k.decode() for k in client.scan_iter()) == sorted(
        ["unrelated", key(pseudonym(PEPPER, OPTED_OUT)), key(pseudonym(PEPPER, TALKING))])
    assert migrate(client) == (0, 0)  # idempotent


def test_a_conversation_already_in_the_new_layout_is_not_overwritten() -> None:
    client = embedded()
    newer = f"3:{json.dumps([State(node='talk', opted_out=False).pack()])}"
    client.set(key(pseudonym(PEPPER, TALKING)), newer, ex=100)
    client.set(f"hb:{{{old_pid(TALKING)}}}:state", '9:{"node":"menu","opted_out":true}', ex=100)
    migrate(client)
    assert client.get(key(pseudonym(PEPPER, TALKING))).decode() == newer
