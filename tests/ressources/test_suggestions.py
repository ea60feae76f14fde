"""« Pour ma cité »: the cité's own actions on its page, suggestions for its team and ANCT (cité
page, their own page, Mon espace), "utile / pas utile", reserved content, the scoring and the
judged-set command."""

import datetime
import json

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cde_site.setup import setup_site
from ressources import scoring, services, suggestions
from ressources.models import ActionInspirantePage, FicheDispositifPage, SuggestionFeedback
from ressources.setup import ensure_library
from ressources.suggestions import suggestions_for
from tests.factories import CiteFactory, UserFactory
from tests.utils import comparable, page_text
from themes.models import PublicCible, Theme

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def library():
    home = setup_site()
    library, _ = ensure_library(home)
    return library


def theme(slug):
    return Theme.objects.get(slug=slug)


def public(slug):
    return PublicCible.objects.get(slug=slug)


def make(library, model, slug, *, themes=("mobilite",), publics=(), members_only=False, **fields):
    fields.setdefault("title", slug.replace("-", " ").capitalize())
    fields.setdefault("summary", f"Résumé de {slug}")
    page, _ = services.save_ressource(
        library,
        model,
        slug,
        fields,
        themes=[theme(t) for t in themes],
        publics=[public(p) for p in publics],
        members_only=members_only,
    )
    return page


@pytest.fixture
def world(library, cite, other_cite):
    """`cite` (mobilité, femmes) and a twin `other_cite`; actions of both, fiches."""
    for c in (cite, other_cite):
        c.themes.set([theme("mobilite")])
        c.publics_cibles.set([public("femmes")])
        c.save()
    return {
        "own": make(library, ActionInspirantePage, "garage-solidaire", cite=cite),
        "other": make(
            library,
            ActionInspirantePage,
            "auto-ecole-sociale",
            cite=other_cite,
            publics=("femmes",),
            title="Auto-école sociale",
        ),
        "fiche": make(library, FicheDispositifPage, "aide-au-permis", title="Aide au permis"),
        "library": library,
    }


def suggestion_keys(cite, user):
    return [s.key for s in suggestions_for(cite, user, limit=50)]


# --- The cité's own actions on its page -------------------------------------------------------


def test_cite_page_lists_its_own_public_actions_only(client, world, cite, professional):
    library = world["library"]
    make(library, ActionInspirantePage, "reservee", cite=cite, members_only=True, title="Réservée")
    draft = make(library, ActionInspirantePage, "brouillon", cite=cite, title="Brouillon")
    draft.unpublish()
    text = page_text(client.get(cite.get_absolute_url()))
    assert "Actions inspirantes de la cité" in text
    assert "Garage solidaire" in text
    assert "Réservée" not in text
    assert "Brouillon" not in text
    assert "Auto-école sociale" not in text  # another cité's action, and no suggestions here
    client.force_login(professional)
    text = page_text(client.get(cite.get_absolute_url()))
    assert "Réservée" in text  # registered professionals may open members-only pages
    assert "Brouillon" not in text


# --- URLs for each role -----------------------------------------------------------------------

CAN_SEE = {"member", "anct_user"}


def test_cite_page_section_for_each_role(role_client, world, cite):
    text = page_text(role_client.get(cite.get_absolute_url()))
    if role_client.role in CAN_SEE:
        assert "Pour ma cité" in text
        assert "Auto-école sociale" in text
        assert "Même priorité : mobilité · public : femmes" in text
    else:
        assert "Pour ma cité" not in text
        assert "Auto-école sociale" not in text
    # Only the cité's team gives its opinion.
    assert ("Pas utile" in text) is (role_client.role == "member")


def test_suggestions_page_for_each_role(role_client, world, cite):
    url = reverse("ressources:cite_suggestions", args=[cite.slug])
    absent = reverse("ressources:cite_suggestions", args=["cite-inconnue"])
    response = role_client.get(url)
    if role_client.role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        return
    if role_client.role in CAN_SEE:
        assert response.status_code == 200
        assert "Auto-école sociale" in page_text(response)
    else:
        assert response.status_code == 404
        # Private and absent: the same 404.
        assert comparable(response, url) == comparable(role_client.get(absent), absent)


