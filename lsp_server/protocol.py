"""Every custom LSP method, notification and command of llama-lsp, in one place.

Editor extensions (VS Code, Neovim) and the team server build on this file only.
Keys are camelCase on the wire. Standard LSP methods used as usual are listed at the end.

Requests (client -> server)
---------------------------
``llama-lsp/stats``
    params: none (or ``{}``)
    result: ``StatsResult``: per-stage latency percentiles in ms
    (``latencyMs: {stage: {p50, p90, p99, count}}`` for stages ``prompt``, ``generate``,
    ``postprocess``, ``scan``, ``total`` and ``overhead`` = total minus generate: the daemon's own
    share), ``cache: {hits, misses, hitRate}``,
    ``tokens: {prompt, reused, evaluated, generated, shifted, dropped, context,
    warm_evaluated}`` (sums since start: ``shifted`` of ``reused`` were kept from the KV
    cache at a new position after ``dropped`` cached tokens were cut out of its middle;
    ``context``: repository-context tokens in prompts; ``warm_evaluated``: evaluated by
    background warm-ups, never on the keystroke path),
    ``completions: {requested, answered, empty, superseded, cancelled, model_calls,
    blocked, warned, speculated, skipped, secret, warmed, ...}`` (``skipped``: automatic
    requests inside a word, answered empty without the model; ``secret``: requests in a
    secrets file such as ``.env``, answered empty, its text never sent to the model;
    ``warmed``: context warm-ups done),
    ``last``: the latest model-answered request's own report, ``{tokens: {prompt, reused,
    evaluated, generated, shifted, dropped}, context: {tokens, snippets: ["path:first-last
    (source)"], deferred, found, late, failed, sourceMs}}`` or null,
    ``accepted``, ``dismissed``, ``pending`` (requests in flight right now), ``model``
    (path, family) or null, ``error`` (the last model error shown) or null, ``index``
    (``{files, symbols, imports, chunks}`` once the workspace index is ready) or null.

Notifications (client -> server)
--------------------------------
``llama-lsp/didAccept``
    params: ``AcceptParams`` ``{uri, text, position?}``: the user accepted a suggestion
    (fully or partly; ``text`` is what was inserted).
``llama-lsp/didDismiss``
    params: ``DismissParams`` ``{uri, text?, position?}``: a shown suggestion was dismissed.

Notifications (server -> client)
--------------------------------
``llama-lsp/securityNotice``
    params: ``SecurityNotice`` ``{uri, rule, cwe, severity, line, description, action}``:
    a completion matched an insecure-code rule (one notice per match); ``line`` is the
    0-based document line of the match; ``action`` is ``warn`` (the completion is shown)
    or ``block`` (it is not: the inline answer is empty). Also logged with
    ``window/logMessage``. Which severities block or warn, and which rules are off, are
    the ``safetyHigh|Medium|Low`` and ``safetyDisabledRules`` settings.

Commands (``workspace/executeCommand``)
---------------------------------------
``llama-lsp.explain``
    arguments: ``[{uri, range, workDoneToken?}]`` (LSP Range of the selection; the
    document must be open, and need not be a file: an ``untitled:`` buffer is shown to
    the model by its name, in the language the editor gave it). Streams the explanation
    as ``$/progress`` on ``workDoneToken`` (in the arguments, or the LSP's own
    ``workDoneToken`` of the ``ExecuteCommandParams``, as Neovim and other clients send
    it): *begin*, one *report* per piece of text (``message`` = the new text, in order;
    concatenated they are the result's text), *end*, then the response.
    Without a token, and when the client advertises ``window.workDoneProgress``, the server
    creates one with ``window/workDoneProgress/create``. The result is ``{text}``.
    A missing or unusable model answers an error (code -32803) whose message says why;
    so does a selection in a secrets file (``.env``, keys: ``index_secret_globs``), here
    and in ``ask``.
``llama-lsp.ask``
    arguments: ``[{question, uri?, range?, workDoneToken?}]`` (``uri``/``range``: the file
    and selection the question is about; a buffer that is not a file is cited with its own
    ``uri``). Streams the answer like ``explain``; the result is
    ``{text, citations: [{uri, path, range, kind}]}``: ``path`` is relative to the
    workspace folder holding ``uri`` (else the root folder); ``range`` covers whole lines
    (end = the line after, character 0); ``kind`` is ``cited`` (the answer wrote
    ``path:line``), ``mentioned`` (the answer named the file: its excerpts) or ``context``
    (the answer cites nothing: every excerpt the model was shown).

Initialization and settings
---------------------------
``initializationOptions`` and ``workspace/didChangeConfiguration`` (``settings`` may be
the options object itself or ``{"llamaLsp": {...}}``) carry the settings of
``lsp_server/config.py`` with camelCase keys (``nCtx``, ``maxTokens`` ...). A bad value
is reported once with ``window/showMessage`` and the value below it is used. Each
``didChangeConfiguration`` replaces the previous one; both lie over the
``initializationOptions``, which keep the keys a change does not name.

Standard methods: ``textDocument/inlineCompletion`` (the ghost text; items carry the
exact replace range, an empty range at the cursor; with ``context.selectedCompletionInfo``
(the editor's suggest widget is open on an item), the document is completed as if that
item were accepted, and the answer is the item's text and what follows, over the item's
range, as VS Code requires to show it), ``textDocument/completion`` (a
fallback for clients without inline completion: one item carrying the suggestion),
incremental ``textDocument/didOpen|didChange|didClose``, ``$/cancelRequest``,
``window/showMessage`` (model errors, and an index that cannot be written, such as on a
full disk: once each) and ``$/progress``: the start-up indexing of the workspace folders
is one work-done progress (created by the server, title
"Indexing the workspace": *begin*, *report* with ``percentage`` as files are written,
*end* with a summary); ``workspace/didChangeWorkspaceFolders`` re-indexes.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

STATS = "llama-lsp/stats"
DID_ACCEPT = "llama-lsp/didAccept"
DID_DISMISS = "llama-lsp/didDismiss"
SECURITY_NOTICE = "llama-lsp/securityNotice"
EXPLAIN_COMMAND = "llama-lsp.explain"
ASK_COMMAND = "llama-lsp.ask"
SETTINGS_SECTION = "llamaLsp"


class Position(TypedDict):
    line: int
    character: int


class Range(TypedDict):
    start: Position
    end: Position


class AcceptParams(TypedDict):
    uri: str
    text: str
    position: NotRequired[Position]


class DismissParams(TypedDict):
    uri: str
    text: NotRequired[str]
    position: NotRequired[Position]


class SecurityNotice(TypedDict):
    uri: str
    rule: str
    cwe: str
    severity: str
    line: int
    description: str
    action: str


class ExplainArguments(TypedDict):
    uri: str
    range: Range
    workDoneToken: NotRequired[str | int]


class AskArguments(TypedDict):
    question: str
    uri: NotRequired[str]
    range: NotRequired[Range]
    workDoneToken: NotRequired[str | int]


class Citation(TypedDict):
    uri: str
    path: str
    range: Range
    kind: str  # "cited" | "mentioned" | "context"


class AskResult(TypedDict):
    text: str
    citations: list[Citation]


def as_json(value: Any) -> Any:
    """A result as JSON-like Python, for Python clients (tests, benchmarks): pygls hands
    results of methods it has no types for (``llama-lsp/stats``, commands) over as
    nested namedtuples."""
    if hasattr(value, "_asdict"):
        return {k: as_json(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    return value
