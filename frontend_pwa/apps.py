from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontendPwaConfig(AppConfig):
    name = "frontend_pwa"
    verbose_name = _("Field app")
