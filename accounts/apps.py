from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """The account pages: sign-in, second factors, invitations, password recovery, ProConnect."""

    name = "accounts"
    verbose_name = _("Accounts")
