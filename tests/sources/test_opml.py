"""OPML import and export of a topic's sources: a round trip keeps every source, nested
categories are flattened, a bad file names its line and imports nothing."""

from __future__ import annotations

import pytest
from lxml import etree

from glaneur.curation.models import Topic
from glaneur.sources import opml, services
from glaneur.sources.models import Source
from tests.factories import make_topic

pytestmark = pytest.mark.django_db

READER_EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Mes abonnements</title></head>
  <body>
    <outline text="Emploi" title="Emploi">
      <outline text="Pôle emploi" type="rss" xmlUrl="https://example.org/emploi.xml" htmlUrl="https://example.org/"/>
      <outline text="Régions">
        <outline text="Bretagne" type="rss" xmlUrl="https://bretagne.example/feed"/>
      </outline>
    </outline>
    <outline text="Un blog sans flux" htmlUrl="https://blog.example/actus/"/>
    <outline text="apprentissage" type="keyword"/>
  </body>
</opml>
""".encode()


def _rows(topic: Topic) -> list[tuple[str, str, str, str]]:
    return sorted(Source.objects.filter(topic=topic).values_list("kind", "url", "query", "title"))


def test_a_reader_export_with_categories_is_imported_flat(topic: Topic) -> None:
    report = services.import_opml(topic, topic.owner, READER_EXPORT)
    assert len(report.added) == 4 and report.skipped == []
    assert _rows(topic) == [
        ("feed", "https://bretagne.example/feed", "", "Bretagne"),
        ("feed", "https://example.org/emploi.xml", "", "Pôle emploi"),
        ("keyword", "", "apprentissage", ""),
        ("page", "https://blog.example/actus/", "", "Un blog sans flux"),
    ]
    again = services.import_opml(topic, topic.owner, READER_EXPORT)
    assert again.added == [] and len(again.skipped) == 4


def test_export_is_valid_opml_2_and_round_trips(topic: Topic) -> None:
    services.import_opml(topic, topic.owner, READER_EXPORT)
    data = services.export_opml(topic)
    root = etree.fromstring(data)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert topic.title in root.findtext("head/title", "")
    assert root.findtext("head/dateCreated", "").endswith("GMT")
    assert all(o.get("text") for o in root.iter("outline"))  # required by OPML 2.0
    other = make_topic(owner=topic.owner)
    services.import_opml(other, topic.owner, data)
    assert _rows(other) == _rows(topic)


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (
            b'<opml><body>\n<outline text="a" xmlUrl="https://a.example/f"/>\n'
            b'<outline text="b" xmlUrl="https://b.example/f">\n</body></opml>',
            4,
            "bien formé",
        ),
        (
            b'<opml><body>\n<outline text="a" xmlUrl="https://a.example/f"/>\n'
            b'<outline text="b" xmlUrl="javascript:alert(1)"/>\n</body></opml>',
            3,
            "http",
        ),
        (
            b'<opml><body>\n<outline text="a" xmlUrl="https://a.example/f"/>\n'
            b"<p>nope</p></body></opml>",
            3,
            "<p>",
        ),
        (b'<rss version="2.0"><channel/></rss>', 1, "<rss>"),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;">]>\n<opml><body><outline text="&b;" '
            b'xmlUrl="https://a.example/f"/></body></opml>',
            1,
            "DOCTYPE",
        ),
    ],
)
def test_a_bad_file_names_its_line_and_imports_nothing(
    topic: Topic, data: bytes, line: int, words: str
) -> None:
    with pytest.raises(services.ImportFailed) as caught:
        services.import_opml(topic, topic.owner, data)
    assert caught.value.line == line
    assert words in caught.value.messages[0] and f"{line}" in caught.value.messages[0]
    assert not Source.objects.exists()


def test_an_empty_or_huge_file_is_refused() -> None:
    with pytest.raises(opml.OpmlError):
        opml.parse(b"  ")
    with pytest.raises(opml.OpmlError) as caught:
        opml.parse(b"<opml>" + b" " * (opml.MAX_BYTES + 1) + b"</opml>")
    assert "trop gros" in caught.value.reason


def test_export_drops_characters_xml_cannot_carry(topic: Topic) -> None:
    topic.title = "Emploi\x01 local\x1f"
    topic.save()
    Source.objects.create(topic=topic, kind="keyword", query="appren\x0btissage")
    Source.objects.create(topic=topic, url="https://a.example/f", title="Flux\x08 A")
    root = etree.fromstring(services.export_opml(topic))
    assert "Emploi local" in root.findtext("head/title", "")
    assert [o.get("text") for o in root.iter("outline")] == ["apprentissage", "Flux A"]
