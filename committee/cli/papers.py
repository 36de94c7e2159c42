"""Paper commands: ingest, serve the app, the bodies found, and restriction (restrict, publish, review)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from committee.cli.base import _iso_date, _registry, _role_filters, _settings, date_options, main  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--restricted", is_flag=True, help="Mark these files as exempt (not for publication).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes that parse and embed in parallel (default COMMITTEE_INGEST_WORKERS, 1).")
@click.option("--check", is_flag=True, help="Read every file's content, even when its size and time are unchanged.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], restricted: bool, workers: int | None, check: bool) -> None:
    """Ingest papers (files or folders). Unchanged files are skipped; the exit status is 1 if any failed.

    Example: committee ingest ~/papers/adults-committee/
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ingest.run import Library, find_files

    console = Console(stderr=True)
    library = Library(_settings(ctx))
    total = len(find_files(paths))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("ingesting", total=total)

        def step(name: str) -> None:
            bar.update(task, description=name[:40])
            bar.advance(task)

        report = library.ingest(paths, restricted=restricted, progress=step, workers=workers, check=check)
    for _, reason in report.failed:
        click.echo(f"error: {reason}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for name, same in report.duplicates:
        click.echo(f"skipped: {Path(name).name} is the same file as {same}", err=True)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    if report.skipped:
        names = ", ".join(Path(p).name for p in report.skipped[:5]) + (" …" if len(report.skipped) > 5 else "")
        click.echo(f"skipped {len(report.skipped)} files that are not papers ({names}); name one to ingest it.",
                   err=True)
    click.echo(f"{report.files} files ({report.ingested} ingested, {report.unchanged} unchanged, "
               f"{len(report.duplicates)} duplicates, {len(report.failed)} failed): {report.pages} pages, "
               f"{report.items} items, {report.minutes} minutes, {report.actions} actions, {report.chunks} chunks "
               f"in {report.seconds:.1f} s")
    sys.exit(0 if report.ok else 1)


@main.command()
@click.option("--port", type=int, default=8501, show_default=True, help="Port to serve the app on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--no-samples", is_flag=True, help="Do not ingest the bundled sample papers into an empty library.")
@click.pass_context
def serve(ctx: click.Context, port: int, host: str, no_samples: bool) -> None:
    """Start the chat app (Streamlit). An empty library first gets the bundled sample papers.

    Example: committee --data ./data serve --port 8501
    """
    import os

    settings = _settings(ctx)
    if not no_samples and SAMPLES.exists():
        from index.registry import Registry

        if Registry(settings.registry_path).counts()["documents"] == 0:
            click.echo(f"ingesting the sample papers from {SAMPLES} …", err=True)
            from ingest.run import Library

            for _, reason in Library(settings).ingest([SAMPLES]).failed:
                click.echo(f"error: {reason}", err=True)
    env = dict(os.environ, COMMITTEE_DATA=str(settings.data_dir.resolve()))
    if settings.chroma_host:
        env.update(COMMITTEE_CHROMA_HOST=settings.chroma_host, COMMITTEE_CHROMA_PORT=str(settings.chroma_port))
    app = ROOT / "app.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
           "--server.address", host, "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    click.echo(f"committee is at http://{host}:{port}", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvpe(cmd[0], cmd, env)  # become Streamlit, so signals reach it directly

def _page_range(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    """``--pages 3`` or ``--pages 2-4``, or one line saying what to type instead and exit status 2."""
    import re

    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*(?:[-–]\s*(\d+))?\s*", value)
    if not m or int(m.group(1)) < 1 or (m.group(2) and int(m.group(2)) < int(m.group(1))):
        click.echo(f"error: --pages must be a page or a range like 2-4, not {value!r}.", err=True)
        ctx.exit(2)
    return int(m.group(1)), int(m.group(2) or m.group(1))


def _override(ctx: click.Context, path: Path, pages, restricted: bool) -> None:
    from ingest.models import PaperError
    from ingest.run import Library

    try:
        doc_id, secret = Library(_settings(ctx)).override(path, restricted, pages)
    except PaperError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    what = f"pages {pages[0]}–{pages[1]} of " if pages and pages[0] != pages[1] else (
        f"page {pages[0]} of " if pages else "")
    state = f"restricted pages now: {_spans(secret)}" if secret else "no page is restricted now"
    click.echo(f"{what}{path.name} {'restricted' if restricted else 'published'}; {state}.")


def _spans(numbers: list[int]) -> str:
    from ingest.pipeline import _ranges

    return _ranges(sorted(numbers))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def bodies(ctx: click.Context, as_json: bool) -> None:
    """The bodies the library holds papers of: authority · body, the names papers give it, paper counts.

    Example: committee bodies --json
    """
    from dataclasses import asdict

    from index.registry import Registry

    found = Registry(_settings(ctx).registry_path).bodies()
    if as_json:
        click.echo(json.dumps([asdict(b) for b in found], indent=1, ensure_ascii=False))
        return
    for b in found:
        also = f"; also printed as {', '.join(b.aliases)}" if b.aliases else ""
        kinds = f"; meetings: {', '.join(b.meeting_kinds)}" if b.meeting_kinds != ["ordinary"] else ""
        click.echo(f"{b.label()} — {b.papers} paper{'s' if b.papers != 1 else ''}{also}{kinds}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def papers(ctx: click.Context, as_json: bool) -> None:
    """Every paper: body, meeting date and kind, kind of paper, version (current or superseded, and by which),
    restriction, and pages read by OCR (those read too poorly to answer from are kept out of answers).

    Example: committee papers --json
    """
    from assistant.registers import papers as listing

    settings = _settings(ctx)
    rows = listing(_registry(ctx), settings.role == "member", settings.ocr_min_confidence)
    if as_json:
        click.echo(json.dumps([r.to_json() for r in rows], indent=1, ensure_ascii=False))
        return
    for r in rows:
        facts = [f"{r.authority} · {r.body or 'body not named'}", r.meeting_date or "undated",
                 r.doc_type + ("" if r.meeting_kind == "ordinary" else f" ({r.meeting_kind} meeting)")]
        if r.replaced_by:
            facts.append(f"superseded by {r.replaced_by}")
        elif r.replaces:
            facts.append(f"current version; replaces {', '.join(r.replaces)}")
        if r.restricted != "no":
            facts.append(f"restricted: {r.restricted}")
        if r.scanned_pages:
            facts.append(f"scanned pages {_spans(r.scanned_pages)}"
                         + (f" (too poorly read to answer from: {_spans(r.doubtful_pages)})" if r.doubtful_pages else ""))
        click.echo(f"{r.source} — " + " · ".join(facts))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def meetings(ctx: click.Context, as_json: bool) -> None:
    """Every meeting the papers are of: body, date, kind, venue, its papers, and later papers holding its minutes.

    Example: committee meetings --json
    """
    from assistant.registers import meetings as listing

    rows = listing(_registry(ctx), _settings(ctx).role == "member")
    if as_json:
        click.echo(json.dumps([m.to_json() for m in rows], indent=1, ensure_ascii=False))
        return
    for m in rows:
        kind = "" if m.kind == "ordinary" else f" ({m.kind})"
        click.echo(f"{m.date}  {m.authority} · {m.body or 'body not named'}{kind}{' at ' + m.venue if m.venue else ''}")
        for paper in m.papers:
            click.echo(f"    {paper}")
        for later in m.minutes_in:
            click.echo(f"    minutes in: {later}")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--pages", default=None, callback=_page_range, help="Only these pages, e.g. 3 or 2-4.")
@click.pass_context
def restrict(ctx: click.Context, path: Path, pages) -> None:
    """Mark a paper held (or some of its pages) exempt; it stays so through re-ingest and copies.

    Example: committee restrict papers/property-sale.pdf --pages 3-5
    """
    _override(ctx, path, pages, True)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--pages", default=None, callback=_page_range, help="Only these pages, e.g. 3 or 2-4.")
@click.pass_context
def publish(ctx: click.Context, path: Path, pages) -> None:
    """Lift a restriction: the only way a restricted paper or page becomes public. Recorded with who and when.

    Example: committee publish papers/forward-plan.pdf --pages 2
    """
    _override(ctx, path, pages, False)


@main.command("restricted")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def restricted_command(ctx: click.Context, as_json: bool) -> None:
    """The review list: every restricted paper and page with the reason, and every borderline page.

    Borderline pages mention a marking word where the rule chose public; check them and override with
    `committee restrict PATH --pages N` or `committee publish PATH --pages N`.
    """
    from index.registry import Registry

    rows = Registry(_settings(ctx).registry_path).restriction_review()
    if as_json:
        click.echo(json.dumps([r.to_json() for r in rows], indent=1, ensure_ascii=False))
        return
    if not rows:
        click.echo("No paper in the library is restricted or borderline.")
    for r in rows:
        head = "restricted (whole paper)" if r.whole else (
            f"restricted pages {_spans(r.restricted_pages)}" if r.restricted_pages else "public")
        click.echo(f"{r.source} — {head}")
        for page, reason in r.reasons:
            click.echo(f"    p. {page}: {reason}")
        for page, reason in r.borderline:
            click.echo(f"    p. {page} borderline: {reason}")
        for o in r.overrides:
            click.echo(f"    {o}")
