"""`GET /subjects` (SPEC §4.2): HTTP only; the rules are in app/subjects/service.py."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from app.access.dependencies import RecordClient
from app.db import SessionDep
from app.openapi import problems
from app.pagination import set_next_link
from app.subjects import service
from app.subjects.schemas import SubjectQuery, SubjectStory

TAG = "Subjecten"
router = APIRouter(prefix="/subjects", tags=[TAG])


@router.get(
    "",
    operation_id="getSubject",
    summary="Everything about one business or premises",
    response_model=SubjectStory,
    response_model_exclude_unset=True,
    responses=problems(403),
)
def get_subject(
    query: Annotated[SubjectQuery, Query()],
    caller: RecordClient,
    session: SessionDep,
    request: Request,
    response: Response,
) -> Any:
    """Every record of any type the caller may read about one business (`kvkNumber`) or
    premises (`postcode` and `houseNumber`): by its own KvK number or address, and a measure
    also by the rapportage it names. Newest first by each record's own date, with the counts
    per type and `earlierMeasures`, the measures before the latest one. Partners see only
    their own partner's records; analysts may not use it (403)."""
    story = service.subject_story(session, caller, query)
    set_next_link(request, response, story["nextCursor"])
    return story
