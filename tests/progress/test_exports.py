"""Exports (SPEC §6, Formats): CSV with a BOM, XLSX, SVG and PNG charts, the terugblik as a
Word document, chosen by `Accept` or `format=`; read back, their figures equal the JSON's."""

import csv
import io
import uuid
import xml.etree.ElementTree as ET
from datetime import date, datetime
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from app.audit.models import AuditEvent
from app.exports.formats import DOCX, PNG, SVG, XLSX
from tests.conftest import ApiClient, MakeClient
from tests.progress.conftest import add_record
from tests.progress.test_terugblik import LETTER_SENTENCES, WINDOW, post_letter

BOM = b"\xef\xbb\xbf"
SVG_NS = "{http://www.w3.org/2000/svg}"
PROGRESS = f"/api/v1/progress?{WINDOW}"
SERIES = f"/api/v1/progress/indicators/p1-integrale-controles/series?{WINDOW}"
STATISTICS = f"/api/v1/statistics/inspections?groupBy=kind&{WINDOW}"
TERUGBLIK = f"/api/v1/reports/terugblik?{WINDOW}"


@pytest.fixture
def inspections(db: Session) -> None:
    for day, businesses in ((date(2023, 1, 20), 6), (date(2023, 3, 3), 5)):
        add_record(
            db,
            "inspections",
            kind="integrale-controle",
            occurred_on=day,
            businesses_inspected=businesses,
            neighbourhood='=HYPERLINK("http://x")',
            confidentiality="intern",
        )
    add_record(
        db,
        "inspections",
        kind="seksbranche-controle",
        occurred_on=date(2023, 2, 1),
        confidentiality="intern",
    )
    add_record(
        db,
        "inspections",
        kind="integrale-controle",
        occurred_on=date(2023, 2, 2),
        confidentiality="geheim",
    )
    db.commit()


@pytest.fixture
def analyst(make_client: MakeClient) -> ApiClient:
    return make_client("analyst")


def _workbook(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content))


def _sheet_rows(content: bytes) -> list[dict[str, Any]]:
    sheet = _workbook(content).active
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(BOM)
    return list(csv.DictReader(io.StringIO(content[len(BOM) :].decode("utf-8"))))


def _svg_texts(content: bytes) -> list[str]:
    root = ET.fromstring(content)
    assert root.tag == f"{SVG_NS}svg"
    return ["".join(node.itertext()) for node in root.iter(f"{SVG_NS}text")]


def _indicators(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["code"]: i for pillar in body["pillars"] for i in pillar["indicators"]}


@pytest.mark.parametrize(
    ("url", "filename", "first"),
    [
        (PROGRESS, "voortgang-2023-01-01-2023-04-30.csv", "p1-integrale-controles"),
        (SERIES, "burn-up-p1-integrale-controles-2023-01-01-2023-04-30.csv", "2023-01"),
        (STATISTICS, "statistiek-inspections-2023-01-01-2023-04-30.csv", "integrale-controle"),
        (
            "/api/v1/statistics/inspections?groupBy=kind",
            "statistiek-inspections-alles.csv",
            "integrale-controle",
        ),
    ],
)
def test_csv_has_a_bom_and_the_window_in_its_name_and_first_columns(
    inspections: None, analyst: ApiClient, url: str, filename: str, first: str
) -> None:
    for response in (
        analyst.get(url, headers={"Accept": "text/csv"}),
        analyst.get(f"{url}&format=csv", headers={"Accept": "application/json"}),
    ):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
        rows = _csv_rows(response.content)
        assert list(rows[0])[:2] == ["from", "to"]
        if "from=" in url:
            assert (rows[0]["from"], rows[0]["to"]) == ("2023-01-01", "2023-04-30")
        assert first in rows[0].values()


