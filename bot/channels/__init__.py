"""Channels: thin adapters between a transport (Twilio SMS/WhatsApp, later web chat) and `Hotline`."""
