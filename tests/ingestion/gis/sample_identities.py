"""Our identities as the seed's sample GIS files name them, for the parsers under test."""

from __future__ import annotations

from ingestion.gis.identities import OrganizationIdentity, OurIdentities, build_identities
from operational_app.seed.gis_files import SampleDocument, sample_organizations


def sample_identities(documents: list[SampleDocument]) -> OurIdentities:
    return build_identities(
        [OrganizationIdentity(**organization) for organization in sample_organizations(documents)]
    )