def test_progress_exports_carry_the_json_figures(inspections: None, analyst: ApiClient) -> None:
    body = analyst.get(PROGRESS).json()
    indicators = _indicators(body)

    response = analyst.get(f"{PROGRESS}&format=xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == (
        'attachment; filename="voortgang-2023-01-01-2023-04-30.xlsx"'
    )
    workbook = _workbook(response.content)
    sheet = workbook.active
    assert sheet.title == "Voortgang 2023-01-01-2023-04-30"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["A"].width >= 10
    # Printed: one landscape page wide, the header row repeated.
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    rows = _sheet_rows(response.content)
    assert len(rows) == len(indicators)
    for row in rows:
        expected = indicators[row["code"]]
        assert (row["from"], row["to"]) == (datetime(2023, 1, 1), datetime(2023, 4, 30))
        assert (row["actual"], row["status"], row["title"]) == (
            expected["actual"],
            expected["status"],
            expected["title"],
        )
        assert row["expected"] == pytest.approx(expected["expected"])
        assert row["ratio"] == pytest.approx(expected["ratio"])
    header = [cell.value for cell in sheet[1]]
    controles = next(
        r
        for r in sheet.iter_rows(min_row=2)
        if r[header.index("code")].value == ("p1-integrale-controles")
    )
    ratio = controles[header.index("ratio")]
    assert (ratio.data_type, ratio.number_format) == ("n", "0.0%")
    assert controles[header.index("actual")].value == 3
    assert controles[header.index("from")].is_date

    svg = analyst.get(PROGRESS, headers={"Accept": SVG})
    assert svg.headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert svg.headers["content-disposition"] == (
        'inline; filename="voortgang-2023-01-01-2023-04-30.svg"'
    )
    texts = _svg_texts(svg.content)
    assert "Voortgang uitvoeringsplan 2023-2024, 1 januari 2023 t/m 30 april 2023" in texts
    assert "1. Het aanpakken van ondermijnende criminaliteit" in texts
    controles_json = indicators["p1-integrale-controles"]
    share = round(controles_json["ratio"] * 100)
    assert f"3 van 3,3 verwacht ({share}%, achter)" in texts
    assert "mijlpaal: niet gestart" in texts
    assert analyst.get(f"{PROGRESS}&format=svg").content == svg.content, "deterministic"


def test_series_exports_carry_the_json_figures(inspections: None, analyst: ApiClient) -> None:
    body = analyst.get(SERIES).json()
    points = body["points"]
    assert [p["cumulativeActual"] for p in points] == [1, 2, 3, 3]

    rows = _sheet_rows(analyst.get(f"{SERIES}&format=xlsx").content)
    assert [r["period"] for r in rows] == [p["period"] for p in points]
    assert [r["cumulativeActual"] for r in rows] == [p["cumulativeActual"] for p in points]
    assert [r["expected"] for r in rows] == pytest.approx([p["expected"] for p in points])
    assert rows[0]["periodTo"] == datetime(2023, 1, 31)
    csv_rows = _csv_rows(analyst.get(SERIES, headers={"Accept": "text/csv"}).content)
    assert [int(r["actual"]) for r in csv_rows] == [p["actual"] for p in points]

    svg = analyst.get(f"{SERIES}&format=svg")
    assert svg.status_code == 200
    assert svg.headers["content-disposition"] == (
        'inline; filename="burn-up-p1-integrale-controles-2023-01-01-2023-04-30.svg"'
    )
    texts = _svg_texts(svg.content)
    assert "Burn-up: Integrale bedrijvencontroles, 1 januari 2023 t/m 30 april 2023" in texts
    assert {"Gerealiseerd (cumulatief)", "Verwacht naar rato van het doel (cumulatief)"} <= set(
        texts
    )
    for point in points:
        assert point["period"] in texts
    expected_labels = [f"{p['expected']:.1f}".replace(".", ",") for p in points]
    assert all(label in texts for label in expected_labels)

    png = analyst.get(f"{SERIES}&format=png")
    assert png.headers["content-type"] == PNG
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG"
    assert 800 <= image.width <= 2000
    assert 400 <= image.height <= 1200


