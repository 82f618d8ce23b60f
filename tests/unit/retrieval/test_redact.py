"""Secrets in the repository never reach a prompt; ``redact`` on its own."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lsp_server.generation.loader import LoadedModel
from lsp_server.prompting.fim_request import prepare_fim
from lsp_server.retrieval.redact import REDACTED, redact
from tests.unit.retrieval.conftest import Files, Workspace, cursor_at_end, settings

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


def test_private_key_block_is_cut_whole() -> None:
    body = "\n".join(["MIIEowIBAAKCAQEA7x9vQk2Lm3Np4Rq5St6Uv7Wx8Yz9Ab0Cd1Ef2Gh3Ij4Kl5"] * 4)
    text = (f"KEY = '''-----BEGIN RSA PRIVATE KEY-----\n{body}\n"
            "-----END RSA PRIVATE KEY-----'''\nNEXT = 1\n")
    out = redact(text)
    assert out == f"KEY = '''{REDACTED}'''\nNEXT = 1\n"


def test_unterminated_private_key_is_cut_to_the_end() -> None:
    out = redact("a = 1\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n")
    assert out == f"a = 1\n{REDACTED}"


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
