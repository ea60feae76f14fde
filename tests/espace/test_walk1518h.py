"""Walk 1518h: an unverified address's pending bulletin request keeps its champs d'action
ticked on the preferences page, says they await confirmation, and saving again does not turn
it into the whole bulletin."""

# ruff: noqa: F811 (test_espace's fixtures, imported, are test arguments here)

import re

from django.core import mail

from ressources.models import Subscriber
from tests.espace.test_espace import parts, smtp, team  # noqa: F401 (fixtures)
from tests.utils import page_text


def test_pending_champs_stay_ticked_and_saving_again_keeps_them(
    client, team, django_capture_on_commit_callbacks
):
    member = team["member"]  # no verified address
    choice = {f"groupe_{team['group'].pk}": "each", "bulletin": "on"}
    client.force_login(member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/mon-espace/preferences/",
            {**choice, "bulletin_themes": ["mobilite", "contraintes-familiales"]},
        )
    assert len([m for m in mail.outbox if m.to == [member.email]]) == 1
    response = client.get("/mon-espace/preferences/")
    html = response.content.decode()
    assert re.search(r'value="mobilite"\s+checked', html)
    assert re.search(r'value="contraintes-familiales"\s+checked', html)
    assert len(re.findall(r'name="bulletin_themes"\s+value="[^"]+"\s+checked', html)) == 2
    text = " ".join(page_text(response).split())
    assert "Champs d'action retenus, en attente de confirmation :" in text
    # Saving the page as shown: still pending with the same champs, no new e-mail.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/mon-espace/preferences/",
            {**choice, "bulletin_themes": ["mobilite", "contraintes-familiales"]},
            follow=True,
        )
    assert "attend toujours votre confirmation" in page_text(response)
    assert mail.outbox == []
    # Other champs: a new link carries them; the latest link subscribes to them only.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/mon-espace/preferences/", {**choice, "bulletin_themes": ["logement"]})
    (confirmation,) = [m for m in mail.outbox if m.to == [member.email]]
    html = client.get("/mon-espace/preferences/").content.decode()
    assert re.search(r'value="logement"\s+checked', html)
    assert not re.search(r'value="mobilite"\s+checked', html)
    link = re.search(r"http://\S+/veille/abonnement/\S+/", confirmation.body).group(0)
    client.post(link.removeprefix("http://127.0.0.1:8000"))
    subscriber = Subscriber.objects.active().get(email=member.email)
    assert not subscriber.all_themes and subscriber.chosen_theme_slugs() == {"logement"}


def test_saved_preferences_outcome_takes_the_focus(client, team):
    """Walk 1518h N3: after saving, the confirmation is focused (read out), not the page top."""
    member = team["member"]
    client.force_login(member)
    response = client.post(
        "/mon-espace/preferences/", {f"groupe_{team['group'].pk}": "each"}, follow=True
    )
    html = response.content.decode()
    assert re.search(r'id="message-resultat"[^>]*autofocus', html)
    assert "Vos préférences de notification sont enregistrées." in page_text(response)
