"""Print the current second-factor code of the demo accounts (development only)."""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import unhexlify

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from outreach.demo.catalogue import DEMO_TOTP_KEY, demo_totp_code
from outreach.demo.generate import DEMO_ACCOUNTS


class Command(BaseCommand):
    help = "Show the authenticator code the demo coordinator, funder and administrator accept now."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code only runs with DEBUG=true (the demo, `make run`).")
        left = 30 - int(time.time()) % 30
        accounts = ", ".join(name for role, name in DEMO_ACCOUNTS.items() if role != "worker")
        self.stdout.write(f"Second factor of {accounts}:")
        self.stdout.write(
            f"  code now: {demo_totp_code()}   (valid {left} s more; then {demo_totp_code(steps_ahead=1)})"
        )
        key = b32encode(unhexlify(DEMO_TOTP_KEY)).decode()
        self.stdout.write(f"  or add this key to an authenticator app: {key}")
        self.stdout.write("  Each code works once per account: if one is refused, wait for the next.")
