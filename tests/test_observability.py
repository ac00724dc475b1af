"""What operators see: /metrics, status callbacks, signature failures in the log, and logs that mask numbers."""

from __future__ import annotations

import logging
import re

import pytest
from twilio.request_validator import RequestValidator

from bot import logs
from tests.test_webhook import INTERNAL, PUBLIC_URL, TOKEN, inbound, make_app, post, reply, stored_state

RECIPIENT = "+15550100123"  # fictional


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus' text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = re.compile(rf"^{name}(?:\{{{re.escape(wanted)}\}})? (\S+)$" if labels else rf"^{name} (\S+)$", re.M)
    found = pattern.search(text)
    return float(found.group(1)) if found else 0.0


def test_metrics_count_messages_replies_and_refusals_with_no_personal_label() -> None:
    app = make_app()
    client = app.test_client()
    before = client.get("/metrics").get_data(as_text=True)
    post(client, inbound("hi", sender=RECIPIENT))
    post(client, inbound("3", sender=RECIPIENT))
    post(client, inbound("hola", sender="whatsapp:" + RECIPIENT))
    post(client, inbound("hi"), "bad signature")
    after = client.get("/metrics")
    assert after.status_code == 200 and after.mimetype == "text/plain"
    text = after.get_data(as_text=True)
    samples = [("hotline_messages_total", {"channel": "whatsapp"}), ("hotline_replies_total", {"node": "menu",
                                                                                              "lang": "en"}),
               ("hotline_replies_total", {"node": "signs", "lang": "en"}),
               ("hotline_replies_total", {"node": "menu", "lang": "es"}), ("hotline_signature_failures_total", {})]
    grew = [metric(text, name, **labels) - metric(before, name, **labels) for name, labels in samples]
    assert grew == [1.0] * len(samples), list(zip(samples, grew, strict=True))
    assert metric(text, "hotline_messages_total", channel="sms") - metric(before, "hotline_messages_total",
                                                                          channel="sms") == 2.0
    assert metric(text, "hotline_reply_segments_total", channel="sms") >= 2
    assert "5550100123" not in text and "0100123" not in text  # no label names a person


def test_a_refused_signature_is_logged_with_the_url_that_was_checked(caplog: pytest.LogCaptureFixture) -> None:
    client = make_app().test_client()
    with caplog.at_level(logging.WARNING):
        post(client, inbound("hi"), "bad signature")
    [record] = [r for r in caplog.records if "refused a webhook" in r.getMessage()]
    assert f"checked against {PUBLIC_URL}/sms" in record.getMessage()
    assert TOKEN not in record.getMessage()


def status_callback(client, **fields: str):
    form = {"MessageSid": "SM" + "c" * 32, "AccountSid": "AC" + "0" * 32, "From": "+15550100099",
            "To": RECIPIENT, **fields}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL + "/sms/status", form)
    return client.post("/sms/status", data=form, headers={"X-Twilio-Signature": signature}, base_url=INTERNAL)


def test_status_callbacks_are_counted_and_21610_marks_the_recipient_opted_out() -> None:
    app = make_app()
    client = app.test_client()
    assert reply(post(client, inbound("hi", sender=RECIPIENT))) is not None
    assert status_callback(client, MessageStatus="delivered").status_code == 204
    assert not stored_state(app, RECIPIENT)[1].opted_out
    assert status_callback(client, MessageStatus="undelivered", ErrorCode="21610").status_code == 204
    assert stored_state(app, RECIPIENT)[1].opted_out
    assert reply(post(client, inbound("hi", sender=RECIPIENT))) is None
    text = client.get("/metrics").get_data(as_text=True)
    assert metric(text, "hotline_status_callbacks_total", status="undelivered") >= 1


def test_status_callbacks_must_be_signed() -> None:
    client = make_app().test_client()
    response = client.post("/sms/status", data={"MessageSid": "SM" + "c" * 32, "MessageStatus": "delivered"},
                           base_url=INTERNAL)
    assert response.status_code == 403


@pytest.mark.parametrize(("text", "masked"), [
    ("from +1 (555) 765-4321 today", "from [number] today"),
    ("sms:+15557654321", "sms:[number]"),
    ("whatsapp:+447700900123 failed", "whatsapp:[number] failed"),
    ("call 555-765-4321", "call [number]"),
    ("765-4321", "[number]"),
    ("zip 90210 and code 233733", "zip 90210 and code 233733"),  # short codes and ZIPs are not numbers to mask
    ("version 3.11.7", "version 3.11.7"),
])
def test_the_log_filter_masks_anything_shaped_like_a_phone_number(text: str, masked: str) -> None:
    assert logs.mask(text) == masked


def test_masking_applies_to_every_record_even_from_other_libraries(caplog: pytest.LogCaptureFixture) -> None:
    logs.install()
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("request from %s failed", "+15557654321")
        try:
            raise ValueError("bad number +1 555 765 4321")
        except ValueError:
            logging.getLogger("other").exception("while handling %s", "sms:+15557654321")
    for record in caplog.records:
        assert "7654321" not in record.getMessage() and "765 4321" not in (record.exc_text or "")
