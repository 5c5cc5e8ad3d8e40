"""`GET /vocabularies`: what screens build their dropdowns, badges and workflow buttons from."""

from fastapi import APIRouter

from app.access.dependencies import AnyClient
from app.vocabularies.schemas import Vocabularies
from app.vocabularies.service import vocabularies

router = APIRouter(tags=["Referentiedata"])


@router.get(
    "/vocabularies",
    operation_id="getVocabularies",
    summary="Every enum with its labels, and the workflows",
    description="Every enum of the contract with, per value, its `value`, a Dutch `label` and "
    "a `description`; and per record type its workflow as `{from: [to, …]}`. Every role may "
    "read it.",
)
def get_vocabularies(_caller: AnyClient) -> Vocabularies:
    return vocabularies()
