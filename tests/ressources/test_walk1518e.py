"""Walk 1518e (issue #18): the refused proposal marked in the admin, « Proposition d'Amandine »,
the refusal e-mail's byline without nested guillemets, the action form's wording and messages,
the bulletin e-mails' prefix and its editor's number, the composer's linked errors, the demo's
readable roadmap PDF."""

# ruff: noqa: F811 (fixtures imported from the other test modules are test arguments here)

from django.core import mail
from django.urls import reverse

from commons.extraction import extract_text
from ressources.models import LibraryProposal, ProposalStatus
from ressources.tasks import send_subscription_confirmation
from tests.ressources.test_library_knowledge import (  # noqa: F401
    _propose,
    _propose_action_by_form,
    _refuse,
    library,
    media,
    shared,
)
from tests.utils import page_text


def test_refused_proposal_is_marked_in_the_admin_and_its_panel_elides_de(
    client, shared, member, anct_user, django_capture_on_commit_callbacks
):
    member.first_name, member.last_name = "Amandine", "Leroy"
    member.save()
    proposal = _propose(client, shared["document"], member)
    page = proposal.page.specific
    client.force_login(anct_user)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "Proposition d&#x27;<strong>Amandine Leroy</strong>" in edit
    assert "Proposition de <strong>" not in edit
    assert "Proposition refusée" not in page.get_admin_display_title()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _refuse(page, anct_user, "Trop propre à votre quartier.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REFUSED
    page = LibraryProposal.objects.get(pk=proposal.pk).page.specific
    assert page.get_admin_display_title().endswith(" — Proposition refusée")
    listing = client.get(reverse("wagtailadmin_explore", args=[page.get_parent().pk]))
    assert "— Proposition refusée" in listing.content.decode()
    # The refusal e-mail: the group document's label keeps its guillemets as inner quotes.
    (refused,) = mail.outbox
    assert "« “" not in refused.body or "”" in refused.body
    byline = next(line for line in refused.body.splitlines() if "Message de l'équipe" in line)
    assert byline.count("«") == 1 and byline.count("»") == 1, byline


def test_action_form_names_the_cite_with_its_article_and_helpful_messages(client, library, member):
    client.force_login(member)
    url = reverse("ressources:propose")
    assert f"menée par la {member.cite.name}" in page_text(client.get(url))
    text = page_text(client.post(url, {"title": ""}))
    assert "Donnez un titre à l'action" in text
    assert "Résumez l'action en deux ou trois phrases." in text
    assert "Décrivez l'action" in text and "Cochez au moins un champ d'action." in text
    assert "Champ requis." not in text


def test_bulletin_confirmation_subject_has_the_site_prefix(settings):
    mail.outbox.clear()
    send_subscription_confirmation.call("lecteur@example.org", "https://exemple.test/c")
    (message,) = mail.outbox
    assert message.subject.startswith(f"[{settings.WAGTAIL_SITE_NAME}] ")


def test_demo_roadmap_pdf_has_searchable_text():
    from cde_site.demo.groups import ROADMAP_PDF

    text = extract_text(ROADMAP_PDF, "pdf")
    assert "Feuille de route 2026" in str(text)
