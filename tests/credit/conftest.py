import pytest

from tests.plans.story import readings  # noqa: F401 (the fixture of the collection tests)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
