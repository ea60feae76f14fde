"""Issue #18: a group document proposed to the national library (groups.registry wired by the
host to ressources.services.propose_document), and watched fiches (follows, major changes,
review reminders, the "Fiches à revoir" report)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.documents import get_document_model
from wagtail.models import Page, WorkflowState

from audit.models import Action, AuditEntry
from cde_site.setup import setup_site
from groups import services as group_services
from groups.models import Document
from notifications.models import EmailMode, Notification
from ressources import services
from ressources.models import (
    ActionInspirantePage,
    FicheChange,
    FicheDispositifPage,
    FicheFollow,
    FicheReviewReminder,
    LibraryEmailSetting,
    LibraryProposal,
    PortraitCitePage,
    ProposalStatus,
)
from ressources.setup import ensure_library
from tests.factories import CiteFactory, UserFactory
from tests.factories.ressources import make_ressource
from tests.utils import page_text
from themes.models import Theme

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def library():
    library, _ = ensure_library(setup_site())
    return library


@pytest.fixture
def shared(media, library, cite, member):
    """`member` belongs to their cité's group, which holds one document (one version)."""
    group = cite.group
    group_services.add_member(group, member)
    document = group_services.upload_document(
        group, member, uploaded=SimpleUploadedFile("trame-forum.pdf", PDF), title="Trame du forum"
    )
    return {"group": group, "document": document}


def propose_url(document):
    return reverse("groups:propose_document", args=[document.group.slug, document.pk])


def proposal_data(document, **overrides):
    data = {
        "version": document.latest.number,
        "description": "La trame qui a servi à organiser notre forum emploi de quartier.",
        "themes": [Theme.objects.get(slug="mobilite").pk],
        "kind": "fiche",
    }
    data.update(overrides)
    return data


# --- Proposing a group document ----------------------------------------------------------------


def test_propose_form_for_each_role(role_client, shared):
    document = shared["document"]
    url = propose_url(document)
    get = role_client.get(url)
    post = role_client.post(url, proposal_data(document))
    if role_client.role == "anonymous":
        assert get.status_code == 302 and get["Location"].startswith(reverse("account_login"))
        assert post.status_code == 302
    elif role_client.role == "member":
        assert get.status_code == 200
        assert "Proposer « Trame du forum » à la bibliothèque nationale" in page_text(get)
        assert post.status_code == 302
    else:  # not in the group (ANCT included): the same 404 as a missing document
        assert get.status_code == 404
        assert post.status_code == 404
    expected = 1 if role_client.role == "member" else 0
    assert LibraryProposal.objects.count() == expected


def test_member_proposal_becomes_a_draft_fiche_with_a_copy_and_a_link_back(
    client, shared, member, anct_user
):
    document = shared["document"]
    client.force_login(member)
    assert "Proposer à la bibliothèque" in page_text(client.get(document.get_absolute_url()))
    response = client.post(propose_url(document), proposal_data(document))
    assert response.status_code == 302
    assert response["Location"] == document.get_absolute_url()

    proposal = LibraryProposal.objects.get()
    fiche = proposal.page.specific
    assert isinstance(fiche, FicheDispositifPage)
    assert not fiche.live and fiche.title == "Trame du forum"
    assert fiche.summary.startswith("La trame qui a servi")
    draft = fiche.get_latest_revision_as_object()
    assert [theme.slug for theme in draft.themes.all()] == ["mobilite"]
    state = WorkflowState.objects.get(object_id=str(fiche.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Relecture ANCT"
    assert proposal.proposer == member and proposal.status == ProposalStatus.PENDING
    assert proposal.source_url == document.get_absolute_url()
    # The copy is a Wagtail document with the same bytes, linked from the draft's body.
    copy = proposal.document
    with copy.open_file() as handle:
        assert handle.read() == PDF
    assert copy.file_size == len(PDF)
    # The body holds the file only: the description is the summary, not printed twice.
    assert [(b.block_type, b.value["document"]) for b in fiche.body] == [("link", copy)]
    # The group document is untouched.
    document.refresh_from_db()
    assert document.versions.count() == 1
    with document.latest.file.open("rb") as handle:
        assert handle.read() == PDF
    # The copy is not public while the page is a draft.
    client.logout()
    assert client.get(copy.url).status_code == 404
    # ANCT reviewers see who proposed it, where from, and open the proposed file through its
    # copy: the group document itself stays a 404 for them (not members of the group).
    client.force_login(anct_user)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[fiche.pk]))
    assert edit.status_code == 200
    html = edit.content.decode()
    assert "Trame du forum (version 1)" in html and member.display_name in html
    assert f'href="{copy.url}"' in html and document.get_absolute_url() not in html
    assert client.get(copy.url).status_code == 200
    assert client.get(document.get_absolute_url()).status_code == 404
    # Their decision: publish or refuse; no « Demander des modifications » the proposer could
    # not act on.
    assert "Refuser la proposition" in html and "Approuver et Publier" in html
    assert "publier et Publier" not in html and "commentaire et Publier" in html
    assert "Demander des modifications" not in html
    client.force_login(UserFactory(cite=CiteFactory()))
    assert client.get(copy.url).status_code == 404


