"""The API's token endpoint, with django-axes' login throttling and DRF's rate limits.

DRF's `obtain_auth_token` hands `authenticate()` its own Request wrapper, on which django-axes would set
its lockout flag where the middleware never sees it; this view hands it the Django request instead. It
also answers to the default throttles, which DRF's view switches off.
"""

from rest_framework.authtoken.views import ObtainAuthToken as DRFObtainAuthToken
from rest_framework.settings import api_settings


class ObtainAuthToken(DRFObtainAuthToken):
    throttle_classes = api_settings.DEFAULT_THROTTLE_CLASSES

    def get_serializer_context(self):
        # authenticate(request=...) must get the HttpRequest: axes flags it, AxesMiddleware answers 429.
        return {**super().get_serializer_context(), "request": self.request._request}


obtain_auth_token = ObtainAuthToken.as_view()
