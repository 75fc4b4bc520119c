"""JSON endpoint for other tools: GET /api/search, described at GET /api/openapi.json."""

from flask import Blueprint, current_app, jsonify, request

from indexer import IndexUnavailable, QueryError

from .engine import document_urls, search_request
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api")


def error(status: int, code: str, message: str):
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


@bp.get("/search")
def search():
    query = request.args.get("q", "")
    try:
        page = search_request()
    except QueryError as exc:
        return error(400, exc.code, exc.message)
    except IndexUnavailable as exc:  # none built, or damaged: the message says which file and how to rebuild
        return error(503, "index_unavailable", str(exc))
    return jsonify(page.to_json(document_urls(query)))


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.after_request
def utf8_json_and_cors(response):
    if response.mimetype == "application/json":
        response.headers["Content-Type"] = "application/json; charset=utf-8"
    # Other sites' pages may read the API (GET only: it changes nothing).
    allowed = current_app.config["CORS_ORIGINS"]
    origin = request.headers.get("Origin")
    if allowed == "*":
        response.headers["Access-Control-Allow-Origin"] = "*"
    elif origin and origin in allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers.add("Vary", "Origin")
    if "Access-Control-Allow-Origin" in response.headers:
        response.headers["Access-Control-Allow-Methods"] = "GET"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response
