"""What cafes_cites/ contributes to search/: every session (the agenda is public, see
cafes_cites.permissions.can_view_session)."""

from django.utils import timezone

from cafes_cites.models import Session, Speaker
from search import documents, registry
from search.registry import PUBLIC, SearchEntry, SearchProvider
from search.text import html_text


@registry.register
class SessionProvider(SearchProvider):
    model = Session
    kinds = {"cafe": "Café-cité"}
    documents = {"cafe": documents.CafeDocument}

    def watched(self):
        return [(Speaker, lambda speaker: [speaker.session_id])]

    def load(self, pks):
        return Session.objects.filter(pk__in=pks).prefetch_related("themes", "speakers")

    def entries(self, session):
        speakers = list(session.speakers.all())
        speaker_text = " ".join(f"{s.name} {s.cite_name}" for s in speakers)
        return [
            SearchEntry(
                key=f"cafe:{session.pk}",
                kind="cafe",
                title=session.label,
                slug=str(session.pk),
                url=session.get_absolute_url(),
                summary=html_text(session.description),
                body=f"{speaker_text} {html_text(session.compte_rendu)}",
                themes=[t.slug for t in session.themes.all()],
                region="national",
                date=session.local_start.date(),
                audience=[PUBLIC],
                extra={
                    "number": session.number,
                    "status": session.status_at(timezone.now()),
                    "speakers": [{"name": s.name, "cite": s.cite_name} for s in speakers],
                },
            )
        ]
