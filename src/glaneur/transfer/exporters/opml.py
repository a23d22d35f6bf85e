"""The topic's feeds as OPML, for a feed reader to subscribe in one step."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from django.urls import reverse

from glaneur.curation.models import Topic

FEEDS = (("syndication:topic-rss", "RSS"), ("syndication:topic-atom", "Atom"),
         ("syndication:topic-json", "JSON Feed"))  # fmt: skip


def export_opml(topic: Topic, *, base_url: str) -> bytes:
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = topic.title
    body = ET.SubElement(opml, "body")
    page = base_url + topic.get_absolute_url()
    folder = ET.SubElement(body, "outline", text=topic.title, title=topic.title)
    for name, kind in FEEDS:
        label = f"{topic.title} ({kind})"
        ET.SubElement(
            folder,
            "outline",
            type="rss",
            text=label,
            title=label,
            xmlUrl=base_url + reverse(name, kwargs={"slug": topic.slug}),
            htmlUrl=page,
            language=topic.language,
        )
        if topic.description:
            folder[-1].set("description", topic.description)
    ET.indent(opml)
    return ET.tostring(opml, encoding="utf-8", xml_declaration=True) + b"\n"
