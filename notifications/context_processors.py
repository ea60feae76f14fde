from notifications.services import visible_notifications


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": visible_notifications(user).unread().count()}
