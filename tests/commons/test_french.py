"""French forms: plurals (0 and 1 singular) and "1er" for the first day of a month, in every
template (builtins) and in Python."""

import datetime

import pytest
from django.template import Context, Template

from commons.french import format_date, plural


@pytest.mark.parametrize(
    "count, expected", [(0, ""), (1, ""), (2, "s"), (-3, "s"), ("5", "s"), ([], ""), (None, "")]
)
def test_plural(count, expected):
    assert plural(count) == expected


def test_plural_with_two_forms():
    assert plural(1, "al,aux") == "al"
    assert plural(2, "al,aux") == "aux"


@pytest.mark.parametrize(
    "day, fmt, expected",
    [
        (datetime.date(2027, 2, 1), "j F Y", "1er février 2027"),
        (datetime.date(2027, 2, 1), "l j F", "lundi 1er février"),
        (datetime.date(2027, 2, 2), "j F Y", "2 février 2027"),
        (datetime.date(2027, 2, 1), r"\j j", "j 1er"),  # an escaped j stays a letter
        (datetime.date(2027, 3, 11), "d/m/Y", "11/03/2027"),
    ],
)
def test_format_date(day, fmt, expected):
    assert format_date(day, fmt) == expected


def test_filters_work_in_any_template_without_load():
    template = Template(
        '{{ n }} place{{ n|pluriel }}, {{ m }} inscrit{{ m|pluriel }}, le {{ d|date_fr:"j F Y" }}'
    )
    text = template.render(Context({"n": 1, "m": 0, "d": datetime.date(2027, 2, 1)}))
    assert text == "1 place, 0 inscrit, le 1er février 2027"


def test_session_page_says_1er_and_singulars(client):
    from cafes_cites.models import Session
    from tests.factories.cafes_cites import make_session

    start = datetime.datetime(2030, 2, 1, 10, 0, tzinfo=datetime.UTC)
    session = make_session(start=start, capacity=1)
    text = " ".join(client.get(session.get_absolute_url()).content.decode().split())
    assert "vendredi 1er février 2030" in text
    assert "0 inscrit sur 1 place." in text
    assert Session.objects.filter(pk=session.pk).exists()