def test_the_same_version_cannot_be_proposed_twice(client, shared, member):
    document = shared["document"]
    client.force_login(member)
    client.post(propose_url(document), proposal_data(document))
    pages, documents = Page.objects.count(), get_document_model().objects.count()
    again = client.post(propose_url(document), proposal_data(document))
    assert again.status_code == 200
    text = page_text(again)
    assert "Cette version du document a déjà été proposée à la bibliothèque" in text
    assert "en cours de relecture" in text
    assert (Page.objects.count(), get_document_model().objects.count()) == (pages, documents)
    # The form is not offered again: the page says upfront where the version stands.
    form_page = page_text(client.get(propose_url(document)))
    assert "Version déjà proposée" in form_page and "en cours de relecture" in form_page
    assert "Description courte" not in form_page
    assert LibraryProposal.objects.count() == 1
    # The document's page says so instead of offering the button.
    page = page_text(client.get(document.get_absolute_url()))
    # Walk 1518f N7: a fact, no « déjà » that reads like a refusal.
    assert "Proposition envoyée à l'équipe nationale le" in page
    assert "déjà" not in page.split("Proposition envoyée")[1].split("\n")[0]
    assert "en cours de relecture par l'équipe ANCT" in page
    assert propose_url(document) not in page
    # A new version may be proposed.
    group_services.add_version(
        document, member, uploaded=SimpleUploadedFile("trame-v2.pdf", PDF + b"%v2\n")
    )
    document.refresh_from_db()
    assert client.post(propose_url(document), proposal_data(document)).status_code == 302
    assert LibraryProposal.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": "   "}, "Décrivez le document en quelques phrases."),
        ({"themes": []}, "Choisissez au moins un champ d'action."),
        ({"version": 99}, "Cette version du document n'existe pas."),
    ],
)
def test_bad_proposals_change_nothing(client, shared, member, overrides, message):
    document = shared["document"]
    client.force_login(member)
    pages = Page.objects.count()
    response = client.post(propose_url(document), proposal_data(document, **overrides))
    assert response.status_code == 200
    text = page_text(response)
    assert "Le formulaire contient des erreurs" in text and message in text
    assert "<title>Erreur : Proposer à la bibliothèque" in text
    assert Page.objects.count() == pages and not LibraryProposal.objects.exists()


def test_unknown_document_is_a_404(client, shared, member, other_cite):
    client.force_login(member)
    group = shared["group"]
    missing = reverse("groups:propose_document", args=[group.slug, 999999])
    assert client.get(missing).status_code == 404
    # A document of another group, reached through the member's group address: 404 too.
    other = other_cite.group
    outsider = UserFactory(cite=other_cite)
    group_services.add_member(other, outsider)
    foreign = group_services.upload_document(
        other, outsider, uploaded=SimpleUploadedFile("x.pdf", PDF), title="Autre"
    )
    forged = reverse("groups:propose_document", args=[group.slug, foreign.pk])
    assert client.post(forged, proposal_data(foreign)).status_code == 404
    assert not LibraryProposal.objects.exists()


def _refuse(page, reviewer, comment):
    """« Refuser la proposition », as the review modal posts it."""
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "refuse", comment=comment)


def _propose(client, document, member):
    client.force_login(member)
    client.post(propose_url(document), proposal_data(document))
    return LibraryProposal.objects.get()


def test_anct_publishes_the_proposal_the_proposer_is_credited_and_notified(
    client, shared, member, anct_user, django_capture_on_commit_callbacks
):
    proposal = _propose(client, shared["document"], member)
    fiche = proposal.page.specific
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fiche.current_workflow_task_state.approve(user=anct_user)
    fiche.refresh_from_db()
    proposal.refresh_from_db()
    assert fiche.live and proposal.status == ProposalStatus.PUBLISHED
    notification = Notification.objects.get(recipient=member, kind="proposal_published")
    assert notification.url == fiche.url
    # Only the library's e-mail: Wagtail's "approved" one would send the proposer, who has no
    # admin access, to the admin.
    assert [(m.to, "est publiée dans la bibliothèque" in m.subject) for m in mail.outbox] == [
        ([member.email], True)
    ]
    client.logout()
    text = " ".join(strip_tags(page_text(client.get(fiche.url))).split())
    assert f"Proposé par {member.display_name} ({member.cite.name})" in text
    assert client.get(proposal.document.url).status_code == 200  # the copy is public now
    # Publishing again does not notify again.
    with django_capture_on_commit_callbacks(execute=True):
        fiche.save_revision(user=anct_user).publish(user=anct_user)
    assert Notification.objects.filter(kind="proposal_published").count() == 1


