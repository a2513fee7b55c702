"""`stackwise user` and `stackwise service-account`: ZenML's commands for users, service
accounts and API keys, over the Client's methods. On a server they need an admin; roles
(`--role admin|editor|viewer`) are stackwise's (ZenML's open-source server has `--is_admin`
only, which maps to the admin role)."""

from __future__ import annotations

from typing import Any

import click

from stackwise.cli.options import list_kwargs, list_options

ROLES = click.Choice(["admin", "editor", "viewer"])


def _user_row(user: Any) -> tuple[Any, ...]:
    return (str(user.id), user.name, user.role, "yes" if user.active else "no", user.full_name)


def _print_users(users: list[Any]) -> None:
    from stackwise.cli.output import print_table

    print_table(["ID", "NAME", "ROLE", "ACTIVE", "FULL NAME"], [_user_row(u) for u in users])


@click.group()
def user() -> None:
    """Create and manage users and their roles."""


@user.command()
@click.argument("user_name")
@click.option("--password", default=None, help="The password (asked for if not given).")
@click.option("--is_admin", "is_admin", is_flag=True, help="Make the user an admin.")
@click.option("--role", type=ROLES, default=None, help="The role (default: editor).")
def create(user_name: str, password: str | None, is_admin: bool, role: str | None) -> None:
    """Create a user. Roles: viewer reads, editor also runs pipelines and manages stacks,
    artifacts and secrets, admin also manages users and keys."""
    from stackwise.client import Client

    if is_admin and role not in (None, "admin"):
        raise click.UsageError(f"--is_admin and --role {role} contradict each other.")
    if password is None:
        password = click.prompt(
            f"Password for '{user_name}'", hide_input=True, confirmation_prompt=True
        )
    _print_users([Client().create_user(user_name, password=password, is_admin=is_admin, role=role)])


@user.command(name="list")
@list_options("id", "created", "updated", "name", "full_name", "email", "active", "role")
def list_users(**kwargs: Any) -> None:
    """List users (`--role viewer`, `--name contains:a`)."""
    from stackwise.cli.output import model_row, print_page
    from stackwise.client import Client

    filters, columns, output_format = list_kwargs(kwargs)
    result = Client().list_users(**filters)
    if not result.total and output_format == "table":
        click.echo("No users found.")
        return
    if not columns and output_format == "table":
        columns = "id,name,role,active,full_name"
    print_page(result, [model_row(u) for u in result], columns, output_format, noun="users")


@user.command()
@click.argument("user_name_or_id", required=False)
def describe(user_name_or_id: str | None) -> None:
    """Show a user (default: who this client is logged in as)."""
    from stackwise.cli.output import print_pairs
    from stackwise.client import Client

    client = Client()
    found = client.get_user(user_name_or_id) if user_name_or_id else client.active_user
    print_pairs(
        [
            ("id", found.id),
            ("name", found.name),
            ("role", found.role),
            ("active", found.active),
            ("full name", found.full_name or "-"),
            ("email", found.email or "-"),
            ("service account", found.is_service_account),
        ],
        title=f"User '{found.name}'",
    )


@user.command()
@click.argument("user_name_or_id")
@click.option("-n", "--name", default=None, help="The new name.")
@click.option("-f", "--full_name", default=None, help="The new full name.")
@click.option("-e", "--email", default=None, help="The new email.")
@click.option("-a", "--admin", "admin", is_flag=True, default=None, help="Make an admin.")
@click.option("-u", "--user", "plain", is_flag=True, default=None, help="Make an editor.")
@click.option("--role", type=ROLES, default=None, help="The new role.")
@click.option("--active", type=bool, default=None, help="Enable (true) or disable (false).")
@click.option("--password", is_flag=True, help="Set a new password (asked for).")
def update(
    user_name_or_id: str,
    name: str | None,
    full_name: str | None,
    email: str | None,
    admin: bool | None,
    plain: bool | None,
    role: str | None,
    active: bool | None,
    password: bool,
) -> None:
    """Change a user's name, details, role or password, or disable it (its tokens stop
    working at once)."""
    from stackwise.client import Client

    chosen = [r for r, on in (("admin", admin), ("editor", plain), (role, role)) if on and r]
    if len(set(chosen)) > 1:
        raise click.UsageError(f"Give one role, not {', '.join(sorted(set(chosen)))}.")
    new_password = None
    if password:
        new_password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    if not (chosen or name or full_name or email or active is not None or new_password):
        raise click.UsageError(
            "Nothing to update: give --name, --full_name, --email, --role, --active or --password."
        )
    _print_users(
        [
            Client().update_user(
                user_name_or_id,
                updated_name=name,
                updated_full_name=full_name,
                updated_email=email,
                updated_role=chosen[0] if chosen else None,
                active=active,
                updated_password=new_password,
            )
        ]
    )


