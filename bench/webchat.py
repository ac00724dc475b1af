"""Benchmark: what the web chat adds to a message, against the same message by SMS, measured in one run.

    .venv/bin/python -m bench.webchat [--messages 2000]

On the embedded store, as medians (the machine is shared and noisy, so medians and ratios, not means):

- answer: a message through Hotline.answer alone (the cost every channel pays);
- POST /sms: the same through the Twilio webhook (form, TwiML) in Flask's test client;
- POST /chat/messages: the same through the web chat's JSON API (token check, links, JSON);
- GET /chat: the page itself, with a new token;
- links: cutting the longest reply of the flows into text and links, the first time (later ones are cached).
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

from bench.timing import time_calls
from bot import create_app
from bot.flow.model import LANGUAGES
from bot.web import tokens
from bot.web.links import parts

SCRIPT = ["hi", "1", "0", "3", "7", "8", "90210", "menu", "what?", "2"]  # a walk through the menu
CONVERSATIONS = 50


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    count = parser.parse_args().messages
    app = create_app({"HOTLINE_ENV": "development"})
    client, hotline = app.test_client(), app.extensions["hotline"]
    senders = [f"+1555010{n:04d}" for n in range(CONVERSATIONS)]  # fictional numbers, by SMS
    direct = [f"+1555011{n:04d}" for n in range(CONVERSATIONS)]  # and straight to the service
    chat_tokens = [tokens.issue(hotline.pepper) for _ in range(CONVERSATIONS)]

    def text(i: int) -> str:
        return SCRIPT[(i // CONVERSATIONS) % len(SCRIPT)]

    answer = time_calls(
        lambda i: hotline.answer(direct[i % CONVERSATIONS], uuid.uuid4().hex, text(i), int(time.time())), count)
    sms = time_calls(lambda i: client.post("/sms", data={"From": senders[i % CONVERSATIONS], "Body": text(i),
                                                    "MessageSid": uuid.uuid4().hex}), count)
    chat = time_calls(lambda i: client.post("/chat/messages", json={"token": chat_tokens[i % CONVERSATIONS],
                                                               "id": uuid.uuid4().hex, "text": text(i)}), count)
    page = time_calls(lambda i: client.get("/chat"), count)
    longest = max((node.say.get(lang) for node in hotline.flows.nodes.values() for lang in LANGUAGES), key=len)
    links = time_calls(lambda i: parts.__wrapped__(longest), count)  # uncached: the first time a reply is seen

    base = statistics.median(answer)
    print(f"{count} messages each, {CONVERSATIONS} conversations, embedded store; medians on this machine")
    print(f"{'':28} {'median':>10} {'x answer':>9}")
    for name, samples in [("Hotline.answer alone", answer), ("POST /sms (TwiML)", sms),
                          ("POST /chat/messages (JSON)", chat), ("GET /chat (page)", page),
                          (f"links, {len(longest)}-char reply", links)]:
        median = statistics.median(samples)
        print(f"{name:28} {median * 1e6:8.0f} us {median / base:8.2f}x")


if __name__ == "__main__":
    main()