def test_anct_refuses_with_a_message_the_proposer_is_told(
    client, shared, member, anct_user, django_capture_on_commit_callbacks
):
    proposal = _propose(client, shared["document"], member)
    fiche = proposal.page.specific
    mail.outbox.clear()
    reason = "Document trop propre à votre quartier : gardez-le dans le groupe.<script>x()</script>"
    with django_capture_on_commit_callbacks(execute=True):
        _refuse(fiche, anct_user, reason)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REFUSED and proposal.message == reason
    # A short title and subject; the message is in the e-mail's body only, sanitised.
    notification = Notification.objects.get(recipient=member, kind="proposal_refused")
    assert notification.title == "L'équipe ANCT n'a pas retenu votre proposition « Trame du forum »"
    assert notification.url == shared["document"].get_absolute_url()
    (ours,) = mail.outbox  # the proposer has no admin: Wagtail's own e-mail is not sent
    assert ours.to == [member.email] and ours.subject.endswith(notification.title)
    assert "gardez-le dans le groupe." in ours.body and "script" not in ours.body
    assert "script" not in ours.alternatives[0][0]
    fiche.refresh_from_db()
    assert not fiche.live
    assert Document.objects.get().versions.count() == 1  # the group document is untouched
    # Proposing the same version again is refused with the reason; the group document's page
    # (where the notification leads) says so upfront, with the message.
    again = client.post(propose_url(shared["document"]), proposal_data(shared["document"]))
    assert "non retenue par l'équipe ANCT" in page_text(again)
    text = page_text(client.get(shared["document"].get_absolute_url()))
    assert "Message de l'équipe ANCT : « Document trop propre à votre quartier" in text
    assert "x()" not in text
    assert "dans le groupe. » Déposez" in text  # no second full stop after the quote


def test_without_a_destination_the_button_and_the_form_are_absent(client, shared, member):
    from groups import registry

    saved = registry.library_destination(), registry._describe, registry.library_kinds()
    registry.register_library_destination(None)
    try:
        client.force_login(member)
        document = shared["document"]
        assert "Proposer à la bibliothèque" not in page_text(
            client.get(document.get_absolute_url())
        )
        assert client.get(propose_url(document)).status_code == 404
    finally:
        registry.register_library_destination(saved[0], describe=saved[1], kinds=saved[2])


# --- Following a fiche ---------------------------------------------------------------------------


def test_follow_and_unfollow_for_each_role(role_client, library):
    fiche = make_ressource(library, slug="cheque-mobilite")
    follow = role_client.post(reverse("ressources:follow", args=[fiche.pk]))
    if role_client.role == "anonymous":
        assert follow.status_code == 302
        assert follow["Location"].startswith(reverse("account_login"))
        assert not FicheFollow.objects.exists()
        assert "Suivre cette fiche" not in page_text(role_client.get(fiche.url))
        return
    assert follow.status_code == 302 and follow["Location"] == fiche.url
    assert FicheFollow.objects.filter(fiche=fiche).count() == 1
    page = role_client.get(fiche.url)
    text = page_text(page)
    assert "Ne plus suivre cette fiche" in text
    # The outcome takes the focus (read out by screen readers, walk 1518h N3).
    assert 'id="message-resultat"' in page.content.decode()
    role_client.post(reverse("ressources:follow", args=[fiche.pk]))  # twice: still one
    assert FicheFollow.objects.count() == 1
    unfollow = role_client.post(reverse("ressources:unfollow", args=[fiche.pk]))
    assert unfollow.status_code == 302 and not FicheFollow.objects.exists()
    assert "Suivre cette fiche" in page_text(role_client.get(fiche.url))


def test_follow_refuses_forged_draft_and_reserved_fiches(client, library, professional):
    client.force_login(professional)
    action = services.save_ressource(
        library, ActionInspirantePage, "une-action", {"title": "Action", "summary": "r"}
    )[0]
    draft = make_ressource(library, slug="brouillon")
    draft.unpublish()
    for page_id in (999999, action.pk, draft.pk):
        assert client.post(reverse("ressources:follow", args=[page_id])).status_code == 404
        assert client.post(reverse("ressources:unfollow", args=[page_id])).status_code == 404
    assert client.get(reverse("ressources:follow", args=[draft.pk])).status_code == 405
    assert not FicheFollow.objects.exists()


# --- Major changes -------------------------------------------------------------------------------


def _publish_major_change(fiche, summary, editor, capture):
    fiche = FicheDispositifPage.objects.get(pk=fiche.pk)
    fiche.major_change = True
    fiche.major_change_summary = summary
    with capture(execute=True):
        fiche.save_revision(user=editor).publish(user=editor)
    return fiche


