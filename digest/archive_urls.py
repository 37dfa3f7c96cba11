from django.urls import path

from digest import views

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:digest>/<int:number>/", views.issue_detail, name="issue"),
]
