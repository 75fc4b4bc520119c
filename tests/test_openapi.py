"""The JSON API's OpenAPI description matches what the API does; CORS for GET."""

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from webapp import create_app


@pytest.fixture(scope="module")
def spec(seed_index):
    app = create_app({"INDEX_DIR": str(seed_index), "TESTING": True})
    response = app.test_client().get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return response.get_json()


def _validator(spec, status: str) -> Draft202012Validator:
    """A validator for the documented response of GET /api/search with ``status``."""
    schema = spec["paths"]["/api/search"]["get"]["responses"][status]["content"]["application/json"]["schema"]
    # The spec is the resource its "#/components/..." references point into.
    registry = Registry().with_resource("urn:api", Resource.from_contents(spec, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": "urn:api" + schema["$ref"]}, registry=registry)


def test_the_description_is_valid_openapi(spec):
    validate_spec(spec)
    assert spec["openapi"].startswith("3.1")


@pytest.mark.parametrize(
    "params",
    [
        {"q": "لَافْرُوف"},
        {"q": "لافروف", "page": "2", "per_page": "2"},
        {"q": "سرغي"},  # nothing found, a suggestion
        {"q": "لافروف زاخاروفا ستوكهولم"},  # not every word in one document: relaxed
        {"q": "(لافروف \"بلينكن"},  # stray marks read as text: repairs
        {"q": "<script>alert(1)</script> لافروف"},
        {"q": "بلينكن", "explain": "1", "sort": "newest", "source": ["سبوتنيك", "سبوتنيك عربي"]},
        {"q": "\"وزير الخارجية\" بلينك*", "explain": "1", "date_from": "2021-01-01", "date_to": "2021-12-31"},
    ],
)
def test_every_success_matches_its_schema(client, spec, params):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200
    _validator(spec, "200").validate(response.get_json())


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "لاف*روف"}, {"q": "لافروف", "page": "0"}, {"q": "لافروف", "per_page": "51"},
     {"q": "لافروف", "page": "x"}, {"q": "ا" * 1001}],
)
def test_every_rejection_matches_the_error_schema(client, spec, params):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 400
    _validator(spec, "400").validate(response.get_json())


def test_an_unavailable_index_matches_the_error_schema(spec, tmp_path):
    response = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True}).test_client().get(
        "/api/search", query_string={"q": "لافروف"}
    )
    assert response.status_code == 503
    _validator(spec, "503").validate(response.get_json())


def test_every_documented_parameter_does_what_it_says(client, spec):
    params = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert set(params) == {"q", "scope", "page", "per_page", "source", "date_from", "date_to", "sort", "explain"}
    data = client.get("/api/search", query_string={"q": "لافروف", "page": 2, "per_page": 2}).get_json()
    assert (data["query"], data["page"], data["per_page"], len(data["results"])) == ("لافروف", 2, 2, 2)
    # Defaults and bounds are the documented ones.
    default = client.get("/api/search", query_string={"q": "لافروف"}).get_json()
    assert default["scope"] == params["scope"]["schema"]["default"]
    assert default["page"] == params["page"]["schema"]["default"]
    assert default["per_page"] == params["per_page"]["schema"]["default"]
    for name in ("page", "per_page"):
        schema = params[name]["schema"]
        for value, status in ((schema["maximum"], 200), (schema["maximum"] + 1, 400), (schema["minimum"] - 1, 400)):
            response = client.get("/api/search", query_string={"q": "لافروف", name: value})
            assert response.status_code == status, (name, value)
    for scope in params["scope"]["schema"]["enum"]:
        assert client.get("/api/search", query_string={"q": "لافروف", "scope": scope}).status_code == 200
    too_long = "ل" * (params["q"]["schema"]["maxLength"] + 1)
    assert client.get("/api/search", query_string={"q": too_long}).status_code == 400
    assert default["filters"] == {"source": [], "date_from": None, "date_to": None,
                                  "sort": params["sort"]["schema"]["default"]}
    for sort in params["sort"]["schema"]["enum"]:
        assert client.get("/api/search", query_string={"q": "لافروف", "sort": sort}).status_code == 200
    # The seeds that name their source and date (seeds/002, seeds/004).
    only = client.get("/api/search", query_string={"q": "لافروف", "source": "سبوتنيك"}).get_json()
    assert [r["source"] for r in only["results"]] == ["سبوتنيك"]
    dated = client.get("/api/search", query_string={"q": "لافروف", "date_from": "2022-01-01",
                                                    "date_to": "2022-12-31"}).get_json()
    assert [r["date"] for r in dated["results"]] == ["2022-01-18"]
    for name in ("date_from", "date_to"):
        assert client.get("/api/search", query_string={"q": "لافروف", name: "18/01/2022"}).status_code == 400


def test_every_documented_field_appears_in_a_real_response(client, spec):
    fields = spec["components"]["schemas"]["SearchResults"]["properties"]
    data = client.get("/api/search", query_string={"q": "لافروف"}).get_json()
    assert list(data) == list(fields)
    result_fields = spec["components"]["schemas"]["Result"]["properties"]
    assert list(data["results"][0]) == [name for name in result_fields if name != "explain"]
    explained = client.get("/api/search", query_string={"q": "لافروف", "explain": "1"}).get_json()
    assert list(explained["results"][0]) == list(result_fields)


def test_any_site_may_read_the_api_with_get_by_default(client):
    response = client.get("/api/search", query_string={"q": "لافروف"}, headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET"
    preflight = client.options("/api/search", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
    })
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET"
    # Nothing but GET is served.
    assert client.post("/api/search", data={"q": "لافروف"}).status_code == 405
    # The pages are not part of the API.
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


def test_cors_origins_are_configurable(seed_index):
    app = create_app({"INDEX_DIR": str(seed_index), "TESTING": True, "CORS_ORIGINS": ["https://news.example"]})
    client = app.test_client()
    allowed = client.get("/api/search", query_string={"q": "لافروف"}, headers={"Origin": "https://news.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://news.example"
    assert "Origin" in allowed.headers["Vary"]
    other = client.get("/api/search", query_string={"q": "لافروف"}, headers={"Origin": "https://other.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    closed = create_app({"INDEX_DIR": str(seed_index), "TESTING": True, "CORS_ORIGINS": []}).test_client()
    response = closed.get("/api/search", query_string={"q": "لافروف"}, headers={"Origin": "https://news.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_scope_filter_searches_titles_or_bodies_only(client):
    everywhere = client.get("/api/search", query_string={"q": "زاخاروفا"}).get_json()
    titles = client.get("/api/search", query_string={"q": "زاخاروفا", "scope": "title"}).get_json()
    bodies = client.get("/api/search", query_string={"q": "زاخاروفا", "scope": "body"}).get_json()
    assert titles["scope"] == "title" and [r["id"][:3] for r in titles["results"]] == ["002"]
    assert {r["id"] for r in bodies["results"]} == {r["id"] for r in everywhere["results"]}
    # The page shows the same results and keeps the choice.
    html = client.get("/search", query_string={"q": "زاخاروفا", "scope": "title"}).get_data(as_text=True)
    assert html.count('class="result"') == 1 and '<option value="title" selected>' in html
    assert client.get("/api/search", query_string={"q": "زاخاروفا", "scope": "footnotes"}).status_code == 400
