from accounts.security import client_ip
from audit.services import current_ip


class AuditContextMiddleware:
    """Makes the client's address available to audit.services.record_action during a request.

    The address is the platform's single notion of "client IP" (accounts.security.client_ip,
    which honours TRUSTED_PROXY_COUNT behind the reverse proxy, see docs/deployment.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request) or None)
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
