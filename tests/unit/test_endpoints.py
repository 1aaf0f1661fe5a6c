import urllib.error
import urllib.request

import pytest

from newswire.service.endpoints import Health, MetricsServer
from newswire.service.metrics import mark_build


@pytest.fixture
def server():
    mark_build("test")
    health = Health("test")
    server = MetricsServer("127.0.0.1", 0, health).start()
    yield health, f"http://127.0.0.1:{server.address[1]}"
    server.stop()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_health_and_readiness(server):
    health, base = server
    assert get(base + "/healthz") == (200, "ok\n")
    assert get(base + "/readyz")[0] == 503
    health.set_ready(True)
    assert get(base + "/readyz") == (200, "ready\n")
    health.set_ready(False)
    assert get(base + "/readyz")[0] == 503


def test_metrics_exposition(server):
    health, base = server
    health.set_ready(True)
    status, text = get(base + "/metrics")
    assert status == 200
    assert 'newswire_build_info{python=' in text and 'service="test"' in text
    assert 'newswire_ready{service="test"} 1.0' in text


def test_unknown_paths_do_not_echo_input(server):
    _, base = server
    status, text = get(base + "/<script>alert(1)</script>")
    assert status == 404 and "script" not in text