def test_major_change_notifies_followers_and_citing_cites_once(
    library, anct_user, django_capture_on_commit_callbacks
):
    fiche = make_ressource(library, slug="cheque-mobilite", title="Chèque mobilité")
    linking, related, unrelated = CiteFactory(), CiteFactory(), CiteFactory()
    linking_team = UserFactory(cite=linking, coordinator=True)
    related_team = UserFactory(cite=related, partner=True)
    unrelated_team = UserFactory(cite=unrelated, coordinator=True)
    follower = UserFactory()
    quiet_follower = UserFactory()
    LibraryEmailSetting.objects.create(user=quiet_follower, email_mode=EmailMode.NONE)
    services.follow_fiche(follower, fiche)
    services.follow_fiche(quiet_follower, fiche)
    link = f'<p>Voir <a linktype="page" id="{fiche.pk}">la fiche</a>.</p>'
    services.save_ressource(
        library,
        ActionInspirantePage,
        "action-liee",
        {"title": "Lien", "summary": "r", "cite": linking, "body": [("paragraph", link)]},
    )
    with_related, _ = services.save_ressource(
        library,
        ActionInspirantePage,
        "action-rel",
        {"title": "Rel", "summary": "r", "cite": related},
    )
    with_related.related_fiches.set([fiche])
    with_related.save_revision().publish()
    services.save_ressource(  # an action of the unrelated cité that cites nothing
        library,
        ActionInspirantePage,
        "autre",
        {"title": "Autre", "summary": "r", "cite": unrelated},
    )
    mail.outbox.clear()

    _publish_major_change(
        fiche, "Plafond porté à 800 €", anct_user, django_capture_on_commit_callbacks
    )

    notified = set(
        Notification.objects.filter(kind="fiche_change").values_list("recipient", flat=True)
    )
    assert notified == {linking_team.pk, related_team.pk, follower.pk, quiet_follower.pk}
    assert unrelated_team.pk not in notified
    title = Notification.objects.filter(kind="fiche_change").first().title
    assert title == "Fiche « Chèque mobilité » modifiée : Plafond porté à 800 €"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [linking_team.email, related_team.email, follower.email]
    )
    # A follower is told why and how to stop following this fiche only; a cité team is told
    # it gets it through its action.
    by_address = {m.to[0]: m.body for m in mail.outbox}
    assert "Vous suivez cette fiche." in by_address[follower.email]
    assert "Pour ne plus suivre cette fiche seulement" in by_address[follower.email]
    assert "Vous suivez cette fiche." not in by_address[linking_team.email]
    assert "Une action inspirante publiée par votre cité cite" in by_address[linking_team.email]
    change = FicheChange.objects.get()
    assert change.recipients == 4 and change.notified_at is not None
    # The flag was cleared: the next publication tells nobody.
    fiche = FicheDispositifPage.objects.get(pk=fiche.pk)
    assert not fiche.major_change and fiche.major_change_summary == ""
    with django_capture_on_commit_callbacks(execute=True):
        fiche.save_revision(user=anct_user).publish(user=anct_user)
    # The task retried, or the same revision published again: nothing more.
    assert services.send_fiche_change_notifications(change.pk) == 0
    services.record_major_change(
        FicheDispositifPage(pk=fiche.pk, major_change=True, major_change_summary="x"),
        change.revision,
    )
    assert Notification.objects.filter(kind="fiche_change").count() == 4
    assert FicheChange.objects.count() == 1


def test_major_change_form_needs_a_summary_and_starts_unticked(library, anct_user):
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    fiche = make_ressource(library, slug="fiche-formulaire")
    form_class = FicheDispositifPage.get_edit_handler().get_form_class()
    fiche.major_change = True
    fiche.major_change_summary = "Ancien résumé"
    fiche.save_revision().publish()
    fiche = FicheDispositifPage.objects.get(pk=fiche.pk).get_latest_revision_as_object()
    form = form_class(instance=fiche, for_user=anct_user)
    assert form.initial["major_change"] is False and form.initial["major_change_summary"] == ""
    data = nested_form_data(
        {
            "title": fiche.title,
            "slug": fiche.slug,
            "summary": fiche.summary,
            "body": streamfield([]),
            "links": streamfield([]),
            "major_change": "on",
            "major_change_summary": " ",
        }
    )
    form = form_class(data=data, instance=fiche, for_user=anct_user)
    form.is_valid()
    assert "Résumez la modification importante en une ligne" in str(
        form.errors["major_change_summary"]
    )


def test_admin_edit_shows_the_validity_and_publication_fields(client, library, anct_user):
    fiche = make_ressource(library, slug="fiche-admin")
    client.force_login(anct_user)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[fiche.pk])).content.decode()
    assert "Valide jusqu&#x27;au" in html or "Valide jusqu'au" in html
    assert "Modification importante" in html


# --- Review reminders and the "Fiches à revoir" report ---------------------------------------------


