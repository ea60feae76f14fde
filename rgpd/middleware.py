from django.utils import timezone

SEEN_TODAY = "rgpd_seen_on"


class ActivityMiddleware:
    """A visit by a logged-in person counts as activity for the inactive-account rule, not only a
    fresh login: a session can stay open for months. At most once a day per session, last_login
    moves to now (one UPDATE), which also voids a pending inactivity warning."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            today = timezone.localdate().isoformat()
            if request.session.get(SEEN_TODAY) != today:
                now = timezone.now()
                user._meta.model.objects.filter(pk=user.pk).update(last_login=now)
                user.last_login = now
                request.session[SEEN_TODAY] = today
        return self.get_response(request)
