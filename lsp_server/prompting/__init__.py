"""Prompting: FIM families detected from the GGUF (families.toml), token-exact prompts."""
