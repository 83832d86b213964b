from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .roles import sync_roles_after_migrate

        # Setup only (not workflow): keep the staff groups' permissions as roles.py declares.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
