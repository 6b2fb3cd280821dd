import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from loket.challenges import policy, services
from loket.challenges.models import (
    Attachment,
    Challenge,
    Notification,
    SavedSearch,
)
from loket.challenges.tests.conftest import DETAILS_MARKER, POSTER_MARKER, make_item
from loket.challenges.uploads import sniff

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = _zip(["[Content_Types].xml", "word/document.xml"])


# --- policy (pure) ---------------------------------------------------------------------------


def test_policy_anonymous_item_hides_poster_until_accepted():
    viewer = policy.Viewer(authenticated=True, organisation_ids=frozenset({2}))
    item = policy.Item(organisation_id=1, confidentiality="anonymous", status="published")
    assert policy.access(viewer, item).teaser
    assert not policy.access(viewer, item).poster
    pending = policy.Relation(status="pending")
    assert not policy.access(viewer, item, pending).poster
    accepted_nda = policy.Relation(status="accepted", nda_required=True)
    assert policy.access(viewer, item, accepted_nda).poster
    assert not policy.access(viewer, item, accepted_nda).details
    signed = policy.Relation(status="accepted", nda_required=True, nda_complete=True)
    assert policy.access(viewer, item, signed).details


def test_policy_curator_sees_teasers_but_never_details_or_anonymous_poster():
    curator = policy.Viewer(authenticated=True, curator=True)
    item = policy.Item(
        organisation_id=1, confidentiality="anonymous", status="published", hidden=True
    )
    access = policy.access(curator, item)
    assert access.teaser and access.can_moderate
    assert not (access.poster or access.details or access.attachments or access.conversation)
    draft = policy.Item(organisation_id=1, confidentiality="public", status="draft")
    assert not policy.access(curator, draft).teaser


