"""Hostile and broken documents: each indexed safely or skipped with a reason; nothing reaches a reader raw."""

import re

import pytest

from conftest import run_cli
from webapp import create_app

RLO = "\u202e"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    src = tmp_path_factory.mktemp("hostile-src")
    files = {
        "binary.txt": b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)),
        # UTF-8 damaged in a few places (a cut character, stray bytes).
        "invalid-utf8.txt": ("عنوان\n" + "نص عن الكسوف " * 20).encode("utf-8")[:-1] + b"\xff\xfe\xfa"
                            + "بقية النص".encode("utf-8"),
        "utf16.txt": "عنوان بترميز UTF-16\nنص عن المريخ".encode("utf-16"),
        "windows-1256.txt": "تقرير قديم\nنص عن الزلازل في المنطقة".encode("cp1256"),
        "empty.txt": b"",
        "only-diacritics.txt": "ًٌٍَُِّْ\nَُِ ّ ْ".encode("utf-8"),
        "markup.txt": (
            '<script>alert("t")</script> عنوان <img src=x onerror=alert(1)>\n'
            'نص عن البراكين <img src=x onerror="alert(2)"> و<script>alert(3)</script> وشيء آخر.\n'
        ).encode("utf-8"),
        "bidi.txt": f"تقرير {RLO}فدب.exe{RLO}\nنص عن الأعاصير مع {RLO}نص معكوس\u202c هنا.".encode("utf-8"),
        "control.txt": "عنوان\x07 مع جرس\nنص عن\x1b[31m الأمطار".encode("utf-8"),
        "fine.txt": "مقال سليم\nنص عن الفيضانات".encode("utf-8"),
    }
    for name, data in files.items():
        (src / name).write_bytes(data)
    # A 50 MB text file: one document far too long to be one search result.
    with open(src / "huge.txt", "w", encoding="utf-8") as f:
        line = "كلمة " * 200 + "\n"
        for _ in range(50 * 1024 * 1024 // len(line.encode("utf-8")) + 1):
            f.write(line)
    index = tmp_path_factory.mktemp("hostile-index")
    result = run_cli("rebuild", "--source", str(src), "--index", str(index), "--quiet")
    app = create_app({"INDEX_DIR": str(index), "TESTING": True})
    return result.stdout, app.test_client()


def test_each_file_is_indexed_or_skipped_with_a_reason(hostile):
    summary, _ = hostile
    for line in (
        "binary.txt: binary file",
        "invalid-utf8.txt: not UTF-8: byte 0x",
        "empty.txt: empty file",
        "only-diacritics.txt: no searchable text",
        "huge.txt: document too long",
        "windows-1256.txt: not UTF-8; read as Windows-1256",
        "bidi.txt: 4 invisible control character(s) removed",  # three U+202E and a U+202C
        "control.txt: 2 invisible control character(s) removed",
    ):
        assert line in summary, line
    assert re.search(r"Indexed 6 document\(s\) from 11 file\(s\)", summary), summary


@pytest.mark.parametrize(
    "query,doc_id",
    [("المريخ", "utf16.txt"), ("الزلازل", "windows-1256.txt"), ("البراكين", "markup.txt"),
     ("الأعاصير", "bidi.txt"), ("الأمطار", "control.txt"), ("الفيضانات", "fine.txt")],
)
def test_the_readable_files_are_found(hostile, query, doc_id):
    _, client = hostile
    data = client.get("/api/search", query_string={"q": query}).get_json()
    assert [r["id"] for r in data["results"]] == [doc_id]


def _pages(client, query, doc_id):
    """The HTML a reader gets: the results page, the document page, the JSON snippets."""
    yield client.get("/search", query_string={"q": query}).get_data(as_text=True)
    yield client.get(f"/doc/{doc_id}", query_string={"q": query}).get_data(as_text=True)
    yield " ".join(r["snippet"] for r in client.get("/api/search", query_string={"q": query}).get_json()["results"])


def test_markup_in_titles_and_bodies_reaches_no_reader_raw(hostile):
    _, client = hostile
    for html in _pages(client, "البراكين", "markup.txt"):
        # The page's only script is its own file; the document's markup is text.
        assert re.findall(r"<script[^>]*>", html) in ([], ['<script src="/static/app.js" defer>'])
        assert "<img" not in html
    # JSON titles are plain text (documented so), for the caller to escape.
    result = client.get("/api/search", query_string={"q": "البراكين"}).get_json()["results"][0]
    assert result["title"].startswith('<script>alert("t")</script>')
    page = client.get("/doc/markup.txt", query_string={"q": "البراكين"}).get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # Only the engine's own <mark> tags are left unescaped.
    tags = set(re.findall(r"<(/?[a-z0-9]+)", page.split('<article class="document">')[1].split("</article>")[0]))
    assert tags <= {"h1", "/h1", "p", "/p", "bdi", "/bdi", "a", "/a", "div", "/div", "mark", "/mark"}


def test_bidirectional_overrides_never_reach_a_reader(hostile):
    _, client = hostile
    for html in _pages(client, "الأعاصير", "bidi.txt"):
        assert RLO not in html
    raw = client.get("/api/search", query_string={"q": "الأعاصير"}).get_data(as_text=True)
    assert RLO not in raw and "\\u202e" not in raw.lower()


def test_document_ids_cannot_reach_files_outside_the_index(hostile):
    _, client = hostile
    for path in ("../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/etc/passwd",
                 "/etc/passwd", "....//....//etc/passwd", "fine.txt/../../../etc/passwd", "..\\..\\windows\\win.ini"):
        response = client.get("/doc/" + path, follow_redirects=True)
        assert response.status_code == 404, path
        assert "root:" not in response.get_data(as_text=True)
    assert client.get("/doc/fine.txt").status_code == 200


def test_unexpected_errors_show_no_stack_trace(tmp_path):
    app = create_app({"INDEX_DIR": str(tmp_path)})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret detail" not in body and "Traceback" not in body
    assert not app.debug


def test_security_headers_on_every_page(hostile):
    _, client = hostile
    for url in ("/", "/search?q=الفيضانات", "/doc/fine.txt", "/api/search?q=الفيضانات", "/nowhere"):
        headers = client.get(url).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
