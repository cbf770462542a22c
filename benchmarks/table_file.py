"""Writing a generated results table without losing what a person wrote under it.

A table's "## Notes ... (hand-written)" section (from that heading to the end) is read from the old file and
kept below the regenerated table, so regenerating a row never silently drops the notes that explain it.
"""
from pathlib import Path

NOTES_HEADING = "## Notes"


def hand_notes(text: str) -> str:
    """The hand-written notes section of a table file, or ''."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(NOTES_HEADING) and "hand-written" in line:
            return "".join(lines[i:])
    return ""


def write_table(path: str | Path, generated: str) -> None:
    path = Path(path)
    notes = hand_notes(path.read_text()) if path.exists() else ""
    if notes and not hand_notes(generated):
        generated = generated.rstrip("\n") + "\n\n" + notes
    path.write_text(generated)
