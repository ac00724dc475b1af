"""The static reply sent when anything fails: Redis down, a broken flow file, a bug.

It depends on nothing but this constant, so it can always be sent. Numbers from
shared/reference/hotline-facts.md rows 1-3. Kept GSM-7 (no á í ó ú) so it costs 3 segments.
"""

STATIC_REPLY = (
    "If you are in danger, call 911. Human trafficking hotline, 24/7: call 1-888-373-7888 or text 233733.\n"
    "Si corres peligro, llama al 911. Trata de personas, 24 horas: llama al 1-888-373-7888 o manda un texto al 233733."
)
