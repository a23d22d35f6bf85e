"""Posts as a Netscape bookmarks file (what browsers, linkding and Pocket read).

A post without a source link points to its page here; drafts are marked PRIVATE.
"""

from __future__ import annotations

from django.utils.html import escape

from glaneur.curation.models import Post, Topic

from .queries import export_posts, iterate, tag_names

HEADER = """<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>{title}</TITLE>
<H1>{title}</H1>
<DL><p>
"""


def export_netscape(topic: Topic, *, base_url: str, full: bool = True) -> bytes:
    lines = [HEADER.format(title=escape(topic.title))]
    for post in iterate(export_posts(topic, full=full), topic):
        href = post.url or base_url + post.get_absolute_url()
        attributes = [
            f'HREF="{escape(href)}"',
            f'ADD_DATE="{int(post.curated_at.timestamp())}"',
            f'LAST_MODIFIED="{int(post.updated_at.timestamp())}"',
        ]
        if post.status != Post.Status.PUBLISHED:
            attributes.append('PRIVATE="1"')
        tags = tag_names(post)
        if tags:
            attributes.append(f'TAGS="{escape(",".join(tags))}"')
        lines.append(f"    <DT><A {' '.join(attributes)}>{escape(post.title)}</A>\n")
        description = post.summary or post.insight
        if description:
            lines.append(f"    <DD>{escape(description)}\n")
    lines.append("</DL><p>\n")
    return "".join(lines).encode("utf-8")