def test_feedback_url_for_each_role(role_client, world, cite):
    url = reverse("ressources:suggestion_feedback", args=[cite.slug])
    data = {"kind": "action", "target": world["other"].pk, "useful": "0"}
    response = role_client.post(url, data)
    if role_client.role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role_client.role == "member":
        assert response.status_code == 302
    else:
        assert response.status_code == 404
        absent = reverse("ressources:suggestion_feedback", args=["cite-inconnue"])
        assert comparable(response, url) == comparable(role_client.post(absent, data), absent)
    assert SuggestionFeedback.objects.exists() is (role_client.role == "member")
    assert role_client.get(url).status_code == (302 if role_client.role == "anonymous" else 405)


def test_partner_of_the_cite_sees_and_gives_feedback(client, world, cite):
    partner = UserFactory(cite=cite, partner=True)
    client.force_login(partner)
    assert "Auto-école sociale" in page_text(client.get(cite.get_absolute_url()))
    response = client.post(
        reverse("ressources:suggestion_feedback", args=[cite.slug]),
        {"kind": "fiche", "target": world["fiche"].pk, "useful": "1"},
        follow=True,
    )
    assert "Merci : cette suggestion est notée utile pour votre cité." in page_text(response)
    # « Utile » shows it is pressed, for that suggestion only.
    html = response.content.decode()
    assert html.count('aria-pressed="true"') == 1
    pressed = html.index('aria-pressed="true"')
    form = html[html.rfind("<form", 0, pressed) : pressed]
    assert 'name="kind" value="fiche"' in form
    assert f'name="target" value="{world["fiche"].pk}"' in form
    row = SuggestionFeedback.objects.get()
    assert (row.cite, row.kind, row.target_id, row.useful, row.given_by) == (
        cite,
        "fiche",
        world["fiche"].pk,
        True,
        partner,
    )


def test_mon_espace_shows_suggestions_to_the_team_only(client, world, member, professional):
    client.force_login(member)
    text = page_text(client.get(reverse("espace:home")))
    assert "Pour ma cité" in text
    assert "Auto-école sociale" in text
    assert "Pas utile" in text
    client.force_login(professional)
    text = page_text(client.get(reverse("espace:home")))
    assert "Pour ma cité" not in text


# --- Feedback ----------------------------------------------------------------------------------


def test_not_useful_hides_it_for_that_cite_only(client, world, cite, other_cite, member):
    third = CiteFactory(themes=[theme("mobilite")])
    third.publics_cibles.set([public("femmes")])
    third.save()
    third_member = UserFactory(cite=third, coordinator=True)
    assert "fiche:aide-au-permis" in suggestion_keys(third, third_member)
    client.force_login(member)
    response = client.post(
        reverse("ressources:suggestion_feedback", args=[cite.slug]),
        {
            "kind": "fiche",
            "target": world["fiche"].pk,
            "useful": "0",
            "next": reverse("espace:home") + "#pour-ma-cite",
        },
    )
    assert response.status_code == 302
    # Walk 1518h N1: back at the « Annuler » notice above the suggestions, not at the top.
    anchor = f"suggestion-fiche-{world['fiche'].pk}-retour"
    assert response["Location"] == reverse("espace:home") + "#" + anchor
    assert "fiche:aide-au-permis" not in suggestion_keys(cite, member)
    assert "fiche:aide-au-permis" in suggestion_keys(third, third_member)
    page = client.get(response["Location"])
    text = page_text(page)
    assert "C'est noté : cette suggestion ne sera plus proposée à votre cité." in text
    # Gone from the suggestions, named only in the « Annuler » notice right after.
    assert world["fiche"].url not in page.content.decode()
    assert "Vous avez écarté « Aide au permis »" in text
    assert f'id="{anchor}"' in page.content.decode()


