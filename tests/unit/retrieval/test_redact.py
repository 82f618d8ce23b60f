"""Secrets in the repository never reach a prompt; ``redact`` on its own."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lsp_server.documents.cursor import split_at
from lsp_server.generation.loader import LoadedModel
from lsp_server.prompting.fim_request import Budgets, prepare_fim, shown_window
from lsp_server.safety.redact import REDACTED, _secret_rules, redact
from tests.unit.retrieval.conftest import Files, Workspace, cursor_at_end, settings
from tests.unit.safety.rule_cases import load_cases

TOKEN = "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5"
PASSWORD = "hunter2hunter2"
DSN_PASSWORD = "Zq8vLm2Rt"
ENV_VALUE = "envOnlyValue9f8e7d6c5b4a"
CONFIG = f'''"""Service settings."""

GITHUB_TOKEN = "{TOKEN}"
password = "{PASSWORD}"
DATABASE_URL = "postgres://app:{DSN_PASSWORD}@db.internal:5432/main"
TIMEOUT_SECONDS = 30
'''
MAIN = '''from config import DATABASE_URL, GITHUB_TOKEN, TIMEOUT_SECONDS, password


def connect(client):
    client.login(GITHUB_TOKEN, password)
    return '''
REPO: Files = {"config.py": CONFIG, "main.py": MAIN, ".env": f"SECRET={ENV_VALUE}\n"}


@pytest.mark.parametrize("kind", ["qwen", "codellama"])
def test_secrets_of_an_imported_file_never_reach_the_prompt(
    kind: str, workspace: Callable[[Files], Workspace], load: Callable[..., LoadedModel],
) -> None:
    repo, model, config = workspace(REPO), load(kind), settings()
    path, cursor = repo.path("main.py"), cursor_at_end(MAIN)
    retrieve = repo.provider.retrieve(path, cursor, "python", config, model, invoked=True)
    prepared = prepare_fim(model, cursor, config, "python", None, retrieve)
    assert prepared.packed is not None and prepared.packed.context.blocks
    text = model.backend.detokenize(prepared.prompt.ids)
    assert "# Path: config.py" in text or "config.py\n" in text  # the file is shown...
    assert "TIMEOUT_SECONDS = 30" in text  # ...harmless values as they are
    for secret in (TOKEN, TOKEN[4:20], PASSWORD, DSN_PASSWORD, ENV_VALUE, "SECRET="):
        assert secret not in text
    assert f'GITHUB_TOKEN = "{REDACTED}"' in text
    assert f'password = "{REDACTED}"' in text
    assert "@db.internal:5432/main" in text and REDACTED + "@db.internal" in text


CURRENT = f'''import requests

SLACK_TOKEN = "xoxb-{'1' * 12}-{'2' * 12}-{'a' * 24}"


def fetch(session):
    session.headers["Authorization"] = "token {TOKEN}"
    return '''
BELOW = f'''


def login(client):
    client.connect(password="{PASSWORD}")
'''


@pytest.mark.parametrize("kind", ["qwen", "codellama"])
def test_secrets_in_the_current_file_never_reach_the_prompt(
    kind: str, workspace: Callable[[Files], Workspace], load: Callable[..., LoadedModel],
) -> None:
    """The local window is redacted like repository context, above and below the cursor."""
    text = CURRENT + BELOW
    repo, model = workspace({"client.py": text}), load(kind)
    cursor = split_at(text, CURRENT.count("\n"), len(CURRENT.rsplit("\n", 1)[1]))
    config = settings(max_suffix_tokens=256)  # the tiny vocabularies spend a token a byte
    retrieve = repo.provider.retrieve(repo.path("client.py"), cursor, "python", config,
                                      model, invoked=True)
    prompt = model.backend.detokenize(
        prepare_fim(model, cursor, config, "python", None, retrieve).prompt.ids)
    for secret in (TOKEN, TOKEN[4:20], PASSWORD, "xoxb-1111"):
        assert secret not in prompt
    assert f'"token {REDACTED}"' in prompt and f'password="{REDACTED}"' in prompt
    assert "def fetch(session):" in prompt and "def login(client):" in prompt


@pytest.mark.parametrize("kind", ["qwen", "codellama"])
def test_a_redacted_window_that_grew_is_fitted_again(
        kind: str, load: Callable[..., LoadedModel]) -> None:
    """Short secrets can take fewer tokens than the marker: the budget still holds."""
    tok = load(kind).backend
    lines = "".join(f'x{i} = 1\napi_key = "q{i:05d}z"\n' for i in range(40))
    prefix, suffix = lines + "value = ", "\n" + lines
    split = Budgets(len(tok.tokenize(prefix)), len(tok.tokenize(suffix)), 0)
    assert len(tok.tokenize(redact(prefix))) > split.prefix  # the marker is longer here
    shown_prefix, shown_suffix = shown_window(tok, prefix, suffix, split)
    assert len(tok.tokenize(shown_prefix)) <= split.prefix
    assert len(tok.tokenize(shown_suffix)) <= split.suffix
    assert redact(prefix).endswith(shown_prefix) and shown_prefix.endswith("value = ")
    assert redact(suffix).startswith(shown_suffix) and REDACTED in shown_suffix
    assert "q00039z" not in shown_prefix and "q00000z" not in shown_suffix


def test_private_key_block_is_cut_whole() -> None:
    body = "\n".join(["MIIEowIBAAKCAQEA7x9vQk2Lm3Np4Rq5St6Uv7Wx8Yz9Ab0Cd1Ef2Gh3Ij4Kl5"] * 4)
    text = (f"KEY = '''-----BEGIN RSA PRIVATE KEY-----\n{body}\n"
            "-----END RSA PRIVATE KEY-----'''\nNEXT = 1\n")
    out = redact(text)
    # Its line breaks stay: what follows keeps its line numbers (citations, positions).
    assert out == f"KEY = '''{REDACTED}\n\n\n\n\n'''\nNEXT = 1\n"
    assert out.count("\n") == text.count("\n")


OPENSSH_LINE = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"


def test_unterminated_private_key_is_cut_to_the_end() -> None:
    """A window that ends inside a key: the rest of the text is key."""
    out = redact(f"a = 1\n-----BEGIN OPENSSH PRIVATE KEY-----\n{OPENSSH_LINE}\n")
    assert out == f"a = 1\n{REDACTED}\n\n"


def test_key_lines_at_the_start_of_a_window_are_cut_up_to_their_end_line() -> None:
    """A window that starts inside a key (its BEGIN line is above the window)."""
    plain = f"{OPENSSH_LINE}\n{OPENSSH_LINE[:40]}\n-----END OPENSSH PRIVATE KEY-----\nx = 1\n"
    assert redact(plain) == f"{REDACTED}\n\n\nx = 1\n"
    quoted = (f'    "{OPENSSH_LINE}\\n"\n    "{OPENSSH_LINE}\\n"\n'
              '    "-----END OPENSSH PRIVATE KEY-----\\n"\n)\n')
    assert redact(quoted) == f'{REDACTED}\n\n\\n"\n)\n'


def test_pem_markers_in_code_leave_the_code_alone() -> None:
    """No key material after the marker: code that reads PEM files, kept whole."""
    code = ('BEGIN = "-----BEGIN RSA PRIVATE KEY-----"\n'
            'END = "-----END RSA PRIVATE KEY-----"\n\n'
            "def is_key(text: str) -> bool:\n    return text.startswith(BEGIN)\n")
    assert redact(code) == code
    assert redact(code[code.index("END"):]) == code[code.index("END"):]


@pytest.mark.parametrize(("line", "secret"), [
    ('aws_key = "AKIAZ7Q2X4LMNOPQRS3T"', "AKIAZ7Q2X4LMNOPQRS3T"),
    ("url = 'mysql://root:s3cr3tPw@localhost/app'", "s3cr3tPw"),
    ('headers = {"Authorization": "token ' + TOKEN + '"}', TOKEN),
    ('api_key = "k7Hq9Lm2Np4Rs6Tv8"', "k7Hq9Lm2Np4Rs6Tv8"),
])
def test_credentials_are_replaced(line: str, secret: str) -> None:
    out = redact(line)
    assert secret not in out and REDACTED in out


@pytest.mark.parametrize("line", [
    "def password_strength(value: str) -> int:",
    'password = os.environ["DB_PASSWORD"]',
    'aws_key = "AKIAIOSFODNN7EXAMPLE"  # the documentation example',
    "url = 'postgres://localhost:5432/app'",
    "token_count = len(tokens)  # secret sauce",
])
def test_harmless_lines_are_unchanged(line: str) -> None:
    assert redact(line) == line


def test_lowercase_twins_find_exactly_what_their_rules_find() -> None:
    """The fast path (a case-sensitive twin run on lowercased text) must not change what
    is redacted: same spans on every secret case, in upper, lower and mixed case."""
    cases = load_cases()
    twins = [(rule, twin) for rule, twin in _secret_rules() if twin is not None]
    assert [rule.id for rule, _ in twins] == ["secret-hardcoded-password"]
    for rule, twin in twins:
        lines = cases[rule.id]["bad"] + cases[rule.id]["good"]
        texts = [*lines, *(line.upper() for line in lines), *(line.swapcase() for line in lines),
                 "\n".join(lines), CONFIG, CONFIG.upper()]
        assert rule.regex is not None
        for text in texts:
            assert ([m.span() for m in twin.finditer(text.lower())]
                    == [m.span() for m in rule.regex.finditer(text)]), text
        assert redact('PASSWORD = "Zx9aB8cD7e"') == f'PASSWORD = "{REDACTED}"'
