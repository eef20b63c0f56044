"""Sign-in: works, is audited, and stops password guessing."""

import pytest
from django.urls import reverse

from outreach.models import JournalEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_worker_signs_in_and_it_is_journaled(client):
    user = UserFactory()
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert JournalEntry.objects.filter(event="login", actor=user).count() == 1


def test_a_wrong_password_is_refused_with_a_french_message(client):
    user = UserFactory()
    response = sign_in(client, user.username, "wrong")
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in response.content.decode()
    assert JournalEntry.objects.filter(event="login_failed", actor_username=user.username).count() == 1


def test_the_same_error_in_english(client):
    user = UserFactory()
    client.cookies["django_language"] = "en"
    response = sign_in(client, user.username, "wrong")
    assert "Wrong username or password." in response.content.decode()


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    user = UserFactory()
    for _ in range(3):
        sign_in(client, user.username, "guess")
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives" in response.content.decode()
    assert JournalEntry.objects.filter(event="login_locked").exists()


def test_a_success_resets_the_failure_count(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    user = UserFactory()
    sign_in(client, user.username, "guess")
    sign_in(client, user.username, "guess")
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    client.logout()
    sign_in(client, user.username, "guess")
    sign_in(client, user.username, "guess")
    assert sign_in(client, user.username, PASSWORD).status_code == 302


def test_pages_need_a_signed_in_user(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()
