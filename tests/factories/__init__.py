"""Test data builders, one module per domain (accounts, cites, cafes_cites, ressources, pilotage,
files). The account and cité factories are re-exported here because nearly every test needs them."""

from tests.factories.accounts import PASSWORD, UserFactory, make_anct_user
from tests.factories.cites import CiteFactory

__all__ = ["PASSWORD", "CiteFactory", "UserFactory", "make_anct_user"]
