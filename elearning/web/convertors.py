"""Path convertors: `{attempt_id:int}` matches at most nine digits.

Ids are 32-bit integers: PostgreSQL refuses a larger number as a query parameter and SQLite
one above 2**63, both with an error. A longer number in a path is a page that does not
exist (404), decided while routing, before any view or query runs.
"""

from __future__ import annotations

from starlette.convertors import IntegerConvertor, register_url_convertor


class IdConvertor(IntegerConvertor):
    regex = "[0-9]{1,9}"


def install() -> None:
    """Replace Starlette's `int` convertor; call before the routes are built."""
    register_url_convertor("int", IdConvertor())
