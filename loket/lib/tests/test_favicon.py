"""The favicon: linked from every page, and /favicon.ico (asked for by browsers and crawlers
regardless of the link) leads to it instead of a 404."""

from xml.etree import ElementTree

from django.templatetags.static import static

ICON = static("img/favicon.svg")


def test_pages_link_the_svg_icon(client, db):
    body = client.get("/").content.decode()
    assert f'<link rel="icon" href="{ICON}" type="image/svg+xml">' in body


def test_favicon_ico_redirects_to_the_served_svg(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == ICON
    icon = client.get(ICON)
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    svg = b"".join(icon.streaming_content) if icon.streaming else icon.content
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own file)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"<script" not in svg and b"href" not in svg  # nothing active in an image
