"""Deployment settings read from the environment, checked on the real settings module."""

from tests.deploy.support import TEST_SECRET_KEY, settings_values

PRODUCTION = {"DEBUG": "false", "SECRET_KEY": TEST_SECRET_KEY, "ALLOWED_HOSTS": "x"}


def test_old_secret_keys_are_accepted_while_rotating():
    values = settings_values(
        {**PRODUCTION, "SECRET_KEY_FALLBACKS": "old-key-one, old-key-two"}, "SECRET_KEY_FALLBACKS"
    )

    assert values["SECRET_KEY_FALLBACKS"] == ["old-key-one", "old-key-two"]


def test_sessions_use_the_shared_cache_when_redis_is_configured():
    with_redis = settings_values(
        {**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/0"}, "SESSION_ENGINE", "CACHES"
    )
    without = settings_values(PRODUCTION, "SESSION_ENGINE")

    assert with_redis["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert with_redis["CACHES"]["default"]["BACKEND"].endswith("RedisCache")
    assert without["SESSION_ENGINE"] is None  # Django's default: database sessions


def test_database_password_can_come_from_a_mounted_secret_file(tmp_path):
    secret = tmp_path / "db_password"
    secret.write_text("s3cret-from-file\n")

    values = settings_values(
        {
            **PRODUCTION,
            "DATABASE_URL": "postgres://maraude@db:5432/maraude",
            "DATABASE_PASSWORD_FILE": str(secret),
        },
        "DATABASES",
    )

    assert values["DATABASES"]["default"]["PASSWORD"] == "s3cret-from-file"
    assert values["DATABASES"]["default"]["HOST"] == "db"


def test_a_replica_url_adds_a_replica_alias_never_migrated_and_mirrored_in_tests():
    values = settings_values(
        {
            **PRODUCTION,
            "DATABASE_URL": "postgres://maraude@primary:5432/maraude",
            "DATABASE_REPLICA_URL": "postgres://reader@replica:5432/maraude",
        },
        "DATABASES",
        "DATABASE_ROUTERS",
    )

    replica = values["DATABASES"]["replica"]
    assert (replica["HOST"], replica["USER"]) == ("replica", "reader")
    assert replica["TEST"] == {"MIRROR": "default"}
    assert values["DATABASE_ROUTERS"] == ["outreach.db.ReportingRouter"]
