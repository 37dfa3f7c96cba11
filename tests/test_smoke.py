from django.conf import settings


def test_settings_load_with_safe_defaults() -> None:
    assert settings.DEBUG is False
    assert "*" not in settings.ALLOWED_HOSTS
