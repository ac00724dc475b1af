"""The web chat's pieces that are not HTTP: conversation tokens, reply links, the page's own words, and the
page itself (templates/, static/). The Flask adapter is `bot.channels.webchat`."""
