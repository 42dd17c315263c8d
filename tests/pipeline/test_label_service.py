"""The optional labelling service, against a local fake OpenAI-compatible server (a real socket)."""

import socket

import pytest

from analysis.pipeline.label_service import (
    LabelServiceConfig,
    LabelServiceError,
    ThemeText,
    label_themes,
)

THEMES = {
    0: ThemeText(["vélo", "pistes", "ville"], ["Des pistes cyclables sûres en ville.", "Le vélo partout."]),
    2: ThemeText(["logement", "isolation"], ["Isoler les passoires thermiques."]),
}


def config(server, **changes):
    return LabelServiceConfig(
        **{"base_url": server.base_url, "model": "petit-modele", "api_key": "s3cret", "timeout": 5, **changes}
    )


def test_labels_and_summaries_come_from_the_endpoint(fake_label_server):
    labels = label_themes(THEMES, config(fake_label_server))
    assert labels[0].label == "Thème vélo" and labels[2].label == "Thème logement"
    assert labels[0].summary == "Les contributions parlent de vélo."
    path, headers, body = fake_label_server.requests[0]
    assert path == "/v1/chat/completions" and headers["Authorization"] == "Bearer s3cret"
    assert body["model"] == "petit-modele"
    assert "Des pistes cyclables sûres en ville." in body["messages"][-1]["content"]
    assert len(fake_label_server.requests) == 2  # one request per theme


def test_no_key_sends_no_authorization_header(fake_label_server):
    label_themes({0: THEMES[0]}, config(fake_label_server, api_key=""))
    assert "Authorization" not in fake_label_server.requests[0][1]


@pytest.mark.parametrize(
    ("mode", "message"),
    [("error", "HTTP 500"), ("garbage", "not the expected JSON"), ("slow", "could not be reached")],
)
def test_a_failing_endpoint_is_a_clear_error(fake_label_server, mode, message):
    fake_label_server.mode = mode
    with pytest.raises(LabelServiceError, match=message):
        label_themes(THEMES, config(fake_label_server, timeout=0.3))


def test_an_unreachable_endpoint_or_a_bad_setting_is_a_clear_error(fake_label_server):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(LabelServiceError, match="could not be reached"):
        label_themes(THEMES, config(fake_label_server, base_url=f"http://127.0.0.1:{port}/v1"))
    with pytest.raises(LabelServiceError, match="http:// or https://"):
        label_themes(THEMES, config(fake_label_server, base_url="file:///etc/passwd"))
    with pytest.raises(LabelServiceError, match="No model"):
        label_themes(THEMES, config(fake_label_server, model=" "))
    assert fake_label_server.requests == []