@user.command()
@click.argument("user_name_or_id")
def deactivate(user_name_or_id: str) -> None:
    """Disable a user: its tokens stop working at once."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    success(f"User '{Client().deactivate_user(user_name_or_id).name}' deactivated.")


@user.command()
@click.argument("user_name_or_id")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(user_name_or_id: str, yes: bool) -> None:
    """Delete a user."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    client = Client()
    found = client.get_user(user_name_or_id, allow_name_prefix_match=False)
    if not yes:
        click.confirm(f"Delete user '{found.name}'?", abort=True)
    client.delete_user(found.id)
    success(f"User '{found.name}' deleted.")


# -- service accounts --------------------------------------------------------------------
@click.group(name="service-account")
def service_account() -> None:
    """Create and manage service accounts (for CI, schedulers, workers) and their API keys."""


def _print_key(key: Any, output_file: str | None = None) -> None:
    """A key's details; its value (shown once) to the terminal or to `output_file`."""
    from stackwise.cli.output import print_pairs, warn

    print_pairs(
        [
            ("id", key.id),
            ("name", key.name),
            ("description", key.description or "-"),
            ("active", key.active),
            ("last login", key.last_login or "-"),
            ("last rotated", key.last_rotated or "-"),
        ],
        title=f"API key '{key.name}'",
    )
    if key.key:
        if output_file:
            import os

            fd = os.open(output_file, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(key.key + "\n")
            click.echo(f"The API key was written to {output_file}.")
        else:
            click.echo(f"The API key (shown only now; keep it in a secret store):\n{key.key}")
            warn("Log in with it: `stackwise login URL --api-key KEY` or STACKWISE_STORE_API_KEY.")


@service_account.command(name="create")
@click.argument("service_account_name")
@click.option("-d", "--description", default="", help="What the account is for.")
@click.option("--role", type=ROLES, default="editor", show_default=True, help="Its role.")
@click.option("--create-api-key", is_flag=True, default=False, help="Also create a key 'default'.")
@click.option("--set-api-key", is_flag=True, help="Log this client in with that key.")
@click.option("--output-file", default=None, help="Write the key to this file (mode 0600).")
def create_account(
    service_account_name: str,
    description: str,
    role: str,
    create_api_key: bool,
    set_api_key: bool,
    output_file: str | None,
) -> None:
    """Create a service account with a role (default: editor)."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    client = Client()
    account = client.create_service_account(
        service_account_name, description=description, role=role
    )
    success(f"Service account '{account.name}' created (role {account.role}).")
    if create_api_key or set_api_key:
        _print_key(client.create_api_key(account.id, "default", set_key=set_api_key), output_file)


@service_account.command(name="list")
@list_options("id", "created", "updated", "name", "description", "active")
def list_accounts(**kwargs: Any) -> None:
    """List service accounts."""
    from stackwise.cli.output import model_row, print_page
    from stackwise.client import Client

    filters, columns, output_format = list_kwargs(kwargs)
    result = Client().list_service_accounts(**filters)
    if not result.total and output_format == "table":
        click.echo("No service accounts found.")
        return
    if not columns and output_format == "table":
        columns = "id,name,role,active,description"
    rows = [model_row(a) for a in result]
    print_page(result, rows, columns, output_format, noun="service accounts")


@service_account.command(name="describe")
@click.argument("service_account_name_or_id")
def describe_account(service_account_name_or_id: str) -> None:
    """Show a service account and its API keys."""
    from stackwise.cli.output import print_pairs
    from stackwise.client import Client

    client = Client()
    account = client.get_service_account(service_account_name_or_id)
    keys = client.list_api_keys(account.id, size=100)
    print_pairs(
        [
            ("id", account.id),
            ("name", account.name),
            ("role", account.role),
            ("active", account.active),
            ("description", account.description or "-"),
            ("API keys", ", ".join(k.name for k in keys) or "-"),
        ],
        title=f"Service account '{account.name}'",
    )


@service_account.command(name="update")
@click.argument("service_account_name_or_id")
@click.option("-n", "--name", default=None, help="The new name.")
@click.option("-d", "--description", default=None, help="The new description.")
@click.option("--role", type=ROLES, default=None, help="The new role.")
@click.option("--active", type=bool, default=None, help="Enable (true) or disable (false).")
def update_account(
    service_account_name_or_id: str,
    name: str | None,
    description: str | None,
    role: str | None,
    active: bool | None,
) -> None:
    """Rename, describe, change the role of, or disable a service account."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    if name is None and description is None and role is None and active is None:
        raise click.UsageError("Nothing to update: give --name, --description, --role or --active.")
    account = Client().update_service_account(
        service_account_name_or_id,
        updated_name=name,
        description=description,
        active=active,
        role=role,
    )
    success(f"Service account '{account.name}' updated.")


@service_account.command(name="delete")
@click.argument("service_account_name_or_id")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_account(service_account_name_or_id: str, yes: bool) -> None:
    """Delete a service account and its API keys."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    client = Client()
    account = client.get_service_account(service_account_name_or_id, allow_name_prefix_match=False)
    if not yes:
        click.confirm(f"Delete service account '{account.name}' and its API keys?", abort=True)
    client.delete_service_account(account.id)
    success(f"Service account '{account.name}' deleted.")


@service_account.group(name="api-key")
@click.argument("service_account_name_or_id")
@click.pass_context
def api_key(ctx: click.Context, service_account_name_or_id: str) -> None:
    """Create and manage the API keys of a service account."""
    ctx.obj = service_account_name_or_id


@api_key.command(name="create")
@click.argument("name")
@click.option("-d", "--description", default="", help="What the key is for.")
@click.option("--set-key", is_flag=True, help="Log this client in with the new key.")
@click.option("--output-file", default=None, help="Write the key to this file (mode 0600).")
@click.pass_obj
def create_key(
    account: str, name: str, description: str, set_key: bool, output_file: str | None
) -> None:
    """Create an API key; it is shown once."""
    from stackwise.client import Client

    _print_key(
        Client().create_api_key(account, name, description=description, set_key=set_key),
        output_file,
    )


@api_key.command(name="list")
@list_options(
    "id", "created", "updated", "name", "description", "active", "last_login", "last_rotated"
)
@click.pass_obj
def list_keys(account: str, /, **kwargs: Any) -> None:
    """List a service account's API keys (never their values)."""
    from stackwise.cli.output import model_row, print_page
    from stackwise.client import Client

    filters, columns, output_format = list_kwargs(kwargs)
    result = Client().list_api_keys(account, **filters)
    if not result.total and output_format == "table":
        click.echo(f"Service account '{account}' has no API keys.")
        return
    if not columns and output_format == "table":
        columns = "id,name,active,last_login,last_rotated"
    rows = [model_row(k) for k in result]
    print_page(result, rows, columns, output_format, noun="API keys")


@api_key.command(name="describe")
@click.argument("name_or_id")
@click.pass_obj
def describe_key(account: str, name_or_id: str) -> None:
    """Show an API key (never its value)."""
    from stackwise.client import Client

    _print_key(Client().get_api_key(account, name_or_id))


@api_key.command(name="update")
@click.argument("name_or_id")
@click.option("--name", default=None, help="The new name.")
@click.option("--description", default=None, help="The new description.")
@click.option("--active", type=bool, default=None, help="Enable (true) or disable (false).")
@click.pass_obj
def update_key(
    account: str,
    name_or_id: str,
    name: str | None,
    description: str | None,
    active: bool | None,
) -> None:
    """Rename, describe or disable a key (a disabled key's tokens stop working at once)."""
    from stackwise.client import Client

    if name is None and description is None and active is None:
        raise click.UsageError("Nothing to update: give --name, --description or --active.")
    _print_key(
        Client().update_api_key(
            account, name_or_id, name=name, description=description, active=active
        )
    )


@api_key.command(name="rotate")
@click.argument("name_or_id")
@click.option(
    "--retain",
    type=click.IntRange(min=0),
    default=0,
    help="Minutes the old key keeps working (default: it stops now).",
)
@click.option("--set-key", is_flag=True, help="Log this client in with the new key.")
@click.option("--output-file", default=None, help="Write the key to this file (mode 0600).")
@click.pass_obj
def rotate_key(
    account: str, name_or_id: str, retain: int, set_key: bool, output_file: str | None
) -> None:
    """Replace a key by a new one (shown once)."""
    from stackwise.client import Client

    _print_key(
        Client().rotate_api_key(account, name_or_id, retain_period_minutes=retain, set_key=set_key),
        output_file,
    )


@api_key.command(name="delete")
@click.argument("name_or_id")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def delete_key(account: str, name_or_id: str, yes: bool) -> None:
    """Delete a key: it and its tokens stop working at once."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    if not yes:
        click.confirm(f"Delete API key '{name_or_id}' of '{account}'?", abort=True)
    Client().delete_api_key(account, name_or_id)
    success(f"API key '{name_or_id}' deleted.")
