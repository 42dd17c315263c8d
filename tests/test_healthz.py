"""The health check answers JSON for machines, without a page's content-security policy (no script or
style can run in a JSON answer); pages keep theirs."""

from django.urls import reverse


def test_the_health_check_answers_json_without_a_content_security_policy(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "Content-Security-Policy" not in response
    page = client.get(reverse("home"))
    assert "script-src 'self'" in page["Content-Security-Policy"]
