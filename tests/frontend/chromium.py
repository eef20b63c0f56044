"""Debian's Chromium, launched headless the way this machine needs (closed network)."""

CHROMIUM = "/usr/bin/chromium"
# Without the last three flags Chromium keeps trying the network, which is closed here.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
