"""The README's "for analysts" links work after `seed-demo`: each answers 200 with the file
its comment names, and the file opens (openpyxl, Pillow, python-docx)."""

import io
import re
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from PIL import Image
from sqlmodel import Session

from app.reports.seed import seed_letter_results
from tests.conftest import MakeClient

README = Path(__file__).parents[2] / "README.md"
API = "http://127.0.0.1:8000/api/v1"


def analyst_examples() -> list[tuple[str, str]]:
    """(comment, path) for each `curl` line of the README's analysts section."""
    section = README.read_text(encoding="utf-8").split("### Voor analisten", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    examples = []
    comment = ""
    for line in block.splitlines():
        if line.startswith("# "):
            comment = line[2:]
        elif line.startswith("curl "):
            url = re.search(r'"\$API(/[^"]+)"', line)
            assert url, line
            examples.append((comment, url.group(1)))
    return examples


def test_the_section_has_the_three_links_the_issue_asks_for() -> None:
    formats = [re.findall(r"format=(\w+)", path) for _, path in analyst_examples()]
    assert formats == [["xlsx"], ["png"], ["docx"]]
    assert f"API={API}" in README.read_text(encoding="utf-8")


def test_the_links_work_after_seed_demo(db: Session, make_client: MakeClient) -> None:
    seed_letter_results(db)
    db.commit()
    analyst = make_client("analyst", name="analist")
    for comment, path in analyst_examples():
        response = analyst.get(f"/api/v1{path}")
        assert response.status_code == 200, (path, response.text[:300])
        disposition = response.headers["content-disposition"]
        assert re.match(r'(attachment|inline); filename="[^"]+"', disposition), disposition
        named = re.search(r"(\S+\.(xlsx|png|docx))", comment)
        if named:
            assert named.group(1) in disposition
        body = io.BytesIO(response.content)
        if "format=xlsx" in path:
            sheet = load_workbook(body).active
            assert sheet is not None
            values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
            assert "p1-integrale-controles" in values
        elif "format=png" in path:
            image = Image.open(body)
            assert image.format == "PNG"
            assert image.width >= 600
            assert image.height >= 300
        else:
            document = Document(body)
            text = "\n".join(p.text for p in document.paragraphs)
            assert "Er hebben drie integrale controledagen plaatsgevonden" in text
            assert document.inline_shapes, "charts=true: a picture"
