"""`record --replace` and `delete`: a wrong figure is corrected or removed in place, every other
byte of the file stays, through the same safe write path as `record`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gongfu_cli.store.load import load_dataset
from gongfu_cli.store.paths import bundled_data
from tests.builders import BUS, COMMENTED
from tests.conftest import gongfu

TWO_READINGS = (
    COMMENTED.replace("value = 40\n", 'value = 40   # 半年报\nsource = "初报"\n')
    + '\n\n[[readings]]\nbus = "alpha"\nindicator = "coverage"\ndate = 2023-01-01\nvalue = 55\n'
)


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "buses.toml"
    path.write_text(TWO_READINGS, encoding="utf-8")
    return path


def values(path: Path) -> dict[str, tuple[object, object, object]]:
    indicator = load_dataset(path).buses[0].indicators[0]
    return {str(r.date): (r.value, r.source, r.note) for r in indicator.readings}


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.split("\n"), after.split("\n")
    assert len(old) == len(new), (old, new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_replace_changes_only_the_value_and_keeps_its_comment(data_file: Path) -> None:
    before = data_file.read_text(encoding="utf-8")
    run = gongfu("record", "alpha", "覆盖率", "42.5", "--date", "2022-07-01", "--replace",
                 "-d", str(data_file), "--as-of", "2023-06-30")  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = run.stdout.decode()
    assert "replaced: 阿尔法 · 覆盖率 on 2022-07-01: 40% → 42.5%" in out
    after = data_file.read_text(encoding="utf-8")
    assert changed_lines(before, after) == [("value = 40   # 半年报", "value = 42.5   # 半年报")]
    assert values(data_file)["2022-07-01"] == (42.5, "初报", None)


def test_replace_sets_source_and_adds_a_note_beside_the_value(data_file: Path) -> None:
    source = '更正 "二次" 报送'
    run = gongfu("record", "alpha", "coverage", "41", "--date", "2022-07-01", "--replace",
                 "--source", source, "--note", "口径调整", "-d", str(data_file))  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert values(data_file)["2022-07-01"] == (41, '更正 "二次" 报送', "口径调整")
    assert values(data_file)["2023-01-01"] == (55, None, None)
    text = data_file.read_text(encoding="utf-8")
    assert 'value = 41   # 半年报\nsource = "更正 \\"二次\\" 报送"\nnote = "口径调整"\n' in text
    assert text.endswith("value = 55\n")


def test_replace_keeps_windows_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "crlf.toml"
    path.write_bytes(TWO_READINGS.replace("\n", "\r\n").encode("utf-8"))
    run = gongfu("record", "alpha", "coverage", "44", "--date", "2022-07-01", "--replace",
                 "--note", "改", "-d", str(path))  # fmt: skip
    assert run.returncode == 0, run.stderr
    raw = path.read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b"value = 44   # \xe5\x8d\x8a\xe5\xb9\xb4\xe6\x8a\xa5\r\n" in raw
    assert values(path)["2022-07-01"] == (44, "初报", "改")


def test_replace_without_a_reading_on_that_date_is_an_error(data_file: Path) -> None:
    before = data_file.read_bytes()
    run = gongfu("record", "alpha", "coverage", "44", "--date", "2022-08-01", "--replace",
                 "-d", str(data_file))  # fmt: skip
    assert run.returncode == 1
    err = run.stderr.decode()
    assert "has no reading on 2022-08-01 to replace" in err
    assert "2022-07-01, 2023-01-01" in err
    assert data_file.read_bytes() == before


def test_a_second_reading_on_a_date_points_at_replace(data_file: Path) -> None:
    run = gongfu("record", "alpha", "coverage", "44", "--date", "2022-07-01", "-d", str(data_file))
    assert run.returncode == 1
    assert f"(value 40, at {data_file}:19); to correct it, add --replace" in run.stderr.decode()


def test_delete_removes_exactly_the_table(data_file: Path) -> None:
    run = gongfu("delete", "alpha", "coverage", "--date", "2023-01-01", "-d", str(data_file))
    assert run.returncode == 0, run.stderr
    assert "deleted: 阿尔法 · 覆盖率 = 55% on 2023-01-01" in run.stdout.decode()
    assert data_file.read_text(encoding="utf-8") == TWO_READINGS.replace(
        '\n\n[[readings]]\nbus = "alpha"\nindicator = "coverage"\ndate = 2023-01-01\nvalue = 55\n',
        "\n",
    )
    assert list(values(data_file)) == ["2022-07-01"]


def test_delete_keeps_the_comments_that_follow_the_table(data_file: Path) -> None:
    run = gongfu("delete", "alpha", "coverage", "--date", "2022-07-01", "-d", str(data_file))
    assert run.returncode == 0, run.stderr
    text = data_file.read_text(encoding="utf-8")
    assert "# a closing comment, two blank lines above" in text
    assert "半年报" not in text and "初报" not in text
    assert text.startswith(TWO_READINGS.split("[[readings]]")[0].rstrip("\n"))
    assert list(values(data_file)) == ["2023-01-01"]


def test_record_then_delete_gives_back_the_original_bytes(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    before = path.read_bytes()
    assert gongfu("record", "alpha", "coverage", "60", "--date", "2023-01-01",
                  "-d", str(path)).returncode == 0  # fmt: skip
    assert path.read_bytes() != before
    assert gongfu("delete", "alpha", "coverage", "--date", "2023-01-01",
                  "-d", str(path)).returncode == 0  # fmt: skip
    assert path.read_bytes() == before + b"\n"  # record ended the unterminated last line


def test_delete_dry_run_writes_nothing(data_file: Path) -> None:
    before = data_file.read_bytes()
    run = gongfu("delete", "alpha", "coverage", "--date", "2023-01-01", "--dry-run",
                 "-d", str(data_file))  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "would delete: 阿尔法 · 覆盖率 = 55% on 2023-01-01" in run.stdout.decode()
    assert data_file.read_bytes() == before


def test_delete_of_a_missing_reading_names_the_dates(data_file: Path) -> None:
    run = gongfu("delete", "alpha", "coverage", "--date", "2023-02-01", "-d", str(data_file))
    assert run.returncode == 1
    assert "has no reading on 2023-02-01 (its readings are dated 2022-07-01, 2023-01-01)" in (
        run.stderr.decode()
    )


def test_corrections_go_through_symlinks_and_keep_the_mode(data_file: Path, tmp_path: Path) -> None:
    data_file.chmod(0o640)
    link = tmp_path / "link.toml"
    link.symlink_to(data_file)
    assert gongfu("record", "alpha", "coverage", "43", "--date", "2022-07-01", "--replace",
                  "-d", str(link)).returncode == 0  # fmt: skip
    assert gongfu("delete", "alpha", "coverage", "--date", "2023-01-01",
                  "-d", str(link)).returncode == 0  # fmt: skip
    assert link.is_symlink()
    assert oct(data_file.stat().st_mode & 0o777) == "0o640"
    assert values(data_file) == {"2022-07-01": (43, "初报", None)}


def test_a_reading_in_another_file_of_a_directory_is_corrected_there(tmp_path: Path) -> None:
    (tmp_path / "buses.toml").write_text(BUS, encoding="utf-8")
    readings = tmp_path / "readings.toml"
    readings.write_text(
        '[[readings]]\nbus = "alpha"\nindicator = "coverage"\ndate = 2023-01-01\nvalue = 5\n',
        encoding="utf-8",
    )
    run = gongfu("record", "alpha", "coverage", "6", "--date", "2023-01-01", "--replace",
                 "-d", str(tmp_path))  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "value = 6\n" in readings.read_text(encoding="utf-8")
    assert (tmp_path / "buses.toml").read_text(encoding="utf-8") == BUS
    run = gongfu("delete", "alpha", "coverage", "--date", "2023-01-01", "-d", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert readings.read_text(encoding="utf-8") == "# every reading of this file has been deleted\n"
    assert gongfu("check", "-d", str(tmp_path)).returncode == 0


def test_the_bundled_data_is_never_corrected() -> None:
    before = bundled_data().read_bytes()
    dataset = load_dataset(bundled_data())
    bus = dataset.buses[0]
    for args in (
        ("record", bus.id, bus.indicators[0].id, "1", "--date", "2023-01-01", "--replace"),
        ("delete", bus.id, bus.indicators[0].id, "--date", "2023-01-01"),
    ):
        run = gongfu(*args, env={"GONGFU_DATA": ""})
        assert run.returncode == 1
        assert "is the bundled dataset and is not changed" in run.stderr.decode()
    assert bundled_data().read_bytes() == before


def test_a_multi_line_source_is_refused_not_mangled(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text(
        BUS + '\n[[readings]]\nbus = "alpha"\nindicator = "coverage"\ndate = 2023-01-01\n'
        'value = 5\nsource = """第一行\n第二行"""\n',
        encoding="utf-8",
    )
    before = path.read_bytes()
    run = gongfu("record", "alpha", "coverage", "6", "--date", "2023-01-01", "--replace",
                 "--source", "新", "-d", str(path))  # fmt: skip
    assert run.returncode == 1
    assert "cannot change the reading in place" in run.stderr.decode()
    assert path.read_bytes() == before
    run = gongfu("record", "alpha", "coverage", "6", "--date", "2023-01-01", "--replace",
                 "-d", str(path))  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert values(path)["2023-01-01"] == (6, "第一行\n第二行", None)


def test_inline_readings_are_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text(
        'readings = [{bus = "alpha", indicator = "coverage", date = 2023-01-01, value = 5}]\n'
        + BUS,
        encoding="utf-8",
    )
    before = path.read_bytes()
    run = gongfu("delete", "alpha", "coverage", "--date", "2023-01-01", "-d", str(path))
    assert run.returncode == 1
    assert "one [[readings]] table each" in run.stderr.decode()
    assert path.read_bytes() == before


def test_delete_waits_for_no_lock_in_dry_run_and_leaves_no_temporary_file(
    data_file: Path,
) -> None:
    gongfu("delete", "alpha", "coverage", "--date", "2023-01-01", "-d", str(data_file))
    assert sorted(os.listdir(data_file.parent)) == ["buses.toml"]