def feedback(client, cite, target, kind="fiche", **data):
    return client.post(
        reverse("ressources:suggestion_feedback", args=[cite.slug]),
        {"kind": kind, "target": target.pk, **data},
        follow=True,
    )


def test_not_useful_is_undone_right_after_and_restored_later(client, world, cite, member):
    fiche = world["fiche"]
    client.force_login(member)
    text = page_text(feedback(client, cite, fiche, useful="0"))
    assert "Vous avez écarté « Aide au permis »" in text
    assert '<span class="fr-sr-only">: Aide au permis</span>' in text  # « Annuler : … »
    assert "fiche:aide-au-permis" not in suggestion_keys(cite, member)
    # « Annuler » right after: back among the suggestions, no row left.
    text = page_text(feedback(client, cite, fiche, annuler="1"))
    assert "C'est annulé : cette suggestion est de nouveau proposée." in text
    assert "fiche:aide-au-permis" in suggestion_keys(cite, member)
    assert not SuggestionFeedback.objects.exists()
    assert "Vous avez écarté" not in text
    # Undoing twice changes nothing and says so.
    text = page_text(feedback(client, cite, fiche, annuler="1"))
    assert "Cette suggestion n'était pas écartée : rien n'a été modifié." in text

    # Dismissed again; the notice is for whoever clicked, and only for a while.
    feedback(client, cite, fiche, useful="0")
    colleague = UserFactory(cite=cite, partner=True)
    client.force_login(colleague)
    assert "Vous avez écarté" not in page_text(client.get(cite.get_absolute_url()))
    client.force_login(member)
    SuggestionFeedback.objects.update(
        updated_at=timezone.now() - suggestions.UNDO_WINDOW - datetime.timedelta(minutes=1)
    )
    assert "Vous avez écarté" not in page_text(client.get(reverse("espace:home")))
    # The whole team finds it in « Suggestions écartées » and may restore it there.
    client.force_login(colleague)
    all_url = reverse("ressources:cite_suggestions", args=[cite.slug])
    text = page_text(client.get(all_url))
    assert "Suggestions écartées (1)" in text and 'name="annuler"' in text
    response = client.post(
        reverse("ressources:suggestion_feedback", args=[cite.slug]),
        {"kind": "fiche", "target": fiche.pk, "annuler": "1", "next": all_url + "#ecartees"},
    )
    assert response["Location"] == all_url + "#ecartees"
    assert "fiche:aide-au-permis" in suggestion_keys(cite, member)
    assert "Suggestions écartées" not in page_text(client.get(all_url))


def test_dismissed_list_per_role_and_never_a_reserved_title(
    role_client, world, cite, member, other_cite
):
    SuggestionFeedback.objects.create(
        cite=cite, kind="fiche", target_id=world["fiche"].pk, useful=False, given_by=member
    )
    secret = make(world["library"], FicheDispositifPage, "fiche-secrete", title="Fiche secrète")
    SuggestionFeedback.objects.create(
        cite=cite, kind="fiche", target_id=secret.pk, useful=False, given_by=member
    )
    secret.unpublish()
    # Another cité's opinions are its own.
    SuggestionFeedback.objects.create(
        cite=other_cite, kind="action", target_id=world["own"].pk, useful=False
    )
    url = reverse("ressources:cite_suggestions", args=[cite.slug])
    response = role_client.get(url)
    if role_client.role in ("member", "anct_user"):
        text = page_text(response)
        assert "Suggestions écartées (1)" in text and "Aide au permis" in text
        assert "Fiche secrète" not in text and "Garage solidaire" not in text
        assert ('name="annuler"' in text) is (role_client.role == "member")  # « Rétablir »
    else:
        assert response.status_code in (302, 404)
    undo = role_client.post(
        reverse("ressources:suggestion_feedback", args=[cite.slug]),
        {"kind": "fiche", "target": world["fiche"].pk, "annuler": "1"},
    )
    assert undo.status_code in (302, 404)
    still_hidden = SuggestionFeedback.objects.filter(cite=cite, target_id=world["fiche"].pk)
    assert still_hidden.exists() is (role_client.role != "member")


