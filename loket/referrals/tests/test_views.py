import csv
import io
import json

import pytest
from django.core import mail

from loket.referrals import services
from loket.referrals.models import Case, EventKind

IP_QUESTION = "Wij willen een octrooi aanvragen op onze nieuwe sensor. Hoe pakken we dat aan?"
MARKER = "GEHEIM-7f3a"


@pytest.fixture
def case(anna, org_a, profiles):
    return services.case_open(
        question=f"{IP_QUESTION} {MARKER}-VRAAG", user=anna, organisation=org_a
    )


@pytest.fixture
def noted_case(case, ivo):
    services.note_add(case=case, user=ivo, body=f"{MARKER}-NOTITIE")
    return case


def test_directory_and_profile_are_public(client, wvl_profile, org_a):
    response = client.get("/vraag/intermediaries/")
    assert response.status_code == 200
    assert "Innovatiecentrum West-Vlaanderen" in response.content.decode()
    response = client.get(f"/vraag/intermediaries/{wvl_profile.pk}/")
    assert response.status_code == 200
    assert "Infosessie octrooien" in response.content.decode()
    assert client.get("/vraag/intermediaries/999999/").status_code == 404
    assert client.get("/vraag/intermediaries/?region=bogus&service=x").status_code == 200


def test_visitor_must_consent(client, profiles):
    response = client.post(
        "/vraag/",
        {"question": IP_QUESTION, "visitor_email": "v@example.com", "step": "preview"},
    )
    assert response.status_code == 400
    assert IP_QUESTION in response.content.decode()  # nothing the visitor typed is lost
    assert Case.objects.count() == 0


def test_visitor_asks_sees_proposals_then_opens_a_case(
    client, profiles, org_intermediary, django_capture_on_commit_callbacks
):
    data = {
        "question": IP_QUESTION,
        "visitor_email": "visitor@example.com",
        "visitor_name": "Vera",
        "contact_consent": "on",
        "region": "west_vlaanderen",
        "step": "preview",
    }
    response = client.post("/vraag/", data)
    page = response.content.decode()
    assert response.status_code == 200
    first = page.index("Innovatiecentrum West-Vlaanderen")
    assert first < page.index("Tech Transfer Antwerpen")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/vraag/", {**data, "step": "open", "holder": org_intermediary.pk})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/vraag/v/{case.pk}/{case.access_token()}/"
    assert case.visitor_email == "visitor@example.com" and case.contact_consent_at
    assert case.holder == org_intermediary
    visitor_mail = [m for m in mail.outbox if m.to == ["visitor@example.com"]]
    assert len(visitor_mail) == 1 and case.access_token() in visitor_mail[0].body
    page = client.get(response["Location"]).content.decode()
    assert IP_QUESTION in page
    assert client.get(f"/vraag/v/{case.pk}/{'0' * 40}/").status_code == 404


def test_ask_rejects_an_intermediary_that_does_not_accept(client, anna, profiles, org_a, org_b):
    client.force_login(anna)
    response = client.post("/vraag/", {"question": IP_QUESTION, "step": "open", "holder": org_b.pk})
    assert response.status_code in (200, 400)  # the form says the choice is not valid
    assert Case.objects.count() == 0


@pytest.mark.parametrize("who", ["chloe", "tara", "otto", "cora", None])
def test_outsiders_get_404_on_every_case_route(request, client_for, noted_case, who):
    user = request.getfixturevalue(who) if who else None
    client = client_for(user)
    pk = noted_case.pk
    for url in [f"/vraag/cases/{pk}/", f"/api/v1/cases/{pk}"]:
        response = client.get(url)
        assert response.status_code in ((404,) if user else (404, 401)), url
        assert MARKER not in response.content.decode()
    for action in ["triage", "note", "rate", "consent", "close"]:
        response = client.post(f"/vraag/cases/{pk}/{action}/", {"message": "x"})
        assert response.status_code in ((404,) if user else (302, 404))
    response = client.post(
        f"/api/v1/cases/{pk}/actions", {"action": "triage"}, content_type="application/json"
    )
    assert response.status_code in ((404,) if user else (401,))
    noted_case.refresh_from_db()
    assert noted_case.state == "new"
    assert noted_case.events.filter(kind=EventKind.CONSENT).count() == 0
    if user is not None:
        listing = client.get("/api/v1/cases/").content.decode()
        assert MARKER not in listing


