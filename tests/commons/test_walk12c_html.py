"""Pasted webmail and Word HTML through the sanitiser (tables, Google redirects, blank edge
paragraphs) and numbered lists in the text part of e-mails."""

from commons.html import sanitize_html, unwrap_redirect
from notifications.content import html_to_text


def test_table_rows_become_paragraphs_with_cells_apart():
    html = (
        "<p>Horaires :</p><table><tr><td>Lundi</td><td>9h-12h</td></tr>"
        "<tr><td><p>Mardi</p></td><td></td><td><b>14h</b></td></tr></table>"
    )
    assert sanitize_html(html) == "<p>Horaires :</p><p>Lundi — 9h-12h</p><p>Mardi — <b>14h</b></p>"


def test_google_redirects_are_unwrapped_to_their_exact_target():
    html = '<a href="https://www.google.com/url?q=https://relais.fr/a?b%3D1&amp;sa=D">relais.fr</a>'
    assert 'href="https://relais.fr/a?b=1"' in sanitize_html(html)
    assert (
        unwrap_redirect("https://www.google.fr/url?sa=t&url=http://mairie.fr/")
        == "http://mairie.fr/"
    )
    # Only http(s) targets; anything else stays as it was.
    odd = "https://www.google.com/url?q=javascript:alert(1)"
    assert unwrap_redirect(odd) == odd
    assert (
        unwrap_redirect("https://example.org/url?q=https://x.fr")
        == "https://example.org/url?q=https://x.fr"
    )


def test_blank_paragraphs_at_the_edges_are_dropped():
    assert (
        sanitize_html("<p>&nbsp;</p><p>a</p><p></p><p>b</p><p> </p><p><br></p>")
        == "<p>a</p><p></p><p>b</p>"
    )


def test_numbered_lists_in_the_text_of_an_email():
    html = (
        "<ol><li><p>Un</p></li><li><p>Deux</p><ol><li><p>a</p></li></ol></li><li>Trois</li></ol>"
        "<ul><li>Puce</li></ul>"
    )
    lines = [line for line in html_to_text(html).splitlines() if line.strip()]
    assert lines == ["1. Un", "2. Deux", "   1. a", "3. Trois", "- Puce"]
