"""Source commands: add a council's publishing system, sync the papers it publishes, list the sources.

    committee source add moderngov https://democracy.example.gov.uk --committee Cabinet --from 2024-01-01
    committee source add legistar lakeview --from 2024-01-01
    committee source add feed https://example.gov/papers.atom
    committee sync [--dry-run]
    committee sources [--json]
"""
from __future__ import annotations

import json
import sys
import time

import click

from committee.cli.base import _iso_date, _settings, main


@main.group()
def source() -> None:
    """Publishing systems to fetch papers from (ModernGov, Legistar, RSS/Atom feeds)."""


@source.command("add")
@click.argument("kind", type=click.Choice(["moderngov", "legistar", "feed"]))
@click.argument("location")
@click.option("--committee", default="", help="ModernGov: only this committee's meetings, as the site names it.")
@click.option("--from", "date_from", default=None, callback=_iso_date, help="No meetings before this ISO date.")
@click.pass_context
def add(ctx: click.Context, kind: str, location: str, committee: str, date_from: str | None) -> None:
    """Add a source: a ModernGov site URL, a Legistar client name or a feed URL.

    Example: committee source add moderngov https://democracy.example.gov.uk --committee Cabinet
    """
    from index.sources import SourceStore

    if kind in ("moderngov", "feed") and not location.startswith(("http://", "https://")):
        click.echo(f"error: {location!r} is not a web address; give the site's URL, like https://democracy."
                   "example.gov.uk.", err=True)
        ctx.exit(2)
    if kind == "legistar" and ("/" in location or "." in location):
        click.echo(f"error: {location!r} is not a Legistar client name; give the name in webapi.legistar.com/v1/"
                   "NAME, like lakeview.", err=True)
        ctx.exit(2)
    if date_from and kind == "feed":
        click.echo("error: --from applies to ModernGov and Legistar sources; a feed gives what it lists.", err=True)
        ctx.exit(2)
    if committee and kind != "moderngov":
        click.echo("error: --committee applies to ModernGov sources only; leave it out.", err=True)
        ctx.exit(2)
    added = SourceStore(_settings(ctx).sources_path).add(kind, location.rstrip("/"), committee, date_from)
    click.echo(f"source {added.id}: {added.label()}" + (f" from {added.since}" if added.since else "")
               + "; fetch its papers with: committee sync")


@main.command()
@click.option("--dry-run", is_flag=True, help="List what would be fetched; download and ingest nothing.")
@click.pass_context
def sync(ctx: click.Context, dry_run: bool) -> None:
    """Fetch what each source published since the last sync and ingest it; exit status 1 if anything failed.

    Example: committee sync
    """
    from ingest.sources.sync import SyncBusy
    from ingest.sources.sync import sync as run

    try:
        reports = run(_settings(ctx), dry_run=dry_run)
    except SyncBusy as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if not reports:
        click.echo("no sources yet; add one with: committee source add moderngov URL", err=True)
    for report in reports:
        for line in report.failed:
            click.echo(f"error: {line}", err=True)
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
        if dry_run:
            for url in report.would_fetch:
                click.echo(f"would fetch {url}")
            click.echo(f"source {report.source.id} ({report.source.label()}): {report.listed} documents listed"
                       f"{_since(report.since)}, {len(report.would_fetch)} to ask for")
        else:
            click.echo(f"source {report.source.id} ({report.source.label()}): {report.listed} listed"
                       f"{_since(report.since)}, {report.fetched} fetched, {report.unchanged} unchanged, {report.ingested} ingested, "
                       f"{len(report.failed)} failed")
    sys.exit(0 if all(r.ok for r in reports) else 1)


@main.command("sources")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def sources_(ctx: click.Context, as_json: bool) -> None:
    """The sources added, their last sync, document counts and errors."""
    from index.sources import SourceStore

    store = SourceStore(_settings(ctx).sources_path)
    rows = []
    for s in store.sources():
        errors = [d.error for d in store.documents(s.id) if d.error]
        rows.append({"id": s.id, "kind": s.kind, "location": s.location, "committee": s.committee,
                     "from": s.since, "last_sync": _when(s.last_sync), "documents": store.counts(s.id),
                     "error": s.last_error, "errors": errors})
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no sources yet; add one with: committee source add moderngov URL")
    for r in rows:
        counts = ", ".join(f"{n} {k}" for k, n in r["documents"].items() if n) or "no documents"
        click.echo(f"{r['id']}  {r['kind']} {r['location']}{' (' + r['committee'] + ')' if r['committee'] else ''}"
                   f" · last sync {r['last_sync'] or 'never'} · {counts}")
        for line in ([r["error"]] if r["error"] and not r["errors"] else []) + r["errors"]:
            click.echo(f"    error: {line}")


def _since(day: str | None) -> str:
    return f" (meetings since {day})" if day else ""


def _when(seconds: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds)) if seconds else ""