def test_requester_and_colleague_see_the_case_but_never_internal_notes(
    client_for, noted_case, anna, bram
):
    for user in (anna, bram):
        for url in [f"/vraag/cases/{noted_case.pk}/", f"/api/v1/cases/{noted_case.pk}"]:
            response = client_for(user).get(url)
            body = response.content.decode()
            assert response.status_code == 200
            assert f"{MARKER}-VRAAG" in body
            assert f"{MARKER}-NOTITIE" not in body
    assert (
        f"/vraag/cases/{noted_case.pk}/" in client_for(anna).get("/vraag/cases/").content.decode()
    )


def test_staff_handle_refer_and_former_holder_keeps_read_access(
    client_for, noted_case, anna, ivo, tara, org_tto, tto_profile
):
    ivo_client, tara_client = client_for(ivo), client_for(tara)
    page = ivo_client.get(f"/vraag/cases/{noted_case.pk}/").content.decode()
    assert f"{MARKER}-NOTITIE" in page
    response = ivo_client.post(f"/vraag/cases/{noted_case.pk}/triage/", {"message": ""})
    assert response.status_code == 302
    # No consent yet: the hand-over is refused with a message, nothing changes.
    response = ivo_client.post(
        f"/vraag/cases/{noted_case.pk}/refer/",
        {"to_organisation": org_tto.pk, "reason": "IP"},
        follow=True,
        HTTP_REFERER=f"/vraag/cases/{noted_case.pk}/",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "has not agreed" in response.content.decode()
    noted_case.refresh_from_db()
    assert noted_case.holder_id != org_tto.pk
    client_for(anna).post(f"/vraag/cases/{noted_case.pk}/consent/")
    ivo_client.post(
        f"/vraag/cases/{noted_case.pk}/refer/", {"to_organisation": org_tto.pk, "reason": "IP"}
    )
    noted_case.refresh_from_db()
    assert noted_case.holder == org_tto and noted_case.state == "referred"
    page = tara_client.get(f"/vraag/cases/{noted_case.pk}/").content.decode()
    assert f"{MARKER}-NOTITIE" in page  # the full history goes along
    assert 'data-testid="staff-panel"' in page
    page = ivo_client.get(f"/vraag/cases/{noted_case.pk}/").content.decode()
    assert 'data-testid="staff-panel"' not in page
    response = ivo_client.post(f"/vraag/cases/{noted_case.pk}/answer/", {"message": "x"})
    noted_case.refresh_from_db()
    assert noted_case.state == "referred"
    tara_client.post(f"/vraag/cases/{noted_case.pk}/answer/", {"message": "Het antwoord"})
    tara_client.post(
        f"/vraag/cases/{noted_case.pk}/close/", {"summary": "Klaar", "outcome": "solved"}
    )
    response = client_for(anna).post(
        f"/vraag/cases/{noted_case.pk}/rate/", {"rating": "4", "comment": "Goed"}
    )
    noted_case.refresh_from_db()
    assert (noted_case.state, noted_case.rating) == ("closed", 4)


def test_bad_input_gives_messages_not_errors(client_for, case, ivo, anna):
    client = client_for(ivo)
    assert client.post(f"/vraag/cases/{case.pk}/bogus/").status_code == 404
    for action, data in [
        ("assign", {"assignee": "999999"}),
        ("assign", {"assignee": "abc"}),
        ("close", {"summary": "", "outcome": "nonsense"}),
        ("refer", {"to_organisation": "abc"}),
        ("link", {"organisation": "-1"}),
        ("respond", {"message": ""}),
        ("note", {"message": "x" * 6000}),
    ]:
        response = client.post(f"/vraag/cases/{case.pk}/{action}/", data)
        assert response.status_code == 302, action
    response = client_for(anna).post(f"/vraag/cases/{case.pk}/rate/", {"rating": "9"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "new" and case.rating is None and case.assignee is None
    assert client.get("/vraag/cases/abc/").status_code == 404


def test_inbox_is_per_intermediary(client_for, case, ivo, tara, anna, org_intermediary, org_tto):
    response = client_for(ivo).get(f"/vraag/inbox/{org_intermediary.pk}/")
    assert response.status_code == 200 and f"/vraag/cases/{case.pk}/" in response.content.decode()
    response = client_for(ivo).get(
        f"/vraag/inbox/{org_intermediary.pk}/?state=bogus&mine=on&q=octrooi"
    )
    assert response.status_code == 200
    assert client_for(ivo).get("/vraag/inbox/").status_code == 302
    assert client_for(ivo).get(f"/vraag/inbox/{org_tto.pk}/").status_code == 404
    response = client_for(tara).get(f"/vraag/inbox/{org_tto.pk}/")
    assert MARKER not in response.content.decode()
    assert client_for(anna).get("/vraag/inbox/").status_code == 404
    assert client_for(anna).get(f"/vraag/inbox/{org_intermediary.pk}/").status_code == 404


def test_inbox_query_count_does_not_grow(
    client_for, anna, org_a, ivo, org_intermediary, profiles, django_assert_max_num_queries
):
    for i in range(5):
        services.case_open(question=f"{IP_QUESTION} {i}", user=anna, organisation=org_a)
    client = client_for(ivo)
    client.get(f"/vraag/inbox/{org_intermediary.pk}/")  # warm the session
    with django_assert_max_num_queries(8):
        response = client.get(f"/vraag/inbox/{org_intermediary.pk}/")
    assert response.content.decode().count("/vraag/cases/") >= 5


def test_dashboard_access_and_csv_export_escapes_formulas(
    client_for, case, ivo, anna, chloe, cora, org_intermediary
):
    services.case_answer(case=case, user=ivo, message="Antwoord")
    services.case_rate(case=case, user=anna, rating=3, comment='=HYPERLINK("http://evil")')
    assert client_for(anna).get("/vraag/dashboard/").status_code == 404
    assert client_for(chloe).get("/vraag/dashboard/export.csv").status_code == 404
    assert client_for(None).get("/vraag/dashboard/").status_code == 302
    for user in (ivo, cora):
        response = client_for(user).get("/vraag/dashboard/")
        assert response.status_code == 200
        assert MARKER not in response.content.decode()
    response = client_for(ivo).get("/vraag/dashboard/export.csv")
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode()
    assert MARKER not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "case" and len(rows) == 2
    comment = rows[1][rows[0].index("rating_comment")]
    assert comment.startswith("'=")
    # The network-wide export carries no free text from requesters.
    rows = list(
        csv.reader(
            io.StringIO(client_for(cora).get("/vraag/dashboard/export.csv").content.decode())
        )
    )
    assert rows[1][rows[0].index("rating_comment")] == ""


def test_api_open_act_and_read(client_for, anna, org_a, ivo, profiles, org_intermediary):
    response = client_for(anna).post(
        "/api/v1/cases/",
        json.dumps({"question": IP_QUESTION, "organisation_id": org_a.pk}),
        content_type="application/json",
    )
    assert response.status_code == 201
    case_id = response.json()["id"]
    assert response.json()["holder_id"] == org_intermediary.pk
    response = client_for(ivo).post(
        f"/api/v1/cases/{case_id}/actions",
        {"action": "note", "message": f"{MARKER}-API"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert any(e["internal"] for e in response.json()["events"])
    body = client_for(anna).get(f"/api/v1/cases/{case_id}").content.decode()
    assert f"{MARKER}-API" not in body
    response = client_for(anna).post(
        f"/api/v1/cases/{case_id}/actions", {"action": "triage"}, content_type="application/json"
    )
    assert response.status_code == 403
    response = client_for(ivo).post(
        f"/api/v1/cases/{case_id}/actions",
        {"action": "close", "message": "", "outcome": "solved"},
        content_type="application/json",
    )
    assert response.status_code == 400
    response = client_for(ivo).post(
        f"/api/v1/cases/{case_id}/actions", {"action": "bogus"}, content_type="application/json"
    )
    assert response.status_code == 422


def test_api_refuses_swapped_organisation_and_public_routes_work(
    client_for, chloe, org_a, profiles
):
    response = client_for(chloe).post(
        "/api/v1/cases/",
        {"question": IP_QUESTION, "organisation_id": org_a.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert Case.objects.count() == 0
    response = client_for(None).get("/api/v1/cases/intermediaries")
    assert response.status_code == 200 and len(response.json()) == 3
    response = client_for(None).post(
        "/api/v1/cases/route",
        {"question": IP_QUESTION, "region": "west_vlaanderen"},
        content_type="application/json",
    )
    assert response.json()[0]["name"] == "Innovatiecentrum West-Vlaanderen"
    assert client_for(None).get("/api/v1/cases/").status_code == 401
