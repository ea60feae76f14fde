"""What pilotage/ holds about a person, for the "Mes données" export (rgpd/export.py calls this;
rgpd sits above every app). Answers are a cité's, not a person's: only the questionnaires a
person transmitted and the answers they last saved carry their name."""

from pilotage.models import Answer, Response


def personal_data(user):
    return {
        "questionnaires_transmis": [
            {
                "cite": response.cite.name,
                "trimestre": response.campaign.code,
                "transmis_le": response.submitted_at,
            }
            for response in Response.objects.filter(submitted_by=user)
            .select_related("cite", "campaign")
            .order_by("campaign__year", "campaign__quarter")
        ],
        "reponses_enregistrees": [
            {
                "cite": answer.response.cite.name,
                "trimestre": answer.response.campaign.code,
                "indicateur": answer.indicator.code,
                "intitule": answer.indicator.label,
                "valeur": answer.display_value,
                "enregistree_le": answer.updated_at,
            }
            for answer in Answer.objects.filter(updated_by=user)
            .select_related("response__cite", "response__campaign", "indicator")
            .order_by("response__campaign__year", "response__campaign__quarter", "indicator__code")
            .iterator(chunk_size=500)
        ],
    }
