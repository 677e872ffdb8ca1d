import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 - configured by the line above

# Only the web server's waits on PostgreSQL end at a deadline: the task worker and the commands
# run imports with COPY, which psycopg2 refuses under a wait callback (runtime/deadlines.py).
if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    from runtime import deadlines

    deadlines.install()
