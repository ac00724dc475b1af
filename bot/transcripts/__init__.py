"""Conversation transcripts: readable files that replay a whole conversation against the bot, for testers.

`format` reads and rewrites the files (the format is documented there), `play` sends their messages to the bot
(the engine, or the signed Twilio webhook), `compare` says where the replies differ from what a file expects,
`coverage` says which parts of the flows no transcript visits, and `cli` is `hotline-bot replay`.
"""
