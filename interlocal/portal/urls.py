from django.contrib.auth import views as auth_views
from django.urls import path

from interlocal.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("collaboratives/<slug:slug>/", views.collaborative_detail, name="collaborative"),
    path("initiatives/", views.initiative_list, name="initiatives"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("legislation/<int:pk>/", views.matter_detail, name="matter"),
    path("governments/<slug:slug>/", views.government_detail, name="government"),
    path("governments/<slug:slug>/edit/", views.government_edit, name="government_edit"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
