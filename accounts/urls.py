from django.urls import path

from accounts.views import links, passkeys, proconnect, second_factor, team

app_name = "accounts"

urlpatterns = [
    path("two-factor/", second_factor.verify, name="verify"),
    path("two-factor/setup/", second_factor.setup, name="setup"),
    path("two-factor/recovery-codes/", second_factor.recovery_codes_page, name="recovery-codes"),
    path("two-factor/passkeys/register/options", passkeys.register_options, name="passkey-register-options"),
    path("two-factor/passkeys/register", passkeys.register, name="passkey-register"),
    path("two-factor/passkeys/sign-in/options", passkeys.authenticate_options, name="passkey-auth-options"),
    path("two-factor/passkeys/sign-in", passkeys.authenticate, name="passkey-auth"),
    path("security/", second_factor.security, name="security"),
    path("security/<str:kind>/<int:pk>/remove/", second_factor.remove_factor, name="remove-factor"),
    path("invitation/<str:token>/", links.accept_invitation, name="invitation"),
    path("password/reset/", links.reset_request, name="reset"),
    path("password/reset/<str:uidb64>/<str:token>/", links.reset_confirm, name="reset-confirm"),
    path("team/", team.team, name="team"),
    path("team/<int:pk>/reset-password/", team.reset_password, name="team-reset"),
    path("team/invitations/<int:pk>/revoke/", team.revoke_invitation, name="team-revoke-invitation"),
    path("proconnect/", proconnect.start, name="proconnect"),
    path("proconnect/callback/", proconnect.callback, name="proconnect-callback"),
    path("proconnect/logged-out/", proconnect.logged_out, name="proconnect-logged-out"),
]
