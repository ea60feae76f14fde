"""Walk 12e (writing in groups, second blind walk): Word lists, ANCT running the group it
creates, refused files, editing, deleting a solution, questions' names, times, reports."""

import pytest
from django.core import mail
from django.urls import reverse

from commons.html import sanitize_html
from groups import services
from groups.models import EmailMode, Role
from tests.factories import CiteFactory, UserFactory
from tests.groups.test_writing import PDF, png_bytes, w  # noqa: F401 (fixture)
from tests.utils import page_text

# Word's clipboard as the walker pasted it: the markers in <![if !supportLists]> without the
# mso-list:Ignore span (older Word, Outlook), Symbol bullets « · », « o », « § » and numbers.
WORD_NO_IGNORE = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><body lang=FR>
<!--StartFragment--><p class=MsoNormal><b>Ordre du jour</b><o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]>Point sur les permanences<o:p></o:p></p>
<p class=MsoListParagraphCxSpMiddle style='margin-left:72.0pt;mso-list:l0 level2 lfo1'><![if !supportLists]><span style='font-family:"Courier New"'>o<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]>Clairmarais<o:p></o:p></p>
<p class=MsoListParagraphCxSpMiddle style='margin-left:108.0pt;mso-list:l0 level3 lfo1'><![if !supportLists]><span style='font-family:Wingdings'>§<span style='font:7.0pt "Times New Roman"'>&nbsp; </span></span><![endif]>Lundi matin<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]>Bilan du forum emploi<o:p></o:p></p>
<p class=MsoNormal>Puis :</p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l1 level1 lfo2'><![if !supportLists]><span>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]>Premier point numéroté<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l1 level1 lfo2'><![if !supportLists]><span>2.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]>Second point numéroté<o:p></o:p></p>
<!--EndFragment--></body></html>"""

# The same without the conditional comments (some copies lose them): the markers typed in text.
WORD_TYPED_MARKERS = """<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'>·&nbsp;&nbsp;&nbsp; Un</p>
<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><span>o&nbsp;&nbsp; Deux</span></p>
<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'>organiser la suite</p>
<p class=MsoListParagraph style='mso-list:l1 level1 lfo2'><b>1.&nbsp;&nbsp;Premier</b></p>
<p class=MsoListParagraph style='mso-list:l1 level1 lfo2'>2.&nbsp;&nbsp;Second</p>"""

EXPECTED_LISTS = (
    "<ul><li>Point sur les permanences<ul><li>Clairmarais<ul><li>Lundi matin</li></ul></li></ul>"
    "</li><li>Bilan du forum emploi</li></ul>"
)


def test_word_markers_without_ignore_span_become_real_lists():
    html = "".join(sanitize_html(WORD_NO_IGNORE).split("\n"))
    assert EXPECTED_LISTS in html
    assert "<ol><li>Premier point numéroté</li><li>Second point numéroté</li></ol>" in html
    for marker in ("·", "§", ">o", "1.", "2.", "\xa0"):
        assert marker not in html
    typed = "".join(sanitize_html(WORD_TYPED_MARKERS).split("\n"))
    assert typed == (
        "<ul><li>Un</li><li>Deux</li><li>organiser la suite</li></ul>"
        "<ol><li><b>Premier</b></li><li>Second</li></ol>"
    )


def test_word_list_posted_without_the_editor_reaches_the_email_without_markers(
    client, w, django_capture_on_commit_callbacks
):
    group, thread, animateur, member = w["group"], w["thread"], w["animateur"], w["member"]
    services.set_email_mode(group, animateur, EmailMode.EACH)
    mail.outbox.clear()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(thread.get_absolute_url(), {"body": WORD_NO_IGNORE})
    post = thread.posts.latest("pk")
    assert EXPECTED_LISTS in "".join(post.body_html.split("\n"))
    [message] = [m for m in mail.outbox if m.to == [animateur.email]]
    assert "Point sur les permanences" in message.body
    assert "·" not in message.body and "§" not in message.body
    html = message.alternatives[0][0]
    assert "<li>Point sur les permanences" in html and "·" not in html
    assert "<ol><li>Premier point numéroté</li>" in "".join(html.split("\n"))