def test_review_reminders_are_sent_once_per_date(library, anct_user, professional):
    today = timezone.localdate()
    soon = make_ressource(library, slug="bientot", valid_until=today + datetime.timedelta(days=20))
    make_ressource(library, slug="plus-tard", valid_until=today + datetime.timedelta(days=60))
    make_ressource(library, slug="sans-date")
    mail.outbox.clear()
    assert services.send_review_reminders(today) == 1
    reminders = Notification.objects.filter(kind="fiche_review")
    assert [n.recipient for n in reminders] == [anct_user]
    assert "Bientot" in reminders[0].title
    assert reminders[0].url == reverse("wagtailadmin_pages:edit", args=[soon.pk])
    assert services.send_review_reminders(today) == 0
    call_command("remind_fiches_to_review")
    assert Notification.objects.filter(kind="fiche_review").count() == 1
    assert FicheReviewReminder.objects.count() == 1
    # A new date is a new reminder, once.
    soon.valid_until = today + datetime.timedelta(days=10)
    soon.save_revision().publish()
    assert services.send_review_reminders(today) == 1
    assert services.send_review_reminders(today) == 0
    assert Notification.objects.filter(kind="fiche_review").count() == 2


def test_fiches_to_review_report_for_each_role(role_client, library):
    today = timezone.localdate()
    make_ressource(
        library, slug="echue", title="Fiche échue", valid_until=today - datetime.timedelta(days=3)
    )
    make_ressource(
        library,
        slug="bientot",
        title="Fiche bientôt",
        valid_until=today + datetime.timedelta(days=9),
    )
    make_ressource(
        library,
        slug="loin",
        title="Fiche lointaine",
        valid_until=today + datetime.timedelta(days=90),
    )
    url = reverse("ressources_fiches_to_review")
    response = role_client.get(url)
    if role_client.role == "anonymous":
        assert response.status_code == 302
        return
    if role_client.role != "anct_user":  # logged in without admin rights
        assert response.status_code == 403
        return
    assert response.status_code == 200
    text = page_text(response)
    assert text.index("Fiche échue") < text.index("Fiche bientôt")
    assert "Fiche lointaine" not in text
    assert "(échue)" in text
    assert "quand sa date « Valide jusqu'au »" in text  # what puts a fiche in the list
    assert url in page_text(role_client.get("/admin/"))  # in the Reports menu


# --- Preferences ---------------------------------------------------------------------------------


def test_library_email_preference_and_one_click_unsubscribe(client, library, professional):
    from notifications.services import apply_unsubscribe

    client.force_login(professional)
    response = client.post(reverse("espace:preferences"), {"library": "digest"})
    assert response.status_code == 302
    assert services.library_email_mode(professional) == EmailMode.DIGEST
    assert apply_unsubscribe(professional.pk, "library") == "Bibliothèque de ressources"
    assert services.library_email_mode(professional) == EmailMode.NONE
    bad = client.post(reverse("espace:preferences"), {"library": "n'importe"})
    assert bad.status_code == 200
    assert services.library_email_mode(professional) == EmailMode.NONE


def test_follows_and_proposals_are_exported_and_follows_erased(client, shared, member, library):
    from ressources import personal_data

    fiche = make_ressource(library, slug="suivie", title="Fiche suivie")
    services.follow_fiche(member, fiche)
    client.force_login(member)
    client.post(propose_url(shared["document"]), proposal_data(shared["document"]))
    data = personal_data.export(member, None)
    assert [f["fiche"] for f in data["fiches_suivies"]] == ["Fiche suivie"]
    assert data["documents_proposes"][0]["etat"] == "En relecture"
    personal_data.erase(member, member.email, "efface@example.org", [])
    assert not FicheFollow.objects.filter(user=member).exists()
    assert LibraryProposal.objects.filter(proposer=member).exists()  # a contribution, kept


# --- Kinds, audit, e-mails (issue #18 follow-up) -------------------------------------------------


def test_the_proposer_chooses_the_kind(client, shared, member):
    document = shared["document"]
    client.force_login(member)
    form = page_text(client.get(propose_url(document)))
    for label in ("Fiche dispositif", "Action inspirante", "Portrait de cité"):
        assert label in form
    assert "Parcours de bénéficiaire" not in form
    bad = client.post(propose_url(document), proposal_data(document, kind="parcours"))
    assert bad.status_code == 200 and not LibraryProposal.objects.exists()
    assert "Choisissez le type de ressource parmi ceux proposés." in page_text(bad)
    response = client.post(propose_url(document), proposal_data(document, kind="action"))
    assert response.status_code == 302
    page = LibraryProposal.objects.get().page.specific
    assert isinstance(page, ActionInspirantePage) and not page.live
    assert page.cite == member.cite
    assert WorkflowState.objects.get(object_id=str(page.pk)).status == "in_progress"