def test_statistics_exports_carry_the_json_figures(inspections: None, analyst: ApiClient) -> None:
    url = "/api/v1/statistics/inspections?groupBy=kind,neighbourhood&period=2023"
    body = analyst.get(url).json()
    rows = _sheet_rows(analyst.get(f"{url}&format=xlsx").content)
    assert [
        (r["kind"], r["neighbourhood"], r["count"], r["businessesInspected"]) for r in rows
    ] == [
        (g["kind"], g["neighbourhood"], g["count"], g["businessesInspected"])
        for g in body["groups"]
    ]
    assert rows[0]["dateField"] == "occurredOn"
    # A value that a spreadsheet would run as a formula stays text.
    sheet = _workbook(analyst.get(f"{url}&format=xlsx").content).active
    header = [cell.value for cell in sheet[1]]
    cells = [row[header.index("neighbourhood")] for row in sheet.iter_rows(min_row=2)]
    formula = next(cell for cell in cells if cell.value and cell.value.startswith("="))
    assert formula.data_type == "s"
    text = analyst.get(f"{url}&format=csv").content.decode("utf-8-sig")
    assert '\'=HYPERLINK(""http://x"")' in text
    assert "\n=HYPERLINK" not in text
    assert ",=HYPERLINK" not in text


@pytest.mark.parametrize(
    ("url", "available"),
    [
        (PROGRESS, ["application/json", "text/csv", XLSX, SVG, PNG]),
        (SERIES, ["application/json", "text/csv", XLSX, SVG, PNG]),
        (STATISTICS, ["application/json", "text/csv", XLSX]),
        (TERUGBLIK, ["application/json", DOCX, "text/markdown"]),
    ],
)
def test_anything_else_is_406_listing_what_is_available(
    analyst: ApiClient, url: str, available: list[str]
) -> None:
    response = analyst.get(url, headers={"Accept": "application/pdf, text/html;q=0.5"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["available"] == available


@pytest.mark.parametrize(
    ("url", "name"),
    [
        (PROGRESS, "docx"),
        (PROGRESS, "pdf"),
        (PROGRESS, "XLSX"),
        (SERIES, "md"),
        (STATISTICS, "svg"),
        (STATISTICS, ""),
        (TERUGBLIK, "csv"),
        (TERUGBLIK, "json"),
    ],
)
def test_a_format_it_does_not_have_is_400_naming_format(
    analyst: ApiClient, engine: Engine, url: str, name: str
) -> None:
    response = analyst.get(f"{url}&format={name}", headers={"Accept": "application/json"})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalidParams"]] == ["format"]
    with Session(engine) as session:
        exports = session.scalars(select(AuditEvent).where(col(AuditEvent.action) == "export"))
        assert list(exports) == []


def test_every_export_is_audited_with_its_format(
    inspections: None, analyst: ApiClient, engine: Engine
) -> None:
    for url in (PROGRESS, SERIES, STATISTICS):
        for name in ("csv", "xlsx", "svg", "png"):
            if url != STATISTICS or name in ("csv", "xlsx"):
                assert analyst.get(f"{url}&format={name}").status_code == 200
    assert analyst.get(f"{TERUGBLIK}&format=docx").status_code == 200
    assert analyst.get(PROGRESS).status_code == 200  # a plain read, not an export
    with Session(engine) as session:
        entries = session.scalars(
            select(AuditEvent).where(
                col(AuditEvent.action) == "export",
                col(AuditEvent.client_id) == uuid.UUID(analyst.id),
            )
        ).all()
    found = sorted((entry.resource, entry.detail) for entry in entries)
    series = "progress/indicators/p1-integrale-controles/series"
    assert found == sorted(
        [
            *(
                (resource, media_type)
                for resource in ("progress", series)
                for media_type in ("text/csv", XLSX, SVG, PNG)
            ),
            ("statistics/inspections", "text/csv"),
            ("statistics/inspections", XLSX),
            ("reports/terugblik", DOCX),
        ]
    )


def test_exports_keep_to_roles_and_the_ceiling(
    inspections: None, make_client: MakeClient, analyst: ApiClient
) -> None:
    capped = make_client("analyst", maxConfidentiality="intern", name="capped")
    for client, actual in ((analyst, 3), (capped, 2)):
        rows = _sheet_rows(client.get(f"{PROGRESS}&format=xlsx").content)
        assert next(r for r in rows if r["code"] == "p1-integrale-controles")["actual"] == actual
        stats = _sheet_rows(client.get(f"{STATISTICS}&format=xlsx").content)
        assert next(r for r in stats if r["kind"] == "integrale-controle")["count"] == actual
        series = _csv_rows(client.get(f"{SERIES}&format=csv").content)
        assert int(series[-1]["cumulativeActual"]) == actual
        texts = _svg_texts(client.get(f"{PROGRESS}&format=svg").content)
        assert any(text.startswith(f"{actual} van 3,3 verwacht") for text in texts)
    partner = make_client("partner", "sdd")
    assert partner.get(f"{STATISTICS}&format=xlsx").status_code == 403
    assert partner.get(f"{TERUGBLIK}&format=docx").status_code == 403
    # Progress is open to partners as before: its export counts what its JSON counts.
    rows = _sheet_rows(partner.get(f"{PROGRESS}&format=xlsx").content)
    json_actual = _indicators(partner.get(PROGRESS).json())["p1-integrale-controles"]["actual"]
    assert next(r for r in rows if r["code"] == "p1-integrale-controles")["actual"] == json_actual
    # As today: coordinators read (and so export) progress only; admins everything.
    coordinator = make_client("coordinator", name="coordinator-export")
    assert coordinator.get(f"{PROGRESS}&format=xlsx").status_code == 200
    assert coordinator.get(f"{SERIES}&format=png").status_code == 200
    assert coordinator.get(f"{STATISTICS}&format=xlsx").status_code == 403
    assert coordinator.get(f"{TERUGBLIK}&format=docx").status_code == 403
    admin = make_client("admin", name="admin-export")
    assert admin.get(f"{TERUGBLIK}&format=docx").status_code == 200
    assert admin.get(f"{STATISTICS}&format=xlsx").status_code == 200


def _paragraphs(content: bytes) -> list[tuple[str, str]]:
    document = Document(io.BytesIO(content))
    return [(p.style.name, p.text) for p in document.paragraphs if p.text]


def test_the_letter_as_a_word_document(make_client: MakeClient) -> None:
    """Acceptance: the letter's January to April 2023 terugblik as DOCX carries the letter's
    sentences in its layout, and with `charts=true` the progress chart after it."""
    post_letter(make_client)
    analyst = make_client("analyst")
    body = analyst.get(TERUGBLIK).json()
    response = analyst.get(TERUGBLIK, headers={"Accept": DOCX})
    assert response.status_code == 200
    assert response.headers["content-type"] == DOCX
    assert response.headers["content-disposition"] == (
        'attachment; filename="terugblik-2023-01-01-2023-04-30.docx"'
    )
    expected = [
        ("Heading 2", "Terugblik"),
        (
            "Normal",
            "Over de eerste vier maanden van 2023 zijn de volgende resultaten te vermelden:",
        ),
    ]
    ordinals = ("eerste", "tweede", "derde")
    for ordinal, pillar in zip(ordinals, body["pillars"], strict=True):
        expected.append(
            ("List Number", f'Ten aanzien van de {ordinal} pijler "{pillar["title"]}":')
        )
        expected.extend(("List Bullet 2", sentence) for sentence in pillar["sentences"])
    assert _paragraphs(response.content) == expected
    sentences = [text for style, text in expected if style == "List Bullet 2"]
    for letter_sentences in LETTER_SENTENCES.values():
        for sentence in letter_sentences:
            assert sentence in sentences
    assert Document(io.BytesIO(response.content)).inline_shapes.__len__() == 0

    with_chart = analyst.get(f"{TERUGBLIK}&format=docx&charts=true")
    assert with_chart.status_code == 200
    document = Document(io.BytesIO(with_chart.content))
    assert _paragraphs(with_chart.content) == expected
    assert len(document.inline_shapes) == 1
    image_parts = [part for part in document.part.package.parts if part.content_type == PNG]
    assert len(image_parts) == 1
    image = Image.open(io.BytesIO(image_parts[0].blob))
    assert image.format == "PNG"
    assert 800 <= image.width <= 2000
    assert 600 <= image.height <= 3000

    chart = analyst.get(f"{PROGRESS}&format=png")
    assert chart.content == image_parts[0].blob
    texts = _svg_texts(analyst.get(f"{PROGRESS}&format=svg").content)
    controles = _indicators(analyst.get(PROGRESS).json())["p1-integrale-controles"]
    assert controles["actual"] == 3
    assert f"3 van 3,3 verwacht ({round(controles['ratio'] * 100)}%, achter)" in texts
    assert analyst.get(TERUGBLIK, headers={"Accept": "text/markdown"}).status_code == 200


def _rename_controles(admin: ApiClient, title: str) -> None:
    response = admin.patch(
        "/api/v1/indicators/p1-integrale-controles",
        json={"title": title},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text


def test_titles_are_data_in_every_format(
    inspections: None, admin: ApiClient, restore_indicators: None
) -> None:
    """An indicator's title is text: never a spreadsheet formula, never chart markup or
    mathtext (between two `$` the plotting library would read a formula)."""
    title = "=Kosten $5 <b>& $6 meer"
    _rename_controles(admin, title)
    sheet = _workbook(admin.get(f"{PROGRESS}&format=xlsx").content).active
    header = [cell.value for cell in sheet[1]]
    cell = next(
        row[header.index("title")]
        for row in sheet.iter_rows(min_row=2)
        if row[header.index("code")].value == "p1-integrale-controles"
    )
    assert (cell.value, cell.data_type) == (title, "s")
    assert f"'{title}" in admin.get(f"{PROGRESS}&format=csv").content.decode("utf-8-sig")
    assert title in _svg_texts(admin.get(f"{PROGRESS}&format=svg").content)
    burn_up = admin.get(f"{SERIES}&format=svg")
    assert burn_up.status_code == 200
    assert any(title in text for text in _svg_texts(burn_up.content))
    assert admin.get(f"{SERIES}&format=png").status_code == 200


def test_control_characters_in_text_do_not_break_a_file(
    db: Session, admin: ApiClient, restore_indicators: None
) -> None:
    """Text fields take control characters that XML (DOCX, XLSX, SVG) cannot hold. Found by
    schemathesis: the terugblik as DOCX answered 500. Every file still opens, with the
    character shown as U+FFFD, the replacement character."""
    title = "Controles\x0b in\x1f de \ufffestad"
    shown = "Controles\ufffd in\ufffd de \ufffdstad"
    _rename_controles(admin, title)
    add_record(
        db,
        "campaigns",
        kind="bewustwordingsbijeenkomst",
        starts_on=date(2023, 2, 1),
        organisations=["Mo\x0btus"],
        title="Bijeen\x01komst",
    )
    add_record(db, "inspections", kind="integrale-controle", occurred_on=date(2023, 2, 2))
    db.commit()
    for url in (PROGRESS, SERIES, TERUGBLIK):
        for name in ("svg", "png", "xlsx", "csv", "docx", "md"):
            response = admin.get(f"{url}&format={name}&charts=true")
            if response.status_code == 400:
                continue  # a format this endpoint does not have
            assert response.status_code == 200, (url, name, response.text[:200])
            content = response.content
            if name == "svg":
                assert any(shown in text for text in _svg_texts(content))
            elif name == "png":
                assert Image.open(io.BytesIO(content)).format == "PNG"
            elif name == "xlsx":
                values = [v for row in _sheet_rows(content) for v in row.values()]
                assert shown in values
            elif name == "docx":
                text = "\n".join(p for _, p in _paragraphs(content))
                assert "samen met Mo\ufffdtus" in text
                assert "\x0b" not in text
    sentences = admin.get(TERUGBLIK).json()["pillars"][2]["sentences"]
    assert any("samen met Mo\x0btus" in sentence for sentence in sentences)
