"""A document's source and date, from wherever its file keeps them.

- JSON and JSON Lines: the record's ``source`` and ``date`` fields.
- HTML: ``<meta property="article:published_time">`` (or another published
  date meta tag), else the first ``<time datetime>``; ``og:site_name`` for
  the source.
- Text and Markdown: a front-matter block at the very top, as static-site
  generators write it::

      ---
      date: 2022-01-18
      source: سبوتنيك
      ---

  Without one, a file in a folder below the source folder takes that first
  folder's name as its source (``الجزيرة/2022/x.txt`` -> الجزيرة), and a file
  whose name starts with a date takes it (``2022-01-18-title.md``).

A date is kept as an ISO date (YYYY-MM-DD); a date and time keeps its date.
One that cannot be read is reported, and the document indexed without it:
metadata is never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePosixPath

import yaml

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ]\d{2}:\d{2})")
_NAMED_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?=[-_ .])")
_SPACES = re.compile(r"\s+")
# Published-date meta tags, in the order they are trusted.
_DATE_META = ("article:published_time", "og:published_time", "datePublished", "date", "dc.date", "pubdate")
# libyaml's loader where PyYAML was built with it: the pure-Python one took a
# third of a millisecond for a three-line block, as long as analysing the text.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BadMetadata(ValueError):
    """A date or source that cannot be kept; the message says what was found.
    ``rest`` is the text after an unreadable front-matter block."""

    def __init__(self, message: str, rest: str | None = None):
        super().__init__(message)
        self.rest = rest


def iso_date(value) -> str | None:
    """``value`` (a string, a date or a datetime) as YYYY-MM-DD; None if empty; BadMetadata if unreadable."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    match = _ISO_DATE.match(text)
    if match:
        try:
            return dt.date(*map(int, match.groups())).isoformat()
        except ValueError:
            pass
    shown = text if len(text) <= 40 else text[:40] + "…"
    raise BadMetadata(f"date {shown!r} is not an ISO date (YYYY-MM-DD)")


def clean_source(value) -> str | None:
    """A source name on one line, its spaces collapsed; None if empty."""
    if value is None:
        return None
    text = _SPACES.sub(" ", str(value)).strip()
    return text or None


def front_matter(text: str) -> tuple[dict, str]:
    """(the front-matter block's fields, the text after it); ({}, text) without a block.

    An unreadable block is reported (BadMetadata) rather than indexed as text."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        fields = yaml.load(match.group(1), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise BadMetadata(f"front matter is not readable YAML ({str(exc).splitlines()[0]})",
                          text[match.end():]) from None
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise BadMetadata("front matter is not a list of `key: value` lines", text[match.end():])
    return fields, text[match.end():]


def from_path(relative: str) -> dict:
    """The documented conventions for a text file without front matter: the first
    folder below the source as its source, a leading YYYY-MM-DD in its name as its date."""
    path = PurePosixPath(relative)
    found = {}
    if len(path.parts) > 1:
        found["source"] = path.parts[0]
    named = _NAMED_DATE.match(path.name)
    if named:
        found["date"] = named.group(1)
    return found


def from_html(soup) -> dict:
    """Source and date from an HTML page's usual meta tags."""
    found = {}
    metas = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content")
        if key and content and key.lower() not in metas:
            metas[key.lower()] = content
    for key in _DATE_META:
        if key.lower() in metas:
            found["date"] = metas[key.lower()]
            break
    else:
        time_tag = soup.find("time", attrs={"datetime": True})
        if time_tag is not None:
            found["date"] = time_tag["datetime"]
    if "og:site_name" in metas:
        found["source"] = metas["og:site_name"]
    return found
