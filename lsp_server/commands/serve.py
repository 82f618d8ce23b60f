"""``llama-lsp serve [--tcp HOST:PORT]``: the language server (stdio by default)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import BinaryIO


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("serve", help="run the language server (stdio or TCP)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    parser.add_argument("--log-file", help="also write logs to this file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # stdout carries the protocol: logs go to stderr (and the optional file) only.
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if args.log_file:
        handlers.append(logging.FileHandler(args.log_file))
    logging.basicConfig(level=logging.INFO, handlers=handlers,
                        format="%(asctime)s llama-lsp %(levelname)s %(name)s: %(message)s")
    logging.getLogger("pygls").setLevel(logging.WARNING)  # it logs every message at INFO
    from lsp_server.server import server

    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io(sys.stdin.buffer, protocol_stdout())
    return 0


def protocol_stdout() -> BinaryIO:
    """A private handle on stdout for the protocol, with fd 1 itself pointed at stderr.

    llama.cpp and other native code print to fd 1 (model load banners, warnings); a stray
    line landing inside a JSON-RPC frame makes the editor drop the reply (seen as a
    shutdown that never answers). Only the protocol writer keeps the real stdout."""
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return protocol
