"""Chat prompts as token ids, rendered with the GGUF's own chat template.

Explain and ask talk to instruct models, whose turns are marked with control tokens
(``<|im_start|>``, ``<end_of_turn>``, ...). The GGUF carries the template the model was
trained with (``tokenizer.chat_template``, Jinja, as in Hugging Face's
tokenizer_config.json); it is rendered the way transformers and llama-cpp-python do.
A model without one gets the plain instruction layout of chat.toml, through the same code.

Tokenizing goes by segments so that user text cannot inject a control token: each
message's content is rendered as a placeholder, the template's own markup around the
placeholders is tokenized with control-token parsing (as llama.cpp's ``special=True``
does), and the contents are tokenized with it off. A file that contains ``<|im_end|>``
stays text and cannot end the user's turn.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from importlib import resources
from typing import NoReturn

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from lsp_server.generation.gguf_file import GGUFInfo
from lsp_server.prompting.families import metadata_ids
from lsp_server.prompting.fim import Tokenizer, tokenize_continuation

# llama.cpp token types that are matched as whole tokens in template markup:
# control (3) and user-defined (4). https://github.com/ggml-org/llama.cpp/blob/master/gguf-py/gguf/constants.py
CONTROL_TYPES = frozenset({3, 4})
_PLACEHOLDER = "\ue000{}\ue001"  # private-use characters: no template filter changes them
_PLACEHOLDERS = re.compile("\ue000(\\d+)\ue001")


@dataclass(frozen=True)
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass(frozen=True)
class ChatFormat:
    """How one model wants its chat turns: template, control tokens and stops."""

    template: str
    from_model: bool  # the GGUF's own template (False: chat.toml's instruction fallback)
    bos_text: str
    eos_text: str
    control: Mapping[str, int]  # control-token text -> id, parsed in template markup only
    bos_id: int | None
    add_bos: bool
    merge_system: bool  # the template refuses a system turn: prepend it to the first user turn
    stop_ids: frozenset[int]
    stop_strings: tuple[str, ...]


def _raise(message: str) -> NoReturn:
    raise jinja2.TemplateError(message)


_ENV = ImmutableSandboxedEnvironment(
    trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"]
)
_ENV.globals.update(raise_exception=_raise,
                    strftime_now=lambda fmt: datetime.now().strftime(fmt))


@lru_cache(maxsize=16)
def _compiled(template: str) -> jinja2.Template:
    return _ENV.from_string(template)


def render_template(
    template: str, messages: Sequence[Message], *, bos_token: str = "", eos_token: str = "",
    add_generation_prompt: bool = True,
) -> str:
    """The template's text for these messages (raises jinja2.TemplateError)."""
    return _compiled(template).render(
        messages=[{"role": m.role, "content": m.content} for m in messages],
        bos_token=bos_token, eos_token=eos_token, add_generation_prompt=add_generation_prompt,
    )


@cache
def _fallback() -> tuple[str, tuple[str, ...]]:
    text = resources.files("lsp_server.prompting").joinpath("chat.toml").read_text("utf-8")
    table = tomllib.loads(text)["fallback"]
    return str(table["template"]).strip("\n"), tuple(table["stop_strings"])


