"""Every confidentiality level × persona × route: exactly the allowed fields, else 404 or absent.

Markers: TEASER_MARKER in the teaser, POSTER_MARKER in the poster's name, DETAILS_MARKER in the
protected details, ATTACHMENT_NAME as the attachment's file name.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from loket.challenges import services
from loket.challenges.models import Confidentiality, SavedSearch
from loket.challenges.tests.conftest import DETAILS_MARKER, POSTER_MARKER, make_item

TEASER_MARKER = "ZQXTEASER5520"
ATTACHMENT_NAME = "zqxattach9090.pdf"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

LEVELS = [c.value for c in Confidentiality]
PERSONAS = [
    "anonymous",
    "anna",
    "bram",
    "chloe_none",
    "chloe_pending",
    "chloe_accepted",  # accepted with an NDA that is not yet accepted by both sides
    "chloe_open",  # accepted and both sides accepted the NDA
    "dirk",
    "cora",
]


def expected(level: str, persona: str) -> dict[str, bool]:
    poster_side = persona in {"anna", "bram"}
    chloe = persona.startswith("chloe")
    teaser = (
        poster_side
        or persona == "cora"
        or (level == "public")
        or (persona != "anonymous" and level in {"members", "anonymous"})
        or (level == "invited" and chloe)  # org B is invited, the unrelated org is not
    )
    accepted = persona in {"chloe_accepted", "chloe_open"}
    poster = teaser and (poster_side or level != "anonymous" or accepted)
    details = poster_side or persona == "chloe_open"
    return {"teaser": teaser, "poster": poster, "details": details, "conversation": details}


@pytest.fixture
def world(anna, bram, chloe, dirk, cora, poster_org, org_b, org_u):
    return {"anna": anna, "bram": bram, "chloe": chloe, "dirk": dirk, "cora": cora}


def build(level: str, persona: str, world, poster_org, org_b):
    anna, chloe = world["anna"], world["chloe"]
    item = make_item(
        user=anna,
        organisation=poster_org,
        confidentiality=level,
        invited=[org_b],
        teaser=f"Cold-room sensors wanted {TEASER_MARKER}.",
    )
    services.attachment_store(
        user=anna,
        challenge=item,
        upload=SimpleUploadedFile(ATTACHMENT_NAME, PDF, content_type="application/pdf"),
    )
    interest = None
    if persona in {"chloe_pending", "chloe_accepted", "chloe_open"}:
        interest = services.interest_create(
            user=chloe, challenge=item, organisation=org_b, message="We can help."
        )
    if persona in {"chloe_accepted", "chloe_open"}:
        interest = services.interest_decide(
            user=anna, interest=interest, accept=True, nda_language="en"
        )
    if persona == "chloe_open":
        sha = interest.nda_text.sha256
        services.nda_accept(user=chloe, interest=interest, text_sha256=sha)
        services.nda_accept(user=anna, interest=interest, text_sha256=sha)
        services.message_send(user=anna, interest=interest, body="Welcome ZQXMSG1")
    return item, interest


def _user_for(persona, world):
    if persona == "anonymous":
        return None
    return world[persona.split("_")[0]]


def _check_body(body: str, allowed: dict[str, bool], where: str) -> None:
    assert (TEASER_MARKER in body) == allowed["teaser"], where + " teaser"
    assert (POSTER_MARKER in body) == allowed["poster"], where + " poster"
    assert (DETAILS_MARKER in body) == allowed["details"], where + " details"
    assert (ATTACHMENT_NAME in body) == allowed["details"], where + " attachment"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("level", LEVELS)
def test_access_matrix(level, persona, world, poster_org, org_b, client_for):
    item, interest = build(level, persona, world, poster_org, org_b)
    user = _user_for(persona, world)
    allowed = expected(level, persona)
    client = client_for(user)

    # Detail page: 404 and nothing, or exactly the allowed fields (attributes included).
    response = client.get(f"/challenges/{item.pk}/")
    assert response.status_code == (200 if allowed["teaser"] else 404)
    _check_body(response.content.decode(), allowed, "detail")

    # List and search (by teaser word, poster name, details marker): teaser at most, never details.
    link = f'href="/challenges/{item.pk}/"'
    for query in ["", "sensors"]:
        body = client.get("/challenges/", {"q": query}).content.decode()
        assert (TEASER_MARKER in body) == allowed["teaser"], f"list q={query}"
        assert (link in body) == allowed["teaser"], f"list link q={query}"
        assert (POSTER_MARKER in body) == (allowed["teaser"] and allowed["poster"]), "list poster"
        assert DETAILS_MARKER not in body
    # Searching for the poster's name or a details word never finds the item (not indexed).
    for query in [POSTER_MARKER, DETAILS_MARKER]:
        body = client.get("/challenges/", {"q": query}).content.decode()
        assert link not in body and TEASER_MARKER not in body, f"search q={query}"
    htmx = client.get("/challenges/", {"q": "sensors"}, headers={"HX-Request": "true"})
    assert (TEASER_MARKER in htmx.content.decode()) == allowed["teaser"]

    # API detail and list.
    api = client.get(f"/api/v1/challenges/{item.pk}")
    if user is None:
        assert api.status_code == 401
    else:
        assert api.status_code == (200 if allowed["teaser"] else 404)
        _check_body(api.content.decode(), allowed, "api detail")
        if allowed["teaser"]:
            data = api.json()
            assert (data["poster"] is not None) == allowed["poster"]
            assert (data["details"] is not None) == allowed["details"]
            assert (data["attachments"] is not None) == allowed["details"]
        listing = client.get("/api/v1/challenges/", {"q": "sensors"}).content.decode()
        assert (TEASER_MARKER in listing) == allowed["teaser"]
        assert (POSTER_MARKER in listing) == allowed["poster"]
        assert DETAILS_MARKER not in listing

    # Attachment download.
    attachment = item.attachments.get()
    download = client.get(f"/challenges/{item.pk}/attachments/{attachment.pk}/")
    assert download.status_code == (200 if allowed["details"] else 404)
    if allowed["details"]:
        assert download["Content-Disposition"].startswith("attachment")
        assert download["X-Content-Type-Options"] == "nosniff"
        assert b"".join(download.streaming_content) == PDF

    # Write routes: only the poster's members; everyone else 404 (or the login page) and no change.
    poster_side = persona in {"anna", "bram"}
    version = item.version
    edit = client.get(f"/challenges/{item.pk}/edit/")
    assert edit.status_code == (200 if poster_side else 404 if user else 302)
    if not poster_side:
        assert DETAILS_MARKER not in edit.content.decode()
        r = client.post(f"/challenges/{item.pk}/close/", {"reason": "withdrawn"})
        assert r.status_code in ({404} if user else {302})
        r = client.post(f"/challenges/{item.pk}/edit/", {"title": "pwned"})
        assert r.status_code in ({404} if user else {302})
        r = client.patch(
            f"/api/v1/challenges/{item.pk}", {"title": "pwned"}, content_type="application/json"
        )
        assert r.status_code in {401, 404}
        item.refresh_from_db()
        assert item.status == "published" and item.version == version and item.title != "pwned"

    # Interests, NDA and conversation of org B's interest.
    if interest is not None:
        sees_interest = persona.startswith("chloe") or poster_side
        nda = client.get(f"/challenges/interests/{interest.pk}/nda/")
        conv = client.get(f"/challenges/interests/{interest.pk}/conversation/")
        if not sees_interest:
            assert nda.status_code in {302, 404} and conv.status_code in {302, 404}
        else:
            assert conv.status_code == 200
            assert ("ZQXMSG1" in conv.content.decode()) == allowed["conversation"]
            api_msgs = client.get(f"/api/v1/challenges/interests/{interest.pk}/messages")
            assert api_msgs.status_code == (200 if allowed["conversation"] else 404)
        for other in ("dirk", "cora"):
            outsider = client_for(world[other])
            assert outsider.get(f"/challenges/interests/{interest.pk}/nda/").status_code == 404
            assert (
                outsider.get(f"/challenges/interests/{interest.pk}/conversation/").status_code
                == 404
            )
            assert (
                outsider.get(f"/api/v1/challenges/interests/{interest.pk}/messages").status_code
                == 404
            )
            assert (
                outsider.post(
                    f"/challenges/interests/{interest.pk}/decide/", {"decision": "decline"}
                ).status_code
                == 404
            )

    # In-app notifications and the API copy of them.
    if user is not None:
        body = client.get("/challenges/notifications/").content.decode()
        body += client.get("/api/v1/challenges/notifications").content.decode()
        assert DETAILS_MARKER not in body
        if not allowed["poster"]:
            assert POSTER_MARKER not in body

    # Digest: what an alert of this user would send.
    if user is not None:
        alert = SavedSearch.objects.create(
            user=user,
            query="sensors",
            frequency="daily",
            last_sent_at=timezone.now() - timezone.timedelta(days=2),
        )
        from django.core import mail

        mail.outbox = []
        services.digests_send(frequency="daily", now=timezone.now())
        text = "".join(m.subject + m.body for m in mail.outbox)
        assert (TEASER_MARKER in text) == allowed["teaser"], "digest teaser"
        assert (POSTER_MARKER in text) == allowed["poster"], "digest poster"
        assert DETAILS_MARKER not in text
        alert.delete()
