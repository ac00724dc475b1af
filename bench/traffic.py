"""Realistic, correctly signed Twilio webhook traffic for the HTTP benchmark.

A mix of conversations, each a sender's messages in order: a first "hi" and a walk through the menu, Spanish
texters, ZIP code look-ups and paging, free text, and Twilio retries (the same MessageSid sent again).
Senders are fictional (+1 555-01xx ranges spread over many numbers so no rate limit is reached).
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

WALKS = (  # (share of conversations, messages)
    (0.30, ["hi", "1", "0", "3", "8", "menu", "6"]),
    (0.20, ["hola", "3", "8", "0", "2", "7", "8"]),
    (0.15, ["hi", "4", "77002", "more", "1", "90210"]),
    (0.10, ["hola", "4", "10001", "más", "refugio"]),
    (0.10, ["my boss took my passport", "help please", "i'm scared of being deported", "what is this"]),
    (0.10, ["necesito ayuda", "no me pagan", "me amenazan", "gracias"]),
    (0.05, ["hi", "2", "i'm trapped", "0"]),
)
RETRY_SHARE = 0.02  # messages Twilio sends twice (the first reply did not arrive)
TO = "+15550100999"


@dataclass(frozen=True)
class Request:
    """One webhook call, ready to send: form body and signature."""

    body: bytes
    signature: str
    sender: str


def conversations(count: int, seed: int = 9) -> list[list[str]]:
    """`count` conversations' messages, drawn from WALKS by their shares."""
    rng = random.Random(seed)
    weights = [share for share, _ in WALKS]
    return [list(rng.choices([walk for _, walk in WALKS], weights)[0]) for _ in range(count)]


def signed_requests(url: str, token: str, count: int, seed: int = 9) -> list[list[Request]]:
    """Per conversation, its requests in order (a retried message appears twice, identical)."""
    rng = random.Random(seed)
    validator = RequestValidator(token)
    account, service = "AC" + secrets.token_hex(16), "MG" + secrets.token_hex(16)
    result = []
    for number, messages in enumerate(conversations(count, seed)):
        sender = f"+1555{1000000 + number:07d}"  # fictional: the 555 exchange
        requests = []
        for text in messages:
            form = {"MessageSid": "SM" + rng.randbytes(16).hex(), "AccountSid": account,
                    "MessagingServiceSid": service, "From": sender, "To": TO, "Body": text, "NumMedia": "0",
                    "NumSegments": "1", "SmsStatus": "received", "ApiVersion": "2010-04-01"}
            request = Request(urlencode(form).encode(), validator.compute_signature(url, form), sender)
            requests.append(request)
            if rng.random() < RETRY_SHARE:
                requests.append(request)
        result.append(requests)
    return result


def interleaved(per_conversation: list[list[Request]], lanes: int) -> list[list[Request]]:
    """The requests split over `lanes` connections: each conversation stays on one lane, in order."""
    out: list[list[Request]] = [[] for _ in range(lanes)]
    for index, requests in enumerate(per_conversation):
        out[index % lanes].extend(requests)
    return out


def in_turn(per_conversation: list[list[Request]], lanes: int) -> list[Request]:
    """One sequence for a load generator that keeps many requests in flight (wrk, the fixed-rate client): `lanes`
    conversations take turns, a message each, so a conversation's next message goes out `lanes` requests after
    its last one, long after that was answered, as a texter reads the reply before writing again.

    Sent back to back instead, one conversation's messages race each other through the workers; real texters
    seldom do that, and every race costs the bot a compare-and-set retry that the floor, which keeps no state,
    never pays (measured: 1.39 commits a message instead of 0.98, and a fifth of the throughput)."""
    queues = interleaved(per_conversation, lanes)
    longest = max((len(queue) for queue in queues), default=0)
    return [queue[turn] for turn in range(longest) for queue in queues if turn < len(queue)]
