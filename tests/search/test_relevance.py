"""The relevance measure itself (nDCG@10) and its command."""

import io
import math

from django.core.management import call_command

from search.relevance import JUDGMENTS, ndcg_at_10


def test_ndcg_is_one_for_the_ideal_ranking_and_lower_otherwise():
    judgments = {"a": 3, "b": 2, "c": 1}
    assert ndcg_at_10(["a", "b", "c"], judgments) == 1.0
    assert ndcg_at_10(["c", "b", "a"], judgments) < 1.0
    assert ndcg_at_10(["x", "y"], judgments) == 0.0
    # One relevant result at rank 2 instead of 1: 1/log2(3).
    assert math.isclose(ndcg_at_10(["x", "a"], {"a": 3}), 1 / math.log2(3))


def test_relevance_command_reports_every_query(engine):
    out = io.StringIO()
    call_command("search_relevance", stdout=out)
    text = out.getvalue()
    assert "nDCG@10 moyen" in text
    assert all(query in text for query in JUDGMENTS)
