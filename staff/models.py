from django.contrib.auth import get_user_model
from simple_history import register

# Accounts' history (who changed a user's roles, status or details, and when) kept by
# django-simple-history; the groups are the roles, so their changes are recorded too.
register(
    get_user_model(),
    app=__package__,
    m2m_fields=["groups"],
    excluded_fields=["last_login", "password"],
)
