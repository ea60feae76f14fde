from django.utils.cache import patch_cache_control


class PrivateCacheMiddleware:
    """Pages seen by a logged-in user may hold reserved content: never let a shared cache keep them.

    Views can also mark a response private explicitly (e.g. a reserved group page).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        return response
