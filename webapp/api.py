"""JSON endpoint for other tools: GET /api/search."""

from flask import Blueprint, jsonify, request, url_for

from indexer import IndexMissing, QueryError

from .engine import search_request

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
    except IndexMissing as exc:
        return error(503, "index_unavailable", str(exc))
    return jsonify(page.to_json(lambda doc_id: url_for("pages.document", doc_id=doc_id, q=query)))


@bp.after_request
def utf8_json(response):
    if response.mimetype == "application/json":
        response.headers["Content-Type"] = "application/json; charset=utf-8"
    return response
