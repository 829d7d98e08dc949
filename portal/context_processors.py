from django.conf import settings


def site(request):
    """Values every page's layout needs."""
    return {
        "portal_name": settings.PORTAL_NAME,
        # The address printed in a printed page's footer (print stylesheet).
        "public_url": settings.PUBLIC_URL or f"{request.scheme}://{request.get_host()}",
    }
