"""Each published version's PDF: printed once at publication from its stored body, holding
the page's facts (text read back with pdftotext, Debian poppler-utils), served with its
SHA-256; WeasyPrint reads only our own static files."""

import hashlib
import re
import shutil
import subprocess

import pytest

from tests.pagetext import squash

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="需要 pdftotext（Debian poppler-utils，.ci/run 安装）"
)


@pytest.fixture
def reference(settings, reference_data):
    """The reference disclosure, published with its PDF (off in the other test modules: it
    takes a second or more); overrides conftest's, so `editor` etc. see this one."""
    from portal.disclosure_file import load_disclosure_file

    settings.PUBLICATION_PDF = True
    return load_disclosure_file().disclosure


def pdf_text(path):
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    # The footer repeats on every page; it may fall between two halves of a sentence.
    return squash("\n".join(line for line in text.splitlines() if "第1版 · " not in line))


def test_the_pdf_holds_the_pages_facts_and_is_served_with_its_checksum(
    reference, reference_text, client
):
    disclosure = reference
    assert disclosure.pdf and disclosure.pdf_checksum
    content = disclosure.pdf.read()
    assert hashlib.sha256(content).hexdigest() == disclosure.pdf_checksum

    text = pdf_text(disclosure.pdf.path)
    amounts = set(re.findall(r"\d+(?:\.\d+)?万元", reference_text))
    counts = set(re.findall(r"\d+(?:人|辆|个科室)", reference_text))
    assert len(amounts) > 20
    assert sorted(fact for fact in amounts | counts if fact not in text) == []
    assert "重庆市渝中区人民政府办公室2025年部门预算情况说明" in text
    assert "一般公共预算“三公”经费支出表（单位：万元）" in text
    assert "单位预算公开联系人：严天洁联系方式：023-63259683" in text
    # The footer: the page's address, version and publication date.
    raw = subprocess.run(
        ["pdftotext", str(disclosure.pdf.path), "-"], capture_output=True, text=True
    ).stdout
    assert f"{disclosure.get_absolute_url()} · 第1版 · 2025年2月12日公开" in raw

    page = client.get(disclosure.get_absolute_url()).content.decode()
    assert f'href="/disclosures/{disclosure.pk}.pdf"' in page
    assert disclosure.pdf_checksum in page
    response = client.get(f"/disclosures/{disclosure.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["ETag"] == f'"{disclosure.pdf_checksum}"'
    assert b"".join(response.streaming_content) == content
    # The data package lists the PDF with its checksum.
    listed = client.get("/open-data/disclosures.csv")
    rows = b"".join(listed.streaming_content if listed.streaming else [listed.content])
    row = next(
        line for line in rows.decode("utf-8-sig").splitlines() if disclosure.pdf_checksum in line
    )
    assert f"/disclosures/{disclosure.pk}.pdf" in row


def test_a_version_without_a_pdf_has_no_link_and_no_file(client, reference_data):
    from tests import factories

    d = factories.disclosure(lines=[("2010301", "1", "0")])  # PDFs off: none rendered
    assert not d.pdf
    assert ".pdf" not in client.get(d.get_absolute_url()).content.decode()
    assert client.get(f"/disclosures/{d.pk}.pdf").status_code == 404


def test_weasyprint_reads_our_static_files_and_nothing_else(db):
    from portal.pdf import BASE_URL, _fetcher_class

    fetcher = _fetcher_class()()
    css = fetcher.fetch(BASE_URL + "static/portal/site.css")
    assert b"Noto Sans CJK SC" in css.read()
    for url in (
        "https://example.com/static/portal/site.css",
        BASE_URL + "admin/",
        "file:///etc/passwd",
        BASE_URL + "static/../../portal/settings.py",
    ):
        with pytest.raises(Exception):  # noqa: B017 -- any refusal will do; WeasyPrint skips it
            fetcher.fetch(url)


def test_a_correction_gets_its_own_pdf_at_its_publication_not_the_old_one(
    reference, superuser, editor, reviewer
):
    from budgets.workflow import disclosure_correct
    from tests.conftest import publish

    draft = disclosure_correct(disclosure=reference, user=superuser, reason="更正数字")
    assert not draft.pdf and draft.pdf_checksum is None
    published = publish(draft, editor, reviewer)
    assert published.pdf and published.pdf.name != reference.pdf.name
    assert (
        "第2版"
        in subprocess.run(
            ["pdftotext", published.pdf.path, "-"], capture_output=True, text=True
        ).stdout
    )
