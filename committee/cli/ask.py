"""Question commands: ask one, chat in the terminal, answer a question file."""
from __future__ import annotations

import json
from pathlib import Path

import click

from committee.cli.base import _iso_date, _registry, _role_filters, _settings, date_options, main  # noqa: F401


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


