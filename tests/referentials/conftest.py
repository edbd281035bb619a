import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "referentials"


@pytest.fixture
def small_data(tmp_path, empty_referentials):
    """A copy of the small, hand-picked reference files, safe to corrupt in a test."""
    target = tmp_path / "data"
    shutil.copytree(DATA / "good", target)
    return target


@pytest.fixture
def cog_data(tmp_path):
    """The shared CPV/NAF files plus the official INSEE COG layout for territories."""
    target = tmp_path / "official"
    shutil.copytree(DATA / "good", target)
    for name in ("regions.csv", "departements.csv", "communes.csv", "epci.csv", "ept.csv"):
        (target / "geo" / name).unlink()
    for path in (DATA / "cog").iterdir():
        shutil.copy(path, target / "geo" / path.name)
    return target