# --- uploads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "accepted"),
    [
        ("plan.pdf", PDF, True),
        ("photo.png", PNG, True),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, True),
        ("spec.docx", DOCX, True),
        ("photo.pdf", PNG, False),  # disguised
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 20, False),  # executable renamed
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            False,
        ),
        ("drawing.png", b"<svg onload=alert(1)>", False),
        ("bundle.zip", _zip(["a.txt"]), False),
        ("bundle.docx", _zip(["a.txt"]), False),  # a zip pretending to be DOCX
        (
            "macro.docx",
            _zip(["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"]),
            False,
        ),
        ("page.pdf", b"<html><script>alert(1)</script>", False),
        ("empty.pdf", b"", False),
        ("a.tar.gz", b"\x1f\x8b\x08\x00", False),
    ],
)
def test_sniff_decides_by_content(name, data, accepted):
    assert (sniff(data, name).content_type is not None) == accepted


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.pdf", PNG, "does not match its name"),
        ("drawing.svg", b"<svg><script>alert(1)</script></svg>", "not accepted"),
        ("bundle.zip", _zip(["a.txt"]), "Archives"),
        ("setup.pdf", b"MZ" + b"\x00" * 30, "Programs"),
        ("huge.pdf", PDF + b"0" * 3000, "too large"),
    ],
)
def test_bad_uploads_are_refused_with_a_message_and_nothing_is_stored(
    name, data, message, anna, poster_org, client_for, settings
):
    settings.LOKET_CHALLENGE_ATTACHMENT_MAX_BYTES = 2000
    settings.LANGUAGE_CODE = "en"
    item = make_item(user=anna, organisation=poster_org, confidentiality="public")
    client = client_for(anna)
    response = client.post(
        f"/challenges/{item.pk}/attachments/",
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    folder = settings.MEDIA_ROOT / "challenges"
    assert not folder.exists() or list(folder.iterdir()) == []


@pytest.mark.django_db
def test_good_upload_is_stored_outside_static_with_a_random_name(
    anna, poster_org, client_for, settings
):
    item = make_item(user=anna, organisation=poster_org, confidentiality="public")
    client_for(anna).post(
        f"/challenges/{item.pk}/attachments/",
        {"file": SimpleUploadedFile('../../etc/"evil".docx', DOCX)},
    )
    attachment = Attachment.objects.get()
    assert attachment.original_name == "_evil_.docx"
    assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
    files = list((settings.MEDIA_ROOT / "challenges").iterdir())
    assert [f.name for f in files] == [attachment.stored_name]
    response = client_for(anna).get(f"/challenges/{item.pk}/attachments/{attachment.pk}/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]


# --- text is text ----------------------------------------------------------------------------

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1) hx-get="/admin/">'


@pytest.mark.django_db
def test_html_and_script_in_every_text_field_render_as_text(
    anna, chloe, poster_org, org_b, client_for
):
    item = make_item(
        user=anna,
        organisation=poster_org,
        confidentiality="public",
        title="T " + PAYLOAD,
        teaser="Teaser " + PAYLOAD,
        details="Details " + PAYLOAD,
        tags=["tag" + PAYLOAD],
        call_reference=PAYLOAD[:150],
    )
    interest = services.interest_create(
        user=chloe, challenge=item, organisation=org_b, message="Msg " + PAYLOAD
    )
    services.interest_decide(user=anna, interest=interest, accept=True)
    services.message_send(user=chloe, interest=interest, body="Body " + PAYLOAD)
    pages = [
        client_for(anna).get(f"/challenges/{item.pk}/"),
        client_for(chloe).get(f"/challenges/{item.pk}/"),
        client_for(chloe).get("/challenges/"),
        client_for(anna).get(f"/challenges/interests/{interest.pk}/conversation/"),
        client_for(anna).get("/challenges/notifications/"),
        client_for(anna).get("/challenges/mine/"),
    ]
    for response in pages:
        body = response.content.decode()
        assert "<script>alert" not in body
        assert "<img src=x" not in body
        assert 'hx-get="/admin/"' not in body
        assert "&lt;script&gt;" in body or "&lt;img" in body
        assert "script-src 'self'" in response["Content-Security-Policy"]


# --- edits lose nothing ----------------------------------------------------------------------


@pytest.mark.django_db
def test_failed_edit_keeps_what_was_typed_and_changes_nothing(anna, poster_org, client_for):
    item = make_item(user=anna, organisation=poster_org, confidentiality="public")
    before = Challenge.objects.values().get(pk=item.pk)
    typed = "My long new details that must not be lost ZQXTYPED"
    response = client_for(anna).post(
        f"/challenges/{item.pk}/edit/",
        {
            "kind": "challenge",
            "title": "",  # invalid
            "teaser": "New teaser",
            "details": typed,
            "confidentiality": "public",
            "version": item.version,
        },
    )
    assert response.status_code == 200
    assert typed in response.content.decode()
    assert Challenge.objects.values().get(pk=item.pk) == before


@pytest.mark.django_db
def test_stale_edit_is_refused_and_keeps_the_form(anna, bram, poster_org, client_for):
    item = make_item(user=anna, organisation=poster_org, confidentiality="public")
    old_version = item.version
    services.challenge_update(user=bram, challenge=item, data={"title": "Bram's title"})
    typed = "Newer text by Anna ZQXANNA"
    response = client_for(anna).post(
        f"/challenges/{item.pk}/edit/",
        {
            "kind": "challenge",
            "title": "Anna's title",
            "teaser": "Teaser",
            "details": typed,
            "confidentiality": "public",
            "version": old_version,
        },
    )
    assert response.status_code == 200
    assert typed in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Bram's title"


# --- lifecycle -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_expiry_with_a_controlled_clock(anna, poster_org, monkeypatch):
    today = timezone.localdate()
    item = make_item(
        user=anna,
        organisation=poster_org,
        confidentiality="members",
        deadline=today + dt.timedelta(days=3),
    )
    call_command("expire_challenges")
    item.refresh_from_db()
    assert item.status == "published"
    later = today + dt.timedelta(days=4)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: later)
    from loket.challenges.tasks import challenges_expire_task

    result = challenges_expire_task.enqueue()
    assert result.return_value == 1
    item.refresh_from_db()
    assert (item.status, item.close_reason) == ("closed", "expired")
    assert services.challenges_expire() == 0  # a second run changes nothing
    assert Notification.objects.filter(user=anna, url=f"/challenges/{item.pk}/").count() == 1


