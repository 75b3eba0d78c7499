"""CLI: typer commands over every layer; each results command takes --json and prints one JSON document."""
