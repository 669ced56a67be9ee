from django.urls import path

from interlocal.costshare import views

app_name = "costshare"

urlpatterns = [
    path("my-bill/", views.my_bill, name="my_bill"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/compute/", views.scenario_compute, name="scenario_compute"),
    path("scenarios/<int:pk>/adopt/", views.scenario_adopt, name="scenario_adopt"),
    path("scenarios/<int:pk>/export.csv", views.scenario_csv, name="scenario_csv"),
    path("scenarios/<int:pk>/inputs.json", views.scenario_inputs, name="scenario_inputs"),
    path("savings/<int:pk>/certify/", views.savings_certify, name="savings_certify"),
    path("<slug:slug>/scenarios/", views.scenario_list, name="scenarios"),
    path("<slug:slug>/scenarios/new/", views.scenario_create, name="scenario_create"),
    path("<slug:slug>/savings/", views.savings_ledger, name="savings"),
]