def test_useful_lifts_it_and_says_so(client, world, cite, member):
    client.force_login(member)
    before = {s.key: s.score for s in suggestions_for(cite, member, limit=50)}
    client.post(
        reverse("ressources:suggestion_feedback", args=[cite.slug]),
        {"kind": "fiche", "target": world["fiche"].pk, "useful": "1"},
    )
    after = {s.key: s for s in suggestions_for(cite, member, limit=50)}
    assert (
        after["fiche:aide-au-permis"].score == before["fiche:aide-au-permis"] + scoring.USEFUL_BONUS
    )
    assert "jugée utile par votre équipe" in after["fiche:aide-au-permis"].reason_text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"kind": "action", "target": "999999", "useful": "0"},
            "n'existe pas ou ne vous est plus proposée",
        ),
        ({"kind": "groupe", "target": "TARGET", "useful": "0"}, "Type de suggestion inconnu"),
        (
            {"kind": "action", "target": "OWN", "useful": "0"},
            "n'existe pas ou ne vous est plus proposée",
        ),
        (
            {"kind": "cite", "target": "CITE", "useful": "0"},
            "n'existe pas ou ne vous est plus proposée",
        ),
        ({"kind": "action", "target": "abc", "useful": "0"}, "Avis non reconnu"),
        ({"kind": "action", "target": "9" * 40, "useful": "0"}, "Avis non reconnu"),
        ({"kind": "action", "target": "TARGET", "useful": "peut-être"}, "Avis non reconnu"),
        ({"kind": "action", "target": "TARGET"}, "Avis non reconnu"),
    ],
)
def test_bad_feedback_changes_nothing(client, world, cite, member, data, message):
    """Unknown id, forged kind, the cité's own action, the cité itself as its own twin,
    tampered values: a French message and no row."""
    client.force_login(member)
    values = {"TARGET": world["other"].pk, "OWN": world["own"].pk, "CITE": cite.pk}
    data = {key: values.get(value, value) for key, value in data.items()}
    response = client.post(
        reverse("ressources:suggestion_feedback", args=[cite.slug]),
        {**data, "next": "https://ailleurs.example/"},
        follow=True,
    )
    assert response.redirect_chain[0][0] == reverse("ressources:cite_suggestions", args=[cite.slug])
    assert message in page_text(response)
    assert "votre avis n'a pas été enregistré" in page_text(response)
    assert not SuggestionFeedback.objects.exists()


def test_feedback_for_another_cite_is_refused(client, world, other_cite, member):
    client.force_login(member)
    response = client.post(
        reverse("ressources:suggestion_feedback", args=[other_cite.slug]),
        {"kind": "fiche", "target": world["fiche"].pk, "useful": "0"},
    )
    assert response.status_code == 404
    assert not SuggestionFeedback.objects.exists()


def test_feedback_on_a_reserved_page_is_refused_like_an_unknown_one(client, world, cite, member):
    hidden = make(world["library"], FicheDispositifPage, "fiche-de-groupe", title="Fiche de groupe")
    restriction = PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(AuthGroup.objects.create(name="Comité restreint"))
    client.force_login(member)
    response = client.post(
        reverse("ressources:suggestion_feedback", args=[cite.slug]),
        {"kind": "fiche", "target": hidden.pk, "useful": "1"},
        follow=True,
    )
    assert "n'existe pas ou ne vous est plus proposée" in page_text(response)
    assert not SuggestionFeedback.objects.exists()


# --- Reserved content and drafts ---------------------------------------------------------------