def chat_format(info: GGUFInfo) -> ChatFormat:
    """Read the template, control tokens and end-of-turn stop of a GGUF (decodes the
    vocabulary: cache the result per model)."""
    tokens = info.tokens
    types = info.array("tokenizer.ggml.token_type")
    control: dict[str, int] = {}
    for index, (text, kind) in enumerate(zip(tokens, types, strict=False)):
        if kind in CONTROL_TYPES and text:
            control.setdefault(text, index)
    ids = {role: i for role, i in metadata_ids(info).items() if i < len(tokens)}
    bos_id, eos_id = ids.get("bos"), ids.get("eos")
    bos = tokens[bos_id] if bos_id is not None else ""
    eos = tokens[eos_id] if eos_id is not None else ""
    add_bos = bool(info.metadata.get("tokenizer.ggml.add_bos_token", True)) and bos_id is not None
    template, stop_strings = _fallback()
    own = info.metadata.get("tokenizer.chat_template")
    merge_system, from_model = False, False
    if isinstance(own, str) and own.strip():
        accepts = _accepts_system(own, bos, eos)
        if accepts is not None:
            template, stop_strings, merge_system, from_model = own, (), not accepts, True
    stops = {ids[role] for role in ("eos", "eot") if role in ids}
    turn_end = _end_of_turn(template, control, bos, eos)
    if turn_end is not None:
        stops.add(turn_end)
    return ChatFormat(template, from_model, bos, eos, control, bos_id, add_bos, merge_system,
                      frozenset(stops), stop_strings)


def _accepts_system(template: str, bos: str, eos: str) -> bool | None:
    """Whether the template takes a system turn; None when it renders nothing usable."""
    user = Message("user", "x")
    for with_system, messages in ((True, [Message("system", "s"), user]), (False, [user])):
        try:
            render_template(template, messages, bos_token=bos, eos_token=eos)
        except Exception:  # a broken template in a GGUF must not break explain / ask
            continue
        return with_system
    return None


def _end_of_turn(template: str, control: Mapping[str, int], bos: str, eos: str) -> int | None:
    """The first control token the template writes after an assistant turn's content
    (``<|im_end|>``, ``<end_of_turn>``, ``<|eot_id|>``, EOS...): where an answer ends."""
    probe = [Message("user", _PLACEHOLDER.format(0)), Message("assistant", _PLACEHOLDER.format(1))]
    try:
        text = render_template(template, probe, bos_token=bos, eos_token=eos,
                               add_generation_prompt=False)
    except Exception:
        return None
    after = text.rpartition(_PLACEHOLDER.format(1))[2]
    for fragment in _partition(control, after):
        if isinstance(fragment, int):
            return fragment
    return None


def _partition(control: Mapping[str, int], text: str) -> list[str | int]:
    """``text`` split into plain fragments and control-token ids (longest match first)."""
    if not control or not text:
        return [text]
    out: list[str | int] = []
    for index, piece in enumerate(_control_pattern(tuple(control)).split(text)):
        if index % 2:
            out.append(control[piece])
        elif piece:
            out.append(piece)
    return out


@lru_cache(maxsize=8)
def _control_pattern(texts: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(texts, key=len, reverse=True)
    return re.compile("(" + "|".join(map(re.escape, ordered)) + ")")


def encode_chat(fmt: ChatFormat, tokenizer: Tokenizer, messages: Sequence[Message]) -> list[int]:
    """The prompt's token ids, ending where the assistant's answer begins."""
    messages = list(messages)
    if fmt.merge_system and len(messages) > 1 and messages[0].role == "system":
        first = messages[1]
        messages = [Message(first.role, f"{messages[0].content}\n\n{first.content}"),
                    *messages[2:]]
    probe = [Message(m.role, _PLACEHOLDER.format(i)) for i, m in enumerate(messages)]
    text = render_template(fmt.template, probe, bos_token=fmt.bos_text, eos_token=fmt.eos_text)
    ids: list[int] = []
    after_control = True  # SentencePiece adds its dummy space at the start and after a control
    for index, piece in enumerate(_PLACEHOLDERS.split(text)):
        fragments = [messages[int(piece)].content] if index % 2 else _partition(fmt.control, piece)
        for fragment in fragments:
            if isinstance(fragment, int):
                ids.append(fragment)
                after_control = True
            elif fragment:
                ids += (tokenizer.tokenize(fragment) if after_control
                        else tokenize_continuation(tokenizer, fragment))
                after_control = False
    if fmt.add_bos and fmt.bos_id is not None and ids[:1] != [fmt.bos_id]:
        ids.insert(0, fmt.bos_id)
    return ids
