"""`carers --help` and every subcommand's `--help` explain themselves (issue 23): a description
and examples for every command, help text for every option, no option that does nothing,
and every example parses."""

from __future__ import annotations

import argparse
import shlex

import pytest

from pipelines.cli import build_parser, main

COMMANDS = ("check", "docs", "editions", "facts", "publish", "refresh", "request", "template",
            "ui")
# Commands that read only the publish folder: --warehouse and --landing would do nothing.
# (`editions --prune` locks the warehouse, so editions keeps --warehouse, not --landing.)
PUBLISH_ONLY = ("facts", "request")


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_is_listed_with_a_summary(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert set(subparsers()) == set(COMMANDS)
    for command in COMMANDS:
        line = next(line for line in out.splitlines() if line.strip().startswith(command + " ")
                    or line.strip() == command)
        assert line, command
    assert "examples:" in out and "carers refresh" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_description_examples_and_help_for_every_option(command):
    p = subparsers()[command]
    assert p.description and len(p.description) > 60, command
    assert p.epilog and "examples:" in p.epilog, command
    for action in p._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help and len(action.help) > 10, (command, action.dest)


@pytest.mark.parametrize("command", COMMANDS)
def test_examples_parse(command):
    """Each example line in a command's help is a command line the parser accepts."""
    p = subparsers()[command]
    examples = [line.strip().split("  ")[0] if line.startswith("  carers") else None
                for line in p.epilog.splitlines()]
    lines = [shlex.split(line)[1:] for line in examples if line]
    assert lines, command
    for argv in lines:
        args = build_parser().parse_args(argv)
        assert args.command == argv[0]


@pytest.mark.parametrize("command", PUBLISH_ONLY)
def test_no_folder_options_that_do_nothing(command):
    flags = {s for a in subparsers()[command]._actions for s in a.option_strings}
    assert "--publish" in flags
    assert not flags & {"--warehouse", "--landing"}, command


def test_editions_has_no_landing_option():
    flags = {s for a in subparsers()["editions"]._actions for s in a.option_strings}
    assert {"--publish", "--warehouse", "--prune"} <= flags and "--landing" not in flags


def test_ui_host_and_port_explained():
    p = subparsers()["ui"]
    helps = {s: a.help for a in p._actions for s in a.option_strings}
    assert "127.0.0.1" in helps["--host"] and "3000" in helps["--port"]


def test_request_help_shows_the_period_forms(capsys):
    with pytest.raises(SystemExit):
        main(["request", "--help"])
    out = capsys.readouterr().out
    for form in ("2024/25", "2024-25", "FY2024", "latest", "2022/23..2024/25",
                 "south-yorkshire", "--breakdown", "both (default)"):
        assert form in out, form


def test_publish_keeps_folder_options_only_for_its_refresh():
    """`carers publish --refresh` runs a refresh, which reads the warehouse and landing
    options; the help says they matter only then."""
    p = subparsers()["publish"]
    flags = {s for a in p._actions for s in a.option_strings}
    assert {"--warehouse", "--landing", "--refresh"} <= flags
    assert "--warehouse and --landing matter only with --refresh" in p.description
