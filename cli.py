"""The ``committee`` command: a thin shell over ingest, the index and the assistant.

    committee ingest papers/            # PDFs, text or Markdown, folders recursively
    committee items --json              # what the registry found
    committee ask "When did the committee agree to tender the Hauxton extra care contract?"
    committee serve                     # the chat in a browser
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from settings import Settings

SAMPLES = Path(__file__).resolve().parent / "samples"


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

    from index.library import Library, find_files

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


def _registry(ctx: click.Context):
    from index.registry import Registry

    return Registry(_settings(ctx).registry_path)


def _role_filters(ctx: click.Context):
    from index.filters import Filters

    return Filters(include_restricted=_settings(ctx).role == "member")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one list).")
@click.pass_context
def items(ctx: click.Context, as_json: bool) -> None:
    """Agenda items of every ingested pack, with their page ranges."""
    rows = [{k: v for k, v in r.items() if k != "doc_id"} for r in _registry(ctx).items(_role_filters(ctx))]
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    for r in rows:
        click.echo(f"{r['meeting_date'] or '?':10}  {r['committee'][:24]:24}  item {r['item']:>4}  "
                   f"pp. {r['pages'][0]}–{r['pages'][1]}  {r['title']}")


def _emit(rows: list[dict], fmt: str, columns: list[str], text_line) -> None:
    """Print register rows as a table for people, or JSON, CSV or Markdown for scripts and export."""
    from assistant.exports import csv_text, md_table

    rows = [{k: v for k, v in r.items() if k != "doc_id"} for r in rows]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=1, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(csv_text(rows), nl=False)
    elif fmt == "markdown":
        click.echo(md_table(rows, columns), nl=False)
    else:
        for r in rows:
            click.echo(text_line(r))


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
          lambda r: f"{r['meeting_date'] or '?':10}  minute {r['minute']:>8}  {r['title'][:60]}  "
                    f"[{r['vote'] or '-'}] pp. {r['pages'][0]}–{r['pages'][1]}"
                    + (f"\n            {r['resolution'][:200]}" if r["resolution"] else ""))


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
          lambda r: f"{r['log_date'] or '?':10}  minute {r['minute']:>5}  {r['owner'] or '?':20}  "
                    f"{r['status'] or '-':10}  {r['action'][:80]}")


@main.command()
@click.option("--councillor", default=None, help="Only this councillor (part of the name is enough).")
@format_options
@click.pass_context
def declarations(ctx: click.Context, councillor, fmt, as_json) -> None:
    """Declarations of interest recorded in minutes, by councillor and item."""
    rows = _registry(ctx).declarations(_role_filters(ctx))
    if councillor:
        rows = [r for r in rows if councillor.lower() in r["councillor"].lower()]
    _emit(rows, "json" if as_json else fmt,
          ["committee", "meeting_date", "minute", "councillor", "item", "nature", "source", "pages"],
          lambda r: f"{r['meeting_date'] or '?':10}  minute {r['minute']:>5}  {r['councillor']:20}  {r['text']}")


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
          lambda r: f"{r['date'] or '?':10}  {r['kind']:14}  {r['title'][:50]:50}  {'CURRENT ' if r['current'] else ''}"
                    f"{r['text'][:120]}  ({r['source']}, pp. {r['pages'][0]}–{r['pages'][1]})")


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


def _filters(ctx, committee, date_from, date_to, doc_type):
    from index.filters import Filters

    return Filters(committee=committee, date_from=date_from, date_to=date_to, doc_type=doc_type,
                   include_restricted=_settings(ctx).role == "member")


def filter_options(fn):
    """--committee, --from, --to, --type: hard filters applied inside the store queries."""
    fn = click.option("--type", "doc_type", default=None,
                      help="Only this document type (agenda pack, minutes, report, action log, ...).")(fn)
    fn = date_options(fn)
    return click.option("--committee", default=None, help="Only this committee (as `committee items` names it).")(fn)


def _print_answer(answer) -> None:
    click.echo(answer.answer)
    click.echo()
    heading = "Nearest passages:" if answer.abstained else "Sources:"
    click.echo(heading)
    for c in answer.citations:
        click.echo(f"  [{c.number}] {c.label()} — {c.source}")
        snippet = " ".join(c.text.split())
        click.echo(f"      “{snippet[:220]}{'…' if len(snippet) > 220 else ''}”")


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--k", type=int, default=None, help="Number of citations (default 5).")
@filter_options
@click.pass_context
def ask(ctx: click.Context, question: str, as_json: bool, k, committee, date_from, date_to, doc_type) -> None:
    """Answer one question from the papers, with citations.

    Example: committee ask "When did the committee agree to tender the Hauxton extra care contract?"
    """
    from assistant.service import Assistant

    assistant = Assistant(_settings(ctx))
    answer = assistant.ask(question, filters=_filters(ctx, committee, date_from, date_to, doc_type), k=k)
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
    else:
        _print_answer(answer)


@main.command()
@filter_options
@click.pass_context
def chat(ctx: click.Context, committee, date_from, date_to, doc_type) -> None:
    """A conversation in the terminal; follow-up questions use the earlier ones. Empty line or Ctrl-D ends it."""
    from assistant.service import Assistant

    assistant = Assistant(_settings(ctx))
    filters = _filters(ctx, committee, date_from, date_to, doc_type)
    history: list[str] = []
    while True:
        try:
            question = input("you> ").strip()
        except EOFError:
            break
        if not question:
            break
        answer = assistant.ask(question, history=history, filters=filters)
        _print_answer(answer)
        click.echo()
        history.append(question)


@main.command(name="eval")
@click.argument("questions", type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Where to write one JSON answer a line.")
@click.option("--k", type=int, default=None, help="Citations per answer (default 5).")
@click.pass_context
def eval_command(ctx: click.Context, questions: Path, out: Path, k) -> None:
    """Answer every question of a JSONL file (the format of shared/eval/dev.jsonl) in one process.

    Example: committee eval ../shared/eval/dev.jsonl --out results.jsonl
    """
    from assistant.service import Assistant

    assistant = Assistant(_settings(ctx))
    lines = [json.loads(line) for line in questions.read_text().splitlines() if line.strip()]
    with out.open("w") as fh:
        for q in lines:
            answer = assistant.ask(q["question"], k=k)
            fh.write(json.dumps({"id": q.get("id"), **answer.to_json()}, ensure_ascii=False) + "\n")
    click.echo(f"{len(lines)} answers written to {out}", err=True)


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
            ctx.invoke(ingest_quiet, paths=(SAMPLES,))
    env = dict(os.environ, COMMITTEE_DATA=str(settings.data_dir.resolve()))
    if settings.chroma_host:
        env.update(COMMITTEE_CHROMA_HOST=settings.chroma_host, COMMITTEE_CHROMA_PORT=str(settings.chroma_port))
    app = Path(__file__).resolve().parent / "app.py"
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
    from index.library import Library
    from ingest.models import PaperError

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


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def ingest_quiet(ctx: click.Context, paths) -> None:
    from index.library import Library

    report = Library(_settings(ctx)).ingest(paths)
    for _, reason in report.failed:
        click.echo(f"error: {reason}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
