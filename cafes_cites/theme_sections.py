from django.urls import reverse

from cafes_cites.models import Session
from commons.french import format_date
from themes.registry import ThemeItem, ThemeSection


def sessions_for_theme(theme, user):
    sessions = list(Session.objects.upcoming().filter(themes=theme, is_cancelled=False)[:3])
    sessions += list(Session.objects.past().filter(themes=theme)[: 4 - len(sessions)])
    if not sessions:
        return None
    return ThemeSection(
        key="cafes_cites",
        title="Cafés-cités sur ce champ d'action",
        items=[
            ThemeItem(
                title=session.label,
                url=session.get_absolute_url(),
                detail=f"{format_date(session.local_start, 'j F Y')} · {session.status_label}",
            )
            for session in sessions
        ],
        more_url=f"{reverse('cafes_cites:agenda')}?theme={theme.slug}",
        more_label="Voir l'agenda des cafés-cités sur ce thème",
        position=60,
    )