def _audit(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_submitted_published_and_refused_proposals_are_audited(
    client, shared, member, anct_user, django_capture_on_commit_callbacks
):
    document = shared["document"]
    proposal = _propose(client, document, member)
    (submitted,) = _audit(Action.LIBRARY_PROPOSE)
    assert submitted.actor == member and submitted.target_id == str(proposal.pk)
    assert submitted.target_label.startswith("Trame du forum (version 1)")
    assert submitted.details["type"] == "fiche"
    with django_capture_on_commit_callbacks(execute=True):
        proposal.page.specific.current_workflow_task_state.approve(user=anct_user)
    (published,) = _audit(Action.LIBRARY_PUBLISH)
    assert published.actor == anct_user and published.target_id == str(proposal.pk)
    # A second version, refused by ANCT with a message.
    group_services.add_version(
        document, member, uploaded=SimpleUploadedFile("trame-v2.pdf", PDF + b"%v2\n")
    )
    document.refresh_from_db()
    client.post(propose_url(document), proposal_data(document))
    second = LibraryProposal.objects.exclude(pk=proposal.pk).get()
    with django_capture_on_commit_callbacks(execute=True):
        _refuse(second.page.specific, anct_user, "Non.")
    (refused,) = _audit(Action.LIBRARY_REFUSE)
    assert refused.actor == anct_user and refused.details["message"] == "Non."
    assert len(_audit(Action.LIBRARY_PROPOSE)) == 2
    # Publishing from the editor (no workflow approval) names whoever published.
    third_page = services.save_ressource(
        LibraryProposal.objects.get(pk=proposal.pk).page.get_parent().specific,
        FicheDispositifPage,
        "sans-proposition",
        {"title": "Sans proposition", "summary": "r"},
    )[0]
    assert third_page.live and len(_audit(Action.LIBRARY_PUBLISH)) == 1  # no proposal: no line


def test_change_kind_url_for_each_role(role_client, shared, member):
    document = shared["document"]
    proposal = group_services.propose_to_library(
        document, document.latest, member, description="Une trame.", themes=[], kind="fiche"
    )
    assert proposal.page.specific_class is FicheDispositifPage
    url = reverse("ressources:proposal_kind", args=[proposal.pk])
    get = role_client.get(url)
    post = role_client.post(url, {"kind": "portrait"})
    proposal.refresh_from_db()
    if role_client.role == "anonymous":
        assert get.status_code == 302 and get["Location"].startswith(reverse("account_login"))
    elif role_client.role == "anct_user":
        assert get.status_code == 200
        assert "Elle est aujourd'hui : fiche dispositif." in page_text(get)
        assert post.status_code == 302
        assert post["Location"] == reverse("wagtailadmin_pages:edit", args=[proposal.page_id])
    else:
        assert get.status_code == 404 and post.status_code == 404
        missing = reverse("ressources:proposal_kind", args=[999999])
        assert role_client.get(missing).status_code == 404
    expected = PortraitCitePage if role_client.role == "anct_user" else FicheDispositifPage
    assert proposal.page.specific_class is expected


def test_anct_changes_the_kind_at_review_the_decision_still_reaches_the_proposer(
    client, shared, member, anct_user, django_capture_on_commit_callbacks
):
    document = shared["document"]
    proposal = _propose(client, document, member)
    old = proposal.page.specific
    old_pk, slug, copy = old.pk, old.slug, proposal.document
    client.force_login(anct_user)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[old_pk]))
    url = reverse("ressources:proposal_kind", args=[proposal.pk])
    assert url in edit.content.decode()
    bad = client.post(url, {"kind": "parcours"})
    assert bad.status_code == 200 and "parmi ceux proposés" in page_text(bad)
    same = client.post(url, {"kind": "fiche"})
    assert "La proposition est déjà de ce type" in page_text(same)
    response = client.post(url, {"kind": "action"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    page = proposal.page.specific
    assert isinstance(page, ActionInspirantePage) and page.pk != old_pk
    assert not Page.objects.filter(pk=old_pk).exists()
    assert page.slug == slug and not page.live
    assert [theme.slug for theme in page.themes.all()] == ["mobilite"]
    assert [b.value["document"] for b in page.body if b.block_type == "link"] == [copy]
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == "in_progress" and state.requested_by == member
    (changed,) = _audit(Action.LIBRARY_KIND)
    assert changed.actor == anct_user and changed.details == {
        "page": page.pk,
        "de": "fiche",
        "vers": "action",
    }
    # ANCT sees the panel on the new page too, and publishing credits the proposer.
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert "Trame du forum (version 1)" in edit.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        page.current_workflow_task_state.approve(user=anct_user)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PUBLISHED
    assert Notification.objects.filter(recipient=member, kind="proposal_published").exists()
    # Once published, the type no longer changes.
    refused = client.post(url, {"kind": "fiche"})
    assert "Seule une proposition en cours de relecture" in page_text(refused)
    assert LibraryProposal.objects.get().page.specific_class is ActionInspirantePage


def test_proposal_emails_are_french_with_absolute_links(
    client, settings, shared, member, anct_user, django_capture_on_commit_callbacks
):
    # Both come from the SITE_URL environment variable (settings/base.py).
    settings.SITE_URL = settings.WAGTAILADMIN_BASE_URL = "https://cites.example.fr"
    document = shared["document"]
    proposal = _propose(client, document, member)
    page = proposal.page.specific
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page.current_workflow_task_state.approve(user=anct_user)
    page.refresh_from_db()
    (published,) = [m for m in mail.outbox if "est publiée dans la bibliothèque" in m.subject]
    assert published.subject.endswith(
        "Votre proposition « Trame du forum » est publiée dans la bibliothèque de ressources"
    )
    assert f"https://cites.example.fr{page.url}" in published.body
    assert "Bonjour" in published.body and "Régler toutes vos notifications" in published.body
    html = published.alternatives[0][0]
    assert f'href="https://cites.example.fr{page.url}"' in html
    # Refused: the link goes back to the group document, absolute.
    group_services.add_version(
        document, member, uploaded=SimpleUploadedFile("trame-v2.pdf", PDF + b"%v2\n")
    )
    document.refresh_from_db()
    client.force_login(member)
    client.post(propose_url(document), proposal_data(document))
    second = LibraryProposal.objects.exclude(pk=proposal.pk).get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _refuse(second.page.specific, anct_user, "Trop local.")
    (refused,) = [m for m in mail.outbox if "n'a pas retenu" in m.subject]
    assert "L'équipe ANCT n'a pas retenu votre proposition « Trame du forum »" in refused.subject
    assert f"https://cites.example.fr{document.get_absolute_url()}" in refused.body
    assert "Message de l'équipe ANCT" in refused.body and "Trop local." in refused.body
    assert "Trop local." not in refused.subject
    # No Wagtail workflow e-mail to the proposer (no admin access): the library's is the only one.
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_wagtail_workflow_emails_still_reach_editors(
    library, anct_user, django_capture_on_commit_callbacks
):
    """Wagtail's decision e-mail is dropped for proposers without the admin only: an editor who
    submitted their own draft still receives it, with the admin link."""
    editor = UserFactory(email="redaction@example.fr")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    page = make_ressource(library, slug="brouillon-redaction", title="Brouillon de la rédaction")
    page.save_revision(user=editor)
    page.get_workflow().start(page, editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page.current_workflow_task_state.approve(user=anct_user)
    (approved,) = [m for m in mail.outbox if m.to == [editor.email]]
    assert "/admin/" in approved.body


def test_followed_fiches_in_mon_espace(client, library, professional, anct_user):
    soon = make_ressource(
        library,
        slug="cheque-mobilite",
        title="Chèque mobilité",
        valid_until=datetime.date(2027, 1, 31),
    )
    later = make_ressource(library, slug="aide-permis", title="Aide au permis")
    hidden = make_ressource(library, slug="brouillon", title="Fiche dépubliée")
    for fiche in (later, soon, hidden):
        services.follow_fiche(professional, fiche)
    hidden.unpublish()
    revision = soon.save_revision(user=anct_user)
    revision.publish(user=anct_user)
    FicheChange.objects.create(
        fiche=soon, revision=revision, summary="Plafond porté à 600 €", published_by=anct_user
    )
    client.force_login(professional)
    response = client.get(reverse("espace:home"))
    text = " ".join(page_text(response).split())
    section = text[text.index("Fiches suivies") :]
    assert section.index("Chèque mobilité") < section.index("Aide au permis")
    assert "Plafond porté à 600 €" in section and "Valide jusqu'au 31 janvier 2027" in section
    assert "Aucune modification importante depuis sa publication." in section
    assert "Fiche dépubliée" not in text
    espace = reverse("espace:home") + "#fiches-suivies"
    unfollow = client.post(reverse("ressources:unfollow", args=[soon.pk]), {"next": espace})
    assert unfollow["Location"] == espace
    assert not FicheFollow.objects.filter(user=professional, fiche=soon).exists()
    # A foreign address is not followed.
    away = client.post(
        reverse("ressources:unfollow", args=[later.pk]), {"next": "https://ailleurs.example"}
    )
    assert away["Location"] == later.url
    text = page_text(client.get(reverse("espace:home")))
    assert "Vous ne suivez aucune fiche dispositif." in text
    # Someone else's follows are not shown.
    client.force_login(anct_user)
    assert "Vous ne suivez aucune fiche dispositif." in page_text(
        client.get(reverse("espace:home"))
    )


def _propose_action_by_form(client, member, title="Un forum dans un stade"):
    client.force_login(member)
    response = client.post(
        reverse("ressources:propose"),
        {
            "title": title,
            "summary": "Deux cents habitants et trente employeurs au stade.",
            "description": "Le déroulé de la journée.",
            "themes": [Theme.objects.get(slug="mobilite").pk],
        },
    )
    assert response.status_code == 302
    return LibraryProposal.objects.get(page__title=title)


def test_an_action_proposed_by_form_is_refused_with_a_message_in_plain_french(
    client, library, member, anct_user, django_capture_on_commit_callbacks
):
    proposal = _propose_action_by_form(client, member)
    page = proposal.page.specific
    assert proposal.status == ProposalStatus.PENDING and proposal.proposer == member
    client.force_login(anct_user)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "Refuser la proposition" in html and "Demander des modifications" not in html
    assert "publier et Publier" not in html
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _refuse(page, anct_user, "Déjà présentée dans la bibliothèque.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REFUSED
    # Only the library's e-mail reaches the proposer, none of Wagtail's workflow e-mails.
    (refused,) = mail.outbox
    assert refused.to == [member.email]
    assert "n'a pas retenu votre proposition « Un forum dans un stade »" in refused.subject
    assert "Déjà présentée dans la bibliothèque." in refused.body
    assert "Message de l'équipe ANCT sur « Un forum dans un stade »" in refused.body


def test_an_action_proposed_by_form_published_tells_the_proposer_only_once(
    client, library, member, anct_user, django_capture_on_commit_callbacks
):
    proposal = _propose_action_by_form(client, member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal.page.specific.current_workflow_task_state.approve(user=anct_user)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PUBLISHED
    (published,) = mail.outbox
    assert published.to == [member.email]
    assert "Votre proposition « Un forum dans un stade » est publiée" in published.subject


@pytest.mark.parametrize("origin", ["group", "form"])
def test_anct_changes_the_kind_of_either_proposal_in_review(
    client, shared, member, anct_user, origin
):
    if origin == "group":
        proposal = _propose(client, shared["document"], member)
        target = "action"
    else:
        proposal = _propose_action_by_form(client, member)
        target = "fiche"
    client.force_login(anct_user)
    url = reverse("ressources:proposal_kind", args=[proposal.pk])
    assert "Seule une proposition" not in page_text(client.get(url))
    assert client.post(url, {"kind": target}).status_code == 302
    proposal.refresh_from_db()
    assert services.proposal_kind_of(proposal.page) == target


def test_the_demo_publication_history_leaves_proposals_unpublished(client, shared, member):
    from cde_site.demo.ressources import record_publication_history

    proposal = _propose(client, shared["document"], member)
    record_publication_history(proposal.page.get_parent())
    proposal.page.refresh_from_db()
    assert proposal.page.first_published_at is None


def test_approve_and_publish_says_the_page_is_online_and_the_proposer_told(
    rf, shared, client, member, anct_user, django_capture_on_commit_callbacks
):
    """Walk 1518f N4: as after « Refuser la proposition », not Wagtail's « a été mise à jour »."""
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse
    from wagtail import hooks

    proposal = _propose(client, shared["document"], member)
    fiche = proposal.page.specific
    with django_capture_on_commit_callbacks(execute=True):
        fiche.current_workflow_task_state.approve(user=anct_user)
    fiche.refresh_from_db()
    # The edit view's POST of « Approuver et publier », after Wagtail's own message.
    request = rf.post("/", {"action-workflow-action": "true", "workflow-action-name": "approve"})
    request.user, request.session = anct_user, SessionStore()
    request._messages = FallbackStorage(request)
    from django.contrib import messages

    messages.success(request, f"La page « {fiche.title} » a été mise à jour.")
    for hook in hooks.get_hooks("after_edit_page"):
        hook(request, fiche)
    # The next page reads what the response stored (Wagtail's message, read, is dropped).
    response = HttpResponse()
    request._messages.update(response)
    after = rf.get("/")
    after.COOKIES = {k: v.value for k, v in response.cookies.items()}
    after.session = request.session
    after._messages = FallbackStorage(after)
    shown = [str(m) for m in get_messages(after)]
    assert shown == [
        f"Proposition « {fiche.title} » publiée : la page est en ligne dans la bibliothèque de "
        f"ressources. La page indique « Proposé par {member.display_name} » ; "
        f"{member.display_name} reçoit une notification et un courriel."
    ]


def test_review_email_has_the_platform_prefix_names_the_proposer_and_explains_settings(
    client, shared, member, anct_user, django_capture_on_commit_callbacks
):
    """Walk 1518f N6: Wagtail's « à relire » e-mail in the platform's voice."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _propose(client, shared["document"], member)
    (review,) = [m for m in mail.outbox if m.to == [anct_user.email]]
    assert review.subject.startswith("[Cités de l'emploi] La page « Trame du forum » : à relire")
    group = shared["document"].group
    assert (
        f"Proposée par {member.display_name} ({member.cite.name}) : Trame du forum (version 1) "
        f"— groupe « {group.name} »." in review.body
    )
    assert "seul endroit où les choisir" in review.body
    assert "Vos autres courriels (groupes, bibliothèque, bulletin) : " in review.body
    assert review.body.rstrip().endswith("/mon-espace/preferences/")


def test_refusal_message_has_no_space_where_a_script_was_dropped(
    client, shared, member, anct_user, django_capture_on_commit_callbacks
):
    """Walk 1518f F8: « nationale . Pourriez-vous » was the stripped <script>'s trace."""
    proposal = _propose(client, shared["document"], member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _refuse(
            proposal.page.specific,
            anct_user,
            "Trop local pour une diffusion nationale <script>alert(1)</script>. "
            "Pourriez-vous préciser : le public, la durée ?",
        )
    (told,) = [m for m in mail.outbox if m.to == [member.email]]
    assert "pour une diffusion nationale. Pourriez-vous préciser : le public" in told.body
    page = page_text(client.get(shared["document"].get_absolute_url()))
    assert "nationale. Pourriez-vous préciser : le public" in page
