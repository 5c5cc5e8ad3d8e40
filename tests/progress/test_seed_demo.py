"""`python -m app.cli seed-demo` loads the letter's results once, through the record service."""

from sqlmodel import Session

from app.cli import main
from app.reports.demo import LETTER_MILESTONE_UPDATES, LETTER_RECORDS
from app.reports.seed import seed_letter_results
from tests.conftest import MakeClient


def test_seed_demo_is_idempotent(db: Session, make_client: MakeClient) -> None:
    total = len(LETTER_RECORDS) + len(LETTER_MILESTONE_UPDATES)
    assert seed_letter_results(db) == (total, 0)
    db.commit()
    assert seed_letter_results(db) == (0, total)
    db.commit()
    analyst = make_client("analyst")
    body = analyst.get("/api/v1/reports/terugblik?from=2023-01-01&to=2023-04-30").json()
    figures = {f["key"]: f["value"] for f in body["pillars"][0]["figures"]}
    assert figures["meldingen-meld-misdaad-anoniem"] == 24
    assert figures["integrale-controles"] == 3
    progress = analyst.get("/api/v1/progress?from=2023-01-01&to=2023-04-30").json()
    controles = progress["pillars"][0]["indicators"][0]
    assert (controles["code"], controles["actual"]) == ("p1-integrale-controles", 3)


def test_the_command_is_registered() -> None:
    from app.cli import COMMANDS, parser

    assert "seed-demo" in COMMANDS
    assert parser().parse_args(["seed-demo"]).command == "seed-demo"
    assert callable(main)
