"""Long addresses and wrong methods, through the servers the README documents:
a query within the query limit always reaches the app, and whatever is too
long gets the app's own answer (JSON under /api/), not the server's."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest
from hypothesis import given, settings, strategies as st

from conftest import PROJECT
from webapp import MAX_TARGET_BYTES, create_app
from indexer.search.parse import QUERY_PATTERN

# 1,000 characters of Arabic: the word لافروف drawn out with tatweel, which
# the analysis removes; percent-encoded, about 6,000 bytes.
LONGEST_QUERY = "ل" + "ـ" * 994 + "افروف"
assert len(LONGEST_QUERY) == 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serving(command: list[str]):
    """A real server started with ``command`` (its port given as {port}); yields its base URL."""
    port = _free_port()
    process = subprocess.Popen([part.format(port=port) for part in command], cwd=PROJECT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the server stopped before serving"
            try:
                urllib.request.urlopen(url + "/", timeout=5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _get(url: str):
    """(status, content type, body) of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


SERVERS = {
    "waitress": ["{python}", "-m", "webapp", "--index", "{index}", "--port", "{{port}}"],
    "gunicorn": ["{python}", "-m", "gunicorn", "-c", "python:webapp.gunicorn_conf", "--workers", "1",
                 "--bind", "127.0.0.1:{{port}}", "webapp.wsgi:app"],
}


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(request, seed_index):
    """(server name, base URL) of a real server on the seed index."""
    command = [part.format(python=sys.executable, index=seed_index) for part in SERVERS[request.param]]
    os.environ["ARABIC_SEARCH_INDEX"] = str(seed_index)  # what webapp.wsgi serves
    try:
        with _serving(command) as url:
            yield request.param, url
    finally:
        del os.environ["ARABIC_SEARCH_INDEX"]


def _search_url(base: str, query: str, path: str = "/api/search") -> str:
    return f"{base}{path}?{urllib.parse.urlencode({'q': query})}"


def _target(url: str) -> int:
    return len(url.split("/", 3)[3]) + 1


def test_a_query_at_the_limit_reaches_the_engine(server):
    _, base = server
    url = _search_url(base, LONGEST_QUERY)
    assert _target(url) > 4094  # beyond gunicorn's default request line
    status, kind, body = _get(url)
    assert status == 200 and kind.startswith("application/json"), body[:300]
    assert json.loads(body)["total"] == 5


def test_a_query_over_the_limit_gets_the_engines_400(server):
    _, base = server
    status, kind, body = _get(_search_url(base, LONGEST_QUERY + "ـ"))
    assert status == 400 and kind.startswith("application/json")
    assert json.loads(body)["error"]["code"] == "query_too_long"


# 1,340 letters: just past the app's limit, within gunicorn's ceiling of 8,190
# bytes a request line; 5,000: past both (waitress has no such ceiling).
@pytest.mark.parametrize("letters", [1340, 5000])
def test_an_address_too_long_gets_the_apps_414(server, letters):
    name, base = server
    url = _search_url(base, "ب" * letters)
    assert _target(url) > MAX_TARGET_BYTES
    status, kind, body = _get(url)
    if name == "gunicorn" and _target(url) > 8190 - len("GET  HTTP/1.1"):
        # Past gunicorn's own ceiling the server answers before the app can.
        assert status == 414
        return
    assert status == 414 and kind.startswith("application/json"), (status, kind, body[:200])
    assert json.loads(body)["error"]["code"] == "uri_too_long"
    status, kind, body = _get(_search_url(base, "ب" * letters, path="/search"))
    assert status == 414 and kind.startswith("text/html")
    assert "عنوان الطلب أطول من المسموح" in body


def test_a_wrong_method_names_the_right_ones(client):
    for path in ("/api/search", "/search", "/"):
        response = client.post(path, data={"q": "لافروف"})
        assert response.status_code == 405, path
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}, path
    assert client.post("/api/search").get_json()["error"]["code"] == "method_not_allowed"


def test_the_description_documents_414(client):
    responses = client.get("/api/openapi.json").get_json()["paths"]["/api/search"]["get"]["responses"]
    assert "414" in responses


# Queries built from what decides where a * may stand.
_QUERIES = st.text(alphabet=list("لافروب*\"()+-،. x"), min_size=1, max_size=12)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(query=_QUERIES)
def test_the_described_query_syntax_never_refuses_what_the_engine_takes(seed_index, query):
    """The OpenAPI pattern for q: a query it refuses gets a 400 from the engine,
    and a * the engine refuses inside a word is one the pattern refuses."""
    client = _clients.get(seed_index) or _clients.setdefault(
        seed_index, create_app({"INDEX_DIR": str(seed_index), "TESTING": True}).test_client())
    response = client.get("/api/search", query_string={"q": query})
    described = re.fullmatch(QUERY_PATTERN, query) is not None
    if not described:
        assert response.status_code == 400, query
    if response.status_code == 400 and response.get_json()["error"]["code"] == "unsupported_wildcard":
        assert not described, query


_clients: dict = {}
