from django.shortcuts import render
from django.urls import path

from staff.access import staff_required


@staff_required()
def home(request):
    return render(request, "staff/home.html", {"role": request.staff_role})


urlpatterns = [path("", home, name="home")]
