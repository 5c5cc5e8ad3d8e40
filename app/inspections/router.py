"""HTTP endpoints of inspections."""

from app.inspections.service import INSPECTIONS
from app.records.router import record_router

router = record_router(
    INSPECTIONS,
    tag="Controles",
    plural="Inspections",
    singular="Inspection",
    example={
        "partner": "politie",
        "externalId": "IC-2023-03",
        "kind": "integrale-controle",
        "theme": "ondermijnende-bedrijvigheid",
        "occurredOn": "2023-03-09",
        "sector": "autobranche",
        "businessesInspected": 6,
        "partners": ["gemeente", "politie", "ozhz"],
        "findings": "Grote hoeveelheid illegale sigaretten aangetroffen.",
    },
)
