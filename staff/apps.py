from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        # The audit trail's receivers (where each history record came from; no empty records for
        # saves of untracked fields) are connected in every process, commands included.
        import staff.audit.signals  # noqa: F401
        from scoring import signals
        from scoring.demo import demo_seeded
        from staff import assignments, notifications
        from staff.accounts import record_last_login
        from staff.demo import seed_demo_accounts

        demo_seeded.connect(seed_demo_accounts, dispatch_uid="staff.demo_accounts")
        # Email notifications: each act of scoring's that someone must hear of queues its
        # messages in the act's own transaction.
        signals.stage_moved.connect(notifications.on_stage_moved, dispatch_uid="staff.mail")
        signals.self_assessment_returned.connect(
            notifications.on_self_assessment_returned, dispatch_uid="staff.mail"
        )
        signals.reply_added.connect(notifications.on_reply_added, dispatch_uid="staff.mail")
        # With a work split, the review opens only once every unit's appraisal is checked; the
        # receiver refuses inside the move's transaction, which undoes it.
        signals.stage_moved.connect(
            assignments.refuse_unchecked_review, dispatch_uid="staff.second_check"
        )
        # Django saves the whole user at each login to set last_login, which would add a row to
        # the account's history (staff/models.py) per login; an update writes the field alone.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="staff.record_last_login")
