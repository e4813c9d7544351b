from django.urls import path

from unionportal.core.imports.views import ImportStartView

from . import personal_views, views
from .channels import views as channel_views

app_name = "officers"

urlpatterns = [
    path("", views.OfficerListView.as_view(), name="list"),
    path("new/", views.OfficerCreateView.as_view(), name="create"),
    path("import/", ImportStartView.as_view(kind="officers"), name="import"),
    path("<int:pk>/edit/", views.OfficerUpdateView.as_view(), name="edit"),
    path("<int:pk>/status/", views.OfficerStatusView.as_view(), name="status"),
    path("<int:pk>/password/", views.OfficerPasswordView.as_view(), name="password"),
    path("<int:pk>/notes/new/", views.VettingNoteCreateView.as_view(), name="note_create"),
    path("<int:pk>/guidance/new/", views.GuidanceCreateView.as_view(), name="guidance_create"),
    path("<int:pk>/commendations/new/", views.CommendationCreateView.as_view(), name="commendation_create"),
    path("activities/", views.ActivityListView.as_view(), name="activities"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity"),
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("lockouts/", views.LockoutListView.as_view(), name="lockouts"),
    path("corrections/", personal_views.CorrectionListView.as_view(), name="corrections"),
    path("<int:pk>/consent/", personal_views.PaperConsentView.as_view(), name="consent"),
    path("channels/", channel_views.ChannelListView.as_view(), name="channels"),
    path("channels/new/", channel_views.ChannelCreateView.as_view(), name="channel_create"),
    path("channels/<int:pk>/", channel_views.ChannelDetailView.as_view(), name="channel"),
    path("channels/<int:pk>/edit/", channel_views.ChannelUpdateView.as_view(), name="channel_edit"),
    path("channels/<int:pk>/test/", channel_views.ChannelTestView.as_view(), name="channel_test"),
]
