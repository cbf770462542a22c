"""Regenerating a benchmark table keeps the hand-written notes under it."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from table_file import write_table  # noqa: E402

NOTES = "## Notes (hand-written)\n\n- the textbook row is flat after 12 minutes\n"


def test_regenerating_a_table_keeps_its_hand_written_notes(tmp_path):
    path = tmp_path / "ABLATION.md"
    path.write_text("# old table\n\n| a | 1 |\n\n" + NOTES)
    write_table(path, "# new table\n\n| a | 2 |\n")
    assert path.read_text() == "# new table\n\n| a | 2 |\n\n" + NOTES


def test_a_new_table_or_one_without_notes_is_written_as_generated(tmp_path):
    path = tmp_path / "RESULTS.md"
    write_table(path, "# table\n")
    assert path.read_text() == "# table\n"
    write_table(path, "# table 2\n\n## Notes on this run\n")  # generated notes, no hand-written ones to keep
    assert path.read_text() == "# table 2\n\n## Notes on this run\n"
    path.write_text("# t\n\n" + NOTES)
    write_table(path, "# t3\n\n" + NOTES.replace("12", "13"))  # notes the generator wrote itself win
    assert path.read_text() == "# t3\n\n" + NOTES.replace("12", "13")
