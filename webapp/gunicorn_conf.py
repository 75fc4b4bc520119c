"""gunicorn settings for the app: ``gunicorn -c python:webapp.gunicorn_conf webapp.wsgi:app``.

gunicorn refuses a request line over 4,094 bytes by default with an HTML
414 of its own, and a query of 1,000 Arabic letters (the query limit) is
about 6,000 bytes percent-encoded.  8,190 is the most gunicorn accepts;
below it the app itself refuses what is too long (webapp.MAX_TARGET_BYTES),
as JSON under /api/.  Other settings come from gunicorn's flags and its
environment (WEB_CONCURRENCY for the number of workers, say).
"""

limit_request_line = 8190