@pytest.mark.django_db
def test_curator_hides_with_a_logged_reason(anna, chloe, cora, poster_org, client_for):
    item = make_item(user=anna, organisation=poster_org, confidentiality="public")
    assert (
        client_for(chloe)
        .post(f"/challenges/{item.pk}/moderate/", {"action": "hide", "reason": "x"})
        .status_code
        == 404
    )
    client_for(chloe).post(f"/challenges/{item.pk}/report/", {"reason": "Spam ZQXREPORT"})
    queue = client_for(cora).get("/challenges/moderation/").content.decode()
    assert "ZQXREPORT" in queue
    assert client_for(chloe).get("/challenges/moderation/").status_code == 404
    client_for(cora).post(f"/challenges/{item.pk}/moderate/", {"action": "hide", "reason": ""})
    assert not Challenge.objects.get(pk=item.pk).hidden_by_curator  # reason required
    client_for(cora).post(
        f"/challenges/{item.pk}/moderate/", {"action": "hide", "reason": "Misleading ZQXWHY"}
    )
    assert client_for(chloe).get(f"/challenges/{item.pk}/").status_code == 404
    assert "ZQXWHY" in client_for(anna).get(f"/challenges/{item.pk}/").content.decode()
    assert client_for(cora).get(f"/challenges/{item.pk}/").status_code == 200


@pytest.mark.django_db
def test_anonymous_report_queue_hides_the_poster(anna, chloe, cora, poster_org, client_for):
    item = make_item(user=anna, organisation=poster_org, confidentiality="anonymous")
    client_for(chloe).post(f"/challenges/{item.pk}/report/", {"reason": "Spam ZQXREPORT"})
    queue = client_for(cora).get("/challenges/moderation/").content.decode()
    assert "ZQXREPORT" in queue
    assert POSTER_MARKER not in queue and DETAILS_MARKER not in queue


@pytest.mark.django_db
def test_drafts_are_seen_by_the_poster_only(anna, bram, chloe, cora, poster_org, client_for):
    item = make_item(user=anna, organisation=poster_org, confidentiality="public", publish=False)
    assert client_for(bram).get(f"/challenges/{item.pk}/").status_code == 200
    for user in (None, chloe, cora):
        assert client_for(user).get(f"/challenges/{item.pk}/").status_code == 404
    assert client_for(chloe).post(f"/challenges/{item.pk}/publish/").status_code == 404
    assert Challenge.objects.get(pk=item.pk).status == "draft"


