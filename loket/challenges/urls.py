app_name = "challenges"
urlpatterns: list = []
