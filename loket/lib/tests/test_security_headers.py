def test_every_page_has_security_headers(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/does-not-exist/")
    assert response.status_code == 404
    assert b"Loket" in response.content


def test_healthz_answers(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
