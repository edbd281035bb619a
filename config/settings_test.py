"""Settings of the test suite (pytest, pyproject's DJANGO_SETTINGS_MODULE): the real settings, plus
what makes the tests cheaper without changing what they check."""

from config.settings import *  # noqa: F403

# PBKDF2 costs a few hundred milliseconds for every password set or checked; tests need no strong hash.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# pytest-django runs the tests with DEBUG off and nothing runs collectstatic, so STATIC_ROOT does not
# exist: whitenoise looks the files up on each request (as it does under DEBUG) instead of warning.
WHITENOISE_AUTOREFRESH = True
