"""Fixtures shared by the pilotage tests: a small référentiel and its open campaign."""

import pytest

from tests.factories.pilotage import make_campaign, make_indicators


@pytest.fixture
def indicators():
    return make_indicators()


@pytest.fixture
def campaign(indicators, anct_user):
    return make_campaign(open_by=anct_user)
