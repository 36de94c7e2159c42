"""Register commands: items, decisions, actions, declarations, lineage and meeting briefs."""
from __future__ import annotations

import json
from pathlib import Path

import click

from committee.cli.base import _iso_date, _registry, _role_filters, _settings, date_options, main  # noqa: F401


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one list).")
@click.pass_context
def items(ctx: click.Context, as_json: bool) -> None:
    """Agenda items of every ingested pack, with their page ranges."""
    rows = _registry(ctx).items(_role_filters(ctx))
    if as_json:
        click.echo(json.dumps([r.to_json() for r in rows], indent=1))
        return
    for r in rows:
        click.echo(f"{r.meeting_date or '?':10}  {r.committee[:24]:24}  item {r.item:>4}  "
                   f"pp. {r.pages[0]}–{r.pages[1]}  {r.title}")


def _emit(rows: list, fmt: str, columns: list[str], text_line) -> None:
    """Print register records as a table for people, or JSON, CSV or Markdown for scripts and export."""
    from assistant.exports import csv_text, md_table

    if fmt == "text":
        for r in rows:
            click.echo(text_line(r))
        return
    if fmt == "json":
        click.echo(json.dumps([r.to_json() for r in rows], indent=1, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(csv_text(rows), nl=False)
    else:
        click.echo(md_table(rows, columns), nl=False)


def format_options(fn):
    fn = click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "markdown"]), default="text",
                      help="Output format (csv and markdown are exports).")(fn)
    return click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(fn)


@main.command()
@click.argument("query", required=False)
@click.option("--committee", default=None, help="Only this committee.")
@date_options
@format_options
@click.pass_context
def decisions(ctx: click.Context, query, committee, date_from, date_to, fmt, as_json) -> None:
    """The decisions register: every numbered minute, what it resolved and how it was carried.

    Example: committee decisions "extra care" --from 2018-01-01 --format markdown
    """
    from assistant.registers import decisions_about
    from index.filters import Filters

    filters = Filters(committee=committee, date_from=date_from, date_to=date_to,
                      include_restricted=_settings(ctx).role == "member")
    registry = _registry(ctx)
    rows = decisions_about(registry, query, filters) if query else registry.decisions(filters)
    _emit(rows, "json" if as_json else fmt,
          ["committee", "meeting_date", "minute", "title", "resolution", "vote", "source", "pages"],
          lambda r: f"{r.meeting_date or '?':10}  minute {r.minute:>8}  {r.title[:60]}  "
                    f"[{r.vote or '-'}] pp. {r.pages[0]}–{r.pages[1]}"
                    + (f"\n            {r.resolution[:200]}" if r.resolution else ""))


@main.command()
@click.option("--status", type=click.Choice(["open", "complete", "all"]), default="all", show_default=True,
              help="Normalised status (the log's own words are kept in `status`).")
@click.option("--owner", default=None, help="Only actions for this officer (part of the name is enough).")
@click.option("--committee", default=None, help="Only this committee.")
@format_options
@click.pass_context
def actions(ctx: click.Context, status, owner, committee, fmt, as_json) -> None:
    """The action tracker: every action-log row (and actions marked in minutes without a log row).

    Example: committee actions --status open --owner Howarth
    """
    from assistant.registers import actions_where
    from index.filters import Filters

    filters = Filters(committee=committee, include_restricted=_settings(ctx).role == "member")
    rows = actions_where(_registry(ctx), filters, status=status, owner=owner)
    _emit(rows, "json" if as_json else fmt,
          ["committee", "meeting_date", "minute", "report_title", "owner", "action", "comments", "status",
           "log_date", "source", "pages"],
          lambda r: f"{r.log_date or '?':10}  minute {r.minute:>5}  {r.owner or '?':20}  "
                    f"{r.status_text:10}  {r.action[:80]}")


@main.command()
@click.option("--councillor", default=None, help="Only this councillor (part of the name is enough).")
@format_options
@click.pass_context
def declarations(ctx: click.Context, councillor, fmt, as_json) -> None:
    """Declarations of interest recorded in minutes, by councillor and item."""
    rows = _registry(ctx).declarations(_role_filters(ctx))
    if councillor:
        rows = [r for r in rows if councillor.lower() in r.councillor.lower()]
    _emit(rows, "json" if as_json else fmt,
          ["committee", "meeting_date", "minute", "councillor", "item", "nature", "source", "pages"],
          lambda r: f"{r.meeting_date or '?':10}  minute {r.minute:>5}  {r.councillor:20}  {r.text}")


@main.command()
@click.argument("topic")
@format_options
@click.pass_context
def lineage(ctx: click.Context, topic: str, fmt, as_json) -> None:
    """A matter across meetings: each recommendation and resolution, oldest first, the current one marked.

    Example: committee lineage "Hauxton extra care"
    """
    from assistant.registers import lineage as matter_lineage

    rows = matter_lineage(_registry(ctx), topic, _role_filters(ctx))
    _emit(rows, "json" if as_json else fmt, ["date", "kind", "minute", "title", "text", "current", "source", "pages"],
          lambda r: f"{r.date or '?':10}  {r.kind:14}  {r.title[:50]:50}  {'CURRENT ' if r.current else ''}"
                    f"{r.text[:120]}  ({r.source}, pp. {r.pages[0]}–{r.pages[1]})")


@main.command()
@click.option("--meeting", required=True, help="Meeting date (ISO, e.g. 2018-09-06).")
@click.option("--committee", default=None, help="The committee, when several met that day.")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Write the Markdown here.")
@click.pass_context
def brief(ctx: click.Context, meeting: str, committee, out) -> None:
    """A Markdown briefing for a meeting: items with pages, recommendations, key figures, earlier
    decisions and open actions, every line cited.

    Example: committee brief --meeting 2018-09-06 --out briefing.md
    """
    from assistant.registers import briefing

    text = briefing(_registry(ctx), meeting, committee, _role_filters(ctx))
    if out:
        out.write_text(text)
        click.echo(f"briefing written to {out}", err=True)
    else:
        click.echo(text)


