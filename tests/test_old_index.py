"""An index built before the layout by stage (analysis version 3, its analysis
classes pickled under module paths that no longer exist): answered 503 with a
message to rebuild, never a 500, and rebuilt by ``python -m webapp``.

tests/data/index-analysis-v3/ was built by that version from one short document."""

import shutil
import subprocess
import sys
import time

from conftest import PROJECT, SEEDS, run_cli
from webapp import create_app

OLD_INDEX = PROJECT / "tests" / "data" / "index-analysis-v3"


def _old_index(tmp_path):
    index = tmp_path / "index"
    shutil.copytree(OLD_INDEX, index)
    return index


def test_an_index_of_the_old_layout_answers_503_everywhere(tmp_path):
    index = _old_index(tmp_path)
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    response = client.get("/api/search", query_string={"q": "المكتبات"})
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "index_unavailable"
    assert "another version of the analysis" in error["message"] and "python -m indexer rebuild" in error["message"]
    assert client.get("/search", query_string={"q": "المكتبات"}).status_code == 503
    assert client.get("/doc/old.txt").status_code == 503
    for command in (["search", "المكتبات"], ["stats"]):
        result = run_cli(*command, "--index", str(index), check=False)
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and "another version of the analysis" in result.stderr
        assert "Traceback" not in result.stderr


def test_python_m_webapp_rebuilds_an_index_of_the_old_layout(tmp_path):
    index = _old_index(tmp_path)
    server = subprocess.Popen(
        [sys.executable, "-m", "webapp", "--index", str(index), "--source", str(SEEDS), "--port", "0"],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        lines = []
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Serving on"):
                break
        output = "".join(lines)
        assert "older version of the analysis" in output or "another version" in output, output
        assert "Indexed 5 document(s)" in output, output
        assert "Serving on" in output, output
    finally:
        server.terminate()
        server.wait(timeout=20)
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    data = client.get("/api/search", query_string={"q": "لافروف"}).get_json()
    assert data["total"] == 5