def test_reserved_and_draft_content_is_never_suggested(world, cite, other_cite, member, anct_user):
    library = world["library"]
    group_only = make(library, ActionInspirantePage, "reservee-comite", cite=other_cite)
    restriction = PageViewRestriction.objects.create(
        page=group_only, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(AuthGroup.objects.create(name="Comité restreint"))
    PageViewRestriction.objects.create(
        page=make(library, FicheDispositifPage, "fiche-mot-de-passe"),
        restriction_type=PageViewRestriction.PASSWORD,
        password="secret",
    )
    make(library, FicheDispositifPage, "brouillon").unpublish()
    make(library, FicheDispositifPage, "expiree", expires_on=datetime.date(2020, 1, 1))
    make(library, FicheDispositifPage, "autre-region", region="84")
    members_only = make(library, FicheDispositifPage, "inscrits", members_only=True)
    for user in (member, anct_user):
        keys = suggestion_keys(cite, user)
        assert "action:auto-ecole-sociale" in keys
        assert f"fiche:{members_only.slug}" in keys  # logged-in professionals may open it
        for slug in (
            "reservee-comite",
            "fiche-mot-de-passe",
            "brouillon",
            "expiree",
            "autre-region",
        ):
            assert not any(key.endswith(f":{slug}") for key in keys), (user, slug)
        assert "action:garage-solidaire" not in keys  # the cité's own action
        assert f"cite:{cite.slug}" not in keys


def test_unpublished_cites_are_not_twins(world, cite, other_cite, member):
    assert f"cite:{other_cite.slug}" in suggestion_keys(cite, member)
    other_cite.is_published = False
    other_cite.save()
    assert f"cite:{other_cite.slug}" not in suggestion_keys(cite, member)


# --- Queries -----------------------------------------------------------------------------------


def test_query_count_does_not_grow(client, world, cite, member, django_assert_max_num_queries):
    client.force_login(member)
    url = cite.get_absolute_url()
    client.get(url)  # warm caches (site root paths, content types)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    baseline = len(small.captured_queries)
    library = world["library"]
    for n in range(8):
        twin = CiteFactory(themes=[theme("mobilite")])
        twin.publics_cibles.set([public("femmes")])
        twin.save()
        make(library, ActionInspirantePage, f"action-{n}", cite=twin, publics=("femmes",))
        make(library, FicheDispositifPage, f"fiche-{n}", publics=("femmes",))
        make(library, ActionInspirantePage, f"propre-{n}", cite=cite)
        SuggestionFeedback.objects.create(cite=cite, kind="cite", target_id=twin.pk, useful=n % 2)
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert "Action 1" in page_text(response) or "Fiche 1" in page_text(response)
    with django_assert_max_num_queries(12):
        suggestions_for(cite, member)


# --- Scoring -----------------------------------------------------------------------------------


def profile(themes=(), publics=(), population=None, region="", date=None):
    return scoring.Profile(frozenset(themes), frozenset(publics), population, region, date)


def test_scoring_counts_shared_champs_publics_size_and_region():
    mine = profile(["mobilite", "logement"], ["femmes", "tous"], 10_000, "32")
    twin = profile(["mobilite"], ["femmes"], 8_000, "32")
    stranger = profile(["mobilite"], ["jeunes"], 40_000, "84")
    a = scoring.score(mine, twin, scoring.CITE, today=TODAY)
    b = scoring.score(mine, stranger, scoring.CITE, today=TODAY)
    assert a.score > b.score
    assert (a.themes, a.publics, a.comparable_size, a.same_region) == (
        ("mobilite",),
        ("femmes",),
        True,
        True,
    )
    assert (b.themes, b.publics, b.comparable_size, b.same_region) == (
        ("mobilite",),
        (),
        False,
        False,
    )
    assert scoring.is_suggested(a, scoring.CITE)
    assert not scoring.is_suggested(b, scoring.CITE)  # one champ and nothing else in common
    # "Tous publics" on both sides is not a shared public.
    assert (
        scoring.score(mine, profile(["mobilite"], ["tous"]), scoring.FICHE, today=TODAY).publics
        == ()
    )


def test_scoring_recency_and_feedback():
    mine = profile(["mobilite"])
    new = profile(["mobilite"], date=TODAY)
    old = profile(
        ["mobilite"], date=TODAY - datetime.timedelta(days=scoring.RECENCY_HALF_LIFE_DAYS)
    )
    new_score = scoring.score(mine, new, scoring.FICHE, today=TODAY)
    old_score = scoring.score(mine, old, scoring.FICHE, today=TODAY)
    assert new_score.score - old_score.score == pytest.approx(scoring.RECENCY_WEIGHT / 2, abs=1e-3)
    assert scoring.score(mine, new, scoring.FICHE, today=TODAY, feedback=False).score == 0
    assert not scoring.is_suggested(
        scoring.score(mine, new, scoring.FICHE, today=TODAY, feedback=False), scoring.FICHE
    )


def test_reasons_in_words(world, cite, member):
    twin = {s.key: s for s in suggestions_for(cite, member, limit=50)}
    cite_key = next(key for key in twin if key.startswith("cite:"))
    assert twin[cite_key].reason_text == (
        "Même priorité : mobilité · public : femmes · cité de taille comparable · même région"
    )
    assert twin["fiche:aide-au-permis"].reason_text == "Même priorité : mobilité"


# --- Measurement command -----------------------------------------------------------------------


def test_precision_command(world, cite, other_cite, tmp_path, capsys):
    judged = tmp_path / "jeu.json"
    judged.write_text(
        json.dumps(
            {
                "cites": [
                    {
                        "cite": f"cite:{cite.slug}",
                        "judgments": {"action:auto-ecole-sociale": 3, "fiche:aide-au-permis": 2},
                    }
                ]
            }
        )
    )
    call_command("suggestions_precision", "--set", str(judged))
    out = capsys.readouterr().out
    # Two relevant suggestions and the twin cité (not judged): 2 of 5.
    assert f"{cite.slug}" in out
    assert "P@5 0.40" in out
    assert "Moyenne : P@5 0.400" in out
    assert not SuggestionFeedback.objects.exists()


def test_precision_command_refuses_an_unknown_cite(tmp_path):
    judged = tmp_path / "jeu.json"
    judged.write_text(json.dumps({"cites": [{"cite": "cite:nulle-part", "judgments": {}}]}))
    with pytest.raises(Exception, match="Cités absentes de la base : nulle-part"):
        call_command("suggestions_precision", "--set", str(judged))


def test_feedback_is_in_the_personal_data_export_and_forgotten_on_erasure(world, cite, member):
    from ressources import personal_data

    services.give_suggestion_feedback(cite, member, "fiche", world["fiche"].pk, False)
    exported = personal_data.export(member, None)["avis_suggestions"]
    assert [(row["cite"], row["type"], row["utile"]) for row in exported] == [
        (cite.name, "Fiche dispositif", False)
    ]
    personal_data.erase(member, member.email, "efface@example.invalid", [])
    row = SuggestionFeedback.objects.get()
    assert row.given_by is None
    assert row.useful is False  # the cité keeps its opinion


def test_useful_is_a_toggle_and_titles_are_not_double_quoted(client, world, cite, member):
    """Walk 1518: a second click on « Utile » said « Merci » again; « « L'emploi en jeu »… » »."""
    from commons.french import quoted
    from ressources.models import SuggestionFeedback

    fiche = world["fiche"]
    client.force_login(member)
    page = feedback(client, cite, fiche, useful="1")
    assert "Merci : cette suggestion est notée utile" in page_text(page)
    assert 'name="annuler" value="utile"' in page.content.decode()
    text = page_text(feedback(client, cite, fiche, annuler="utile"))
    assert "C'est annulé : cette suggestion n'est plus notée utile." in text
    assert not SuggestionFeedback.objects.exists()
    assert quoted("« L'emploi en jeu », un forum dans un stade") == (
        "« “L'emploi en jeu”, un forum dans un stade »"
    )
    assert quoted("Aide au permis") == "« Aide au permis »"
