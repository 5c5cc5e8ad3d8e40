"""The terugblik as a Word document (python-docx), laid out as in the council letter: the
heading, the introduction sentence, per pillar its numbered heading and the sentences as
bullets, optionally followed by the progress chart, ready to paste into a
raadsinformatiebrief."""

import io

from docx import Document
from docx.shared import Cm
from num2words import num2words

from app.exports.formats import xml_text
from app.reports.schemas import LookBack

# As in the Markdown of the terugblik (app/reports/terugblik.py).
NOTHING_TO_REPORT = "Er zijn over deze periode geen resultaten te vermelden."
HEADING = "Terugblik"


def pillar_heading(position: int, title: str) -> str:
    ordinal = num2words(position, lang="nl", to="ordinal")
    return f'Ten aanzien van de {ordinal} pijler "{title}":'


def terugblik_document(report: LookBack, chart_png: bytes | None = None) -> bytes:
    """The letter's section; `chart_png` (the progress chart) follows it when given."""
    document = Document()
    document.core_properties.title = f"Terugblik {report.starts_on} t/m {report.ends_on}"
    document.core_properties.author = "Ondermijningsmonitor"
    document.add_heading(HEADING, level=2)
    document.add_paragraph(xml_text(report.introduction))
    for position, pillar in enumerate(report.pillars, start=1):
        heading = pillar_heading(position, xml_text(pillar.title))
        document.add_paragraph(heading, style="List Number")
        for sentence in pillar.sentences or [NOTHING_TO_REPORT]:
            document.add_paragraph(xml_text(sentence), style="List Bullet 2")
    if chart_png is not None:
        document.add_paragraph()
        document.add_picture(io.BytesIO(chart_png), width=Cm(16))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
