from django.contrib.auth import views as auth_views
from django.urls import path

from interlocal.portal import (
    views,
    views_agreements,
    views_assessments,
    views_downloads,
    views_gates,
    views_index,
    views_initiative,
    views_legislation,
    views_legistar,
    views_plans,
    views_work,
)

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views_index.search, name="search"),
    path("collaboratives/", views_index.collaborative_list, name="collaboratives"),
    path("governments/", views_index.government_list, name="governments"),
    path("agreements/", views_index.agreement_list, name="agreements"),
    path("legislation/", views_index.matter_list, name="matters"),
    path("collaboratives/<slug:slug>/", views.collaborative_detail, name="collaborative"),
    path("collaboratives/<slug:slug>/map/", views.collaborative_map, name="collaborative_map"),
    path("initiatives/", views.initiative_list, name="initiatives"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative"),
    path("initiatives/new/", views_initiative.initiative_new, name="initiative_new"),
    path("initiatives/<int:pk>/edit/", views_initiative.initiative_edit, name="initiative_edit"),
    path("initiatives/<int:pk>/kpis/new/", views_initiative.kpi_new, name="kpi_new"),
    path("kpis/<int:pk>/edit/", views_initiative.kpi_edit, name="kpi_edit"),
    path("initiatives/<int:pk>/advance/", views_work.initiative_advance_view, name="initiative_advance"),
    path("initiatives/<int:pk>/progress/", views_work.initiative_progress, name="initiative_progress"),
    path("initiatives/<int:pk>/score/", views_work.initiative_score, name="initiative_score"),
    path("kpis/<int:pk>/measure/", views_work.kpi_measure, name="kpi_measure"),
    path("collaboratives/<slug:slug>/ranking/", views_work.ranking, name="ranking"),
    path("collaboratives/<slug:slug>/ranking/act/", views_work.ranking_action, name="ranking_action"),
    path("collaboratives/<slug:slug>/gates/", views_gates.gate_list, name="gates"),
    path("collaboratives/<slug:slug>/gates/<slug:stage>/", views_gates.gate_edit, name="gate_edit"),
    path("collaboratives/<slug:slug>/criteria/", views_gates.criteria, name="criteria"),
    path("collaboratives/<slug:slug>/criteria/new/", views_gates.criteria_new, name="criteria_new"),
    path("me/", views_work.my_work, name="my_work"),
    path("memberships/<int:pk>/decide/", views_work.membership_decide, name="membership_decide"),
    path("feeds/changes.atom", views_work.PublicChangesFeed(), name="changes_feed"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("legislation/<int:pk>/", views.matter_detail, name="matter"),
    path(
        "legislation/<int:pk>/attachments/<int:attachment_pk>/",
        views.matter_attachment,
        name="matter_attachment",
    ),
    path("governments/<slug:slug>/", views.government_detail, name="government"),
    path("governments/<slug:slug>/edit/", views.government_edit, name="government_edit"),
    path("collaboratives/<slug:slug>/agreements/new/", views_agreements.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/versions/new/", views_agreements.version_new, name="version_new"),
    path("agreements/versions/<int:pk>/adopt/", views_agreements.adoption_new, name="adoption_new"),
    path("governments/<slug:slug>/legislation/new/", views_agreements.matter_new, name="matter_new"),
    path("legislation/<int:pk>/edit/", views_agreements.matter_edit, name="matter_edit"),
    path("legislation/<int:pk>/actions/new/", views_agreements.matter_action_new, name="matter_action_add"),
    path(
        "legislation/<int:pk>/attachments/new/",
        views_agreements.matter_attachment_new,
        name="matter_attachment_add",
    ),
    path(
        "legislation/actions/<int:pk>/edit/", views_agreements.matter_action_edit, name="matter_action_edit"
    ),
    path(
        "collaboratives/<slug:slug>/members/propose/", views_agreements.membership_new, name="membership_new"
    ),
    path("memberships/<int:pk>/end/", views_agreements.membership_end_view, name="membership_end"),
    path("governments/<slug:slug>/legistar/", views_legistar.legistar_sync, name="legistar_sync"),
    path("meetings/<int:pk>/", views_legislation.meeting_detail, name="meeting"),
    path("governments/<slug:slug>/meetings/", views_legislation.meeting_list, name="meetings"),
    path("officials/<int:pk>/", views_legislation.official_detail, name="official"),
    # Self-assessments (issue 11).
    path("collaboratives/<slug:slug>/assessments/", views_assessments.round_list, name="assessment_rounds"),
    path(
        "collaboratives/<slug:slug>/assessments/new/",
        views_assessments.round_new,
        name="assessment_round_new",
    ),
    path("assessments/<int:pk>/", views_assessments.round_detail, name="assessment_round"),
    path("assessments/<int:pk>/results/", views_assessments.results, name="assessment_results"),
    path("assessments/<int:pk>/results.pdf", views_assessments.results_pdf, name="assessment_results_pdf"),
    path(
        "assessments/<int:pk>/gap-initiative/",
        views_assessments.gap_initiative,
        name="assessment_gap_initiative",
    ),
    path("assessments/members/<int:pk>/", views_assessments.answer, name="assessment_answer"),
    path("assessments/members/<int:pk>/reopen/", views_assessments.reopen, name="assessment_reopen"),
    path(
        "assessments/members/<int:pk>/report/",
        views_assessments.member_report,
        name="assessment_member_report",
    ),
    path(
        "assessments/members/<int:pk>/report.pdf",
        views_assessments.member_report_pdf,
        name="assessment_member_report_pdf",
    ),
    path(
        "assessments/members/<int:pk>/files/<int:item_pk>/",
        views_assessments.attachment,
        name="assessment_attachment",
    ),
    path("assessments/<int:pk>/close/", views_assessments.close, name="assessment_close"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Adoptions found in council legislation (issue 10).
    path(
        "agreements/proposals/<int:pk>/decide/",
        views_agreements.adoption_proposal_decide,
        name="adoption_proposal_decide",
    ),
    path("agreements/parties/<int:pk>/expect/", views_agreements.party_expect, name="party_expect"),
    # Bulk downloads (issue 13): a collaborative's full data package.
    path("collaboratives/<slug:slug>/data-package.zip", views_downloads.data_package, name="data_package"),
    # action plans and progress reports (issue 12)
    path("collaboratives/<slug:slug>/plans/", views_plans.plan_list, name="plans"),
    path("collaboratives/<slug:slug>/plans/new/", views_plans.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views_plans.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views_plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/sections/new/", views_plans.plan_section_new, name="plan_section_new"),
    path(
        "plans/<int:pk>/sections/<int:section_pk>/", views_plans.plan_section_edit, name="plan_section_edit"
    ),
    path("plans/<int:pk>/publish/", views_plans.plan_publish, name="plan_publish"),
    path("plans/<int:pk>/v<int:number>/", views_plans.plan_version, name="plan_version"),
    path(
        "plans/<int:pk>/v<int:number>.<str:fmt>",
        views_plans.plan_version_download,
        name="plan_version_download",
    ),
    path(
        "plans/<int:pk>/v<int:number>/prepare/<str:fmt>/",
        views_plans.plan_version_prepare,
        name="plan_version_prepare",
    ),
    path("plans/<int:pk>/v<int:number>/updates/new/", views_plans.plan_update_new, name="plan_update_new"),
    path("collaboratives/<slug:slug>/reports/<int:year>/", views_plans.annual_report, name="annual_report"),
    path(
        "collaboratives/<slug:slug>/reports/<int:year>.<str:fmt>",
        views_plans.annual_report_download,
        name="annual_report_download",
    ),
]
