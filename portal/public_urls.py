from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("departments/<int:pk>/", views.department, name="department"),
    path("disclosures/<int:pk>/", views.disclosure, name="disclosure"),
    path("glossary/", views.glossary, name="glossary"),
]
