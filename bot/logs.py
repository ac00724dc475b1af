"""Logging that cannot leak a phone number: every record's message is masked before any handler sees it.

The code never logs a number, a message body or a ZIP code on purpose; this is the net under that rule,
for what a library might print (an exception that quotes a request, a URL with a query string).
"""

from __future__ import annotations

import logging
import re

# Seven or more digits, with the separators numbers are written with: +1 (555) 010-0000, 15550100000, ...
PHONE_SHAPED = re.compile(r"(?<![\w+])\+?\d(?:[\d\s().\-]{5,}\d)(?!\w)")
_MASK = "[number]"


def mask(text: str) -> str:
    """`text` with everything shaped like a phone number replaced."""
    return PHONE_SHAPED.sub(lambda m: _MASK if sum(c.isdigit() for c in m.group()) >= 7 else m.group(), text)


def install() -> None:
    """Mask every log record created from now on, in this process (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "masks_numbers", False):
        return

    def masked(*args: object, **kwargs: object) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.msg, record.args = mask(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
        return record

    masked.masks_numbers = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(masked)
