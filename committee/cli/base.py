"""The command group, its global options, and the helpers every command module shares."""
from __future__ import annotations

from pathlib import Path

import click

from committee.settings import Settings


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An ISO date option, or one line saying what to type instead and exit status 2."""
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        click.echo(f"error: --{param.name.removeprefix('date_')} must be an ISO date like 2025-03-13, not "
                   f"{value!r}.", err=True)
        ctx.exit(2)


def date_options(fn):
    """--from and --to: ISO dates of the meetings to include (a bad one is one line and exit status 2)."""
    fn = click.option("--to", "date_to", default=None, callback=_iso_date,
                      help="Only meetings on or before this ISO date.")(fn)
    return click.option("--from", "date_from", default=None, callback=_iso_date,
                        help="Only meetings on or after this ISO date.")(fn)


@click.group()
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Data folder (registry and vector store). Env COMMITTEE_DATA; default ./data.")
@click.option("--chroma-host", default=None, help="Use a Chroma server at this host instead of the embedded store.")
@click.option("--chroma-port", type=int, default=None, help="Port of the Chroma server (default 8000).")
@click.option("--role", type=click.Choice(["public", "member"]), default=None,
              help="Who is asking: public sees published papers only; member sees restricted ones too.")
@click.pass_context
def main(ctx: click.Context, data, chroma_host, chroma_port, role) -> None:
    """Ask questions of committee papers, with citations to meeting, item, minute and page."""
    ctx.ensure_object(dict)
    ctx.obj["settings"] = Settings.from_env(data_dir=data, chroma_host=chroma_host, chroma_port=chroma_port,
                                            role=role)


def _registry(ctx: click.Context):
    from index.registry import Registry

    return Registry(_settings(ctx).registry_path)


def _role_filters(ctx: click.Context):
    from index.filters import Filters

    return Filters(include_restricted=_settings(ctx).role == "member")