@pytest.mark.django_db
def test_invited_organisations_are_notified_and_no_one_else(
    anna, chloe, dirk, poster_org, org_b, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        make_item(user=anna, organisation=poster_org, confidentiality="invited", invited=[org_b])
    assert Notification.objects.filter(user=chloe, text__contains="invited").count() == 1
    assert not Notification.objects.filter(user=dirk).exists()
    assert [m.to for m in mailoutbox] == [[chloe.email]]


# --- alerts and digests ----------------------------------------------------------------------


@pytest.mark.django_db
def test_digest_unsubscribe_in_one_click_without_login(anna, chloe, poster_org, client, mailoutbox):
    alert = SavedSearch.objects.create(
        user=chloe,
        query="sensors",
        frequency="weekly",
        last_sent_at=timezone.now() - dt.timedelta(days=8),
    )
    make_item(user=anna, organisation=poster_org, confidentiality="anonymous")
    now = timezone.now()
    assert services.digests_send(frequency="daily", now=now) == 0
    assert services.digests_send(frequency="weekly", now=now) == 1
    assert services.digests_send(frequency="weekly", now=now) == 0  # delivered twice: once
    message = mailoutbox[0]
    assert POSTER_MARKER not in message.body and DETAILS_MARKER not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.search(r"https://loket\.example(/challenges/unsubscribe/[^\s]+/)", message.body)[1]
    assert client.get(url).status_code == 200
    alert.refresh_from_db()
    assert not alert.active
    assert client.get(url.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 404
    client.post(url, {"resubscribe": "1"})
    alert.refresh_from_db()
    assert alert.active
    assert client.post(url).status_code == 200  # RFC 8058 one-click POST, no CSRF token
    alert.refresh_from_db()
    assert not alert.active


@pytest.mark.django_db
def test_profile_digest_finds_items_that_fit_the_organisation(
    anna, chloe, poster_org, org_b, mailoutbox
):
    org_b.description = "Logistics services for ports and cold chains."
    org_b.save()
    alert = services.saved_search_create(
        user=chloe, match_profile=True, organisation=org_b, frequency="daily"
    )
    SavedSearch.objects.filter(pk=alert.pk).update(
        last_sent_at=timezone.now() - dt.timedelta(days=2)
    )
    make_item(
        user=anna,
        organisation=poster_org,
        confidentiality="members",
        title="Port logistics pilot",
        teaser="We need a cold chain logistics partner.",
    )
    make_item(
        user=anna,
        organisation=poster_org,
        confidentiality="members",
        title="Bakery ovens",
        teaser="Bread ovens with less energy.",
        tags=["oven"],
    )
    assert services.digests_send(frequency="daily") == 1
    assert "Port logistics pilot" in mailoutbox[0].body
    assert "Bakery ovens" not in mailoutbox[0].body
    assert POSTER_MARKER in mailoutbox[0].body  # members-level items name the poster


@pytest.mark.django_db
def test_list_page_query_count_does_not_grow_with_items(
    anna, chloe, poster_org, client_for, django_assert_max_num_queries
):
    for n in range(3):
        make_item(user=anna, organisation=poster_org, confidentiality="members", title=f"Item {n}")
    client = client_for(chloe)
    client.get("/challenges/")
    with django_assert_max_num_queries(16) as few:
        client.get("/challenges/")
    for n in range(12):
        make_item(user=anna, organisation=poster_org, confidentiality="members", title=f"More {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/challenges/")


# --- API writes ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_refuses_foreign_organisation_and_extra_fields(
    anna, chloe, poster_org, org_b, client_for
):
    body = {"organisation_id": poster_org.pk, "kind": "challenge", "title": "T", "teaser": "x"}
    assert (
        client_for(chloe)
        .post("/api/v1/challenges/", body, content_type="application/json")
        .status_code
        == 404
    )
    for extra in ({"status": "published"}, {"hidden_by_curator": True}, {"organisation": 1}):
        response = client_for(anna).post(
            "/api/v1/challenges/", {**body, **extra}, content_type="application/json"
        )
        assert response.status_code == 422
    response = client_for(anna).post(
        "/api/v1/challenges/", {**body, "regions": ["mars"]}, content_type="application/json"
    )
    assert response.status_code == 422
    assert not Challenge.objects.exists()
    response = client_for(anna).post("/api/v1/challenges/", body, content_type="application/json")
    assert response.status_code == 201
    pk = response.json()["id"]
    assert response.json()["status"] == "draft"
    assert client_for(anna).post(f"/api/v1/challenges/{pk}/publish").status_code == 200
    r = client_for(chloe).post(
        f"/api/v1/challenges/{pk}/interests",
        {"organisation_id": org_b.pk, "message": "hello"},
        content_type="application/json",
    )
    assert r.status_code == 201
    r2 = client_for(chloe).post(
        f"/api/v1/challenges/{pk}/interests",
        {"organisation_id": org_b.pk, "message": "again"},
        content_type="application/json",
    )
    assert r2.status_code == 409
    decide = f"/api/v1/challenges/interests/{r.json()['id']}/decision"
    assert (
        client_for(chloe)
        .post(decide, {"accept": True}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        client_for(anna)
        .post(decide, {"accept": True}, content_type="application/json")
        .json()["status"]
        == "accepted"
    )
    assert Challenge.objects.get(pk=pk).details == ""
    assert client_for(chloe).get(f"/api/v1/challenges/{pk}").json()["details"] == ""


@pytest.mark.django_db
def test_suggested_organisations_use_the_teaser_never_the_details(
    anna, poster_org, org_b, org_u, monkeypatch
):
    from loket.challenges import selectors
    from loket.matching import services as matching_services
    from loket.organisations.search import search_documents_refresh

    org_b.description = "Cold room logistics"
    org_b.save()
    org_u.description = f"Only the details word {DETAILS_MARKER.lower()}"
    org_u.save()
    search_documents_refresh()
    item = make_item(
        user=anna,
        organisation=poster_org,
        confidentiality="anonymous",
        teaser="Cold room logistics partner wanted.",
    )
    seen = []

    def fake_match_for(*, user, text, **kwargs):
        seen.append(text)
        raise matching_services.MatchUnavailableError("index not built")

    monkeypatch.setattr(matching_services, "match_for", fake_match_for)
    suggested = selectors.challenge_suggested_organisations(user=anna, challenge=item)
    assert seen and DETAILS_MARKER not in seen[0] and "Cold room" in seen[0]
    assert org_b in suggested and org_u not in suggested and poster_org not in suggested
