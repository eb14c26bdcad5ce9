"""Targets files: the shipped UK record equals data/uk_breakups.csv; bad files are refused one line per problem; sim-calibrate's settings."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sim.config.calibration import (
    CalibrateSettings,
    Record,
    calibrate_settings,
    csv_targets,
    duration_statistics,
    load_targets,
    share_sd,
    shipped,
    shipped_path,
    targets_from,
)
from sim.config.checks import ConfigError

DATA = Path(__file__).resolve().parents[2] / "data" / "uk_breakups.csv"
#: The columns of data/uk_breakups.csv.
HEADER = "arrangement,country,form,partners_at_start,start_year,end_year,sources"


def refusal(name_or_path: str | Path) -> list[str]:
    """The lines :func:`load_targets` refuses ``name_or_path`` with (it must refuse it)."""
    with pytest.raises(ConfigError) as err:
        load_targets(name_or_path)
    return err.value.problems


def test_the_shipped_targets_hold_exactly_the_rows_of_the_data_file_and_the_shares_they_give():
    targets = load_targets("uk_breakups")
    assert "uk_breakups" in shipped() and shipped_path().is_file()
    rows = list(csv.DictReader(DATA.open(encoding="utf-8")))
    assert [(r.name, r.start, r.end, r.form) for r in targets.records] == [
        (row["arrangement"], float(row["start_year"]), float(row["end_year"]), row["form"]) for row in rows
    ]
    expected = duration_statistics(targets.records, [(0, 2), (2, 4), (4, 6), (6, 8)], "breakup")
    assert [(s.name, s.years, s.observed, s.sd, s.computed) for s in targets.statistics] == [
        (e["name"], tuple(e["years"]), e["observed"], e["sd"], e["computed"]) for e in expected
    ]
    assert targets.event == "breakup" and targets.horizon_months / 12 >= max(r.years for r in targets.records)
    assert len(targets.parameters) == 20 and targets.window == (2009.0, 2025.0)
    built = load_targets(DATA)
    same = ("records", "statistics", "window", "event", "horizon_months", "discrepancy", "parameters")
    assert {name: getattr(built, name) for name in same} == {name: getattr(targets, name) for name in same}, "the CSV gives the shipped targets"
    assert built.path == str(DATA) and not built.shipped


def test_each_record_is_seen_only_over_the_durations_its_window_allows():
    targets = load_targets("uk_breakups")
    limits = targets.limits()
    for record, (lo, hi) in zip(targets.records, limits, strict=True):
        assert lo <= record.years <= hi
        assert hi == pytest.approx(min(2025.0 - record.start, targets.horizon_months / 12))


def test_a_bad_targets_file_gives_one_line_per_problem(tmp_path):
    raw = {
        "event": "exit",
        "horizon_months": 24,
        "window": [2020, 2010],
        "colour": "red",
        "records": [{"start": 2015, "end": 2012}, {"start": 2010, "end": 2014}],
        "statistics": [
            {"kind": "duration_share", "years": [0, 1], "observed": 1.5, "sd": 0.1},
            {"kind": "survival", "years": 2, "observed": 0.2, "sd": 0.1},
            {"kind": "breakup_by", "years": [1, 2], "observed": 0.2, "sd": 0.1},
        ],
    }
    with pytest.raises(ConfigError) as err:
        targets_from(raw)
    problems = err.value.problems
    expected = [
        "targets.colour is not a field",
        "targets.event = 'exit' is not known (allowed: breakup, collapse)",
        "targets.window = [2020, 2010] must run from an earlier to a later year",
        "records[0].end = 2012 is before its start 2015",
        "statistics[0].observed = 1.5 is outside [0, 1]",
        "statistics[1].kind = 'survival' is not known (allowed: duration_share, breakup_by)",
        "statistics[2].years = [1, 2] must be one number",
        "targets.horizon_months = 24 is shorter than the longest record",
    ]
    for line in expected:
        assert sum(line in p for p in problems) == 1, f"{line!r} not reported exactly once in {problems}"
    assert all("\n" not in p for p in problems)
    bad = tmp_path / "bad.yaml"
    bad.write_text("statistics: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_targets(bad)
    with pytest.raises(ConfigError, match="available: uk_breakups"):
        load_targets(tmp_path / "missing.yaml")


def test_observed_shares_must_agree_with_the_records():
    raw = {
        "records": [{"start": 2000, "end": 2001}, {"start": 2000, "end": 2005}],
        "statistics": [{"kind": "duration_share", "years": [0, 2], "observed": 0.4, "sd": 0.1}],
    }
    with pytest.raises(ConfigError, match=r"differs from the records' share 0.5000"):
        targets_from(raw)
    raw["statistics"][0]["observed"] = 0.5
    assert targets_from(raw).observed.tolist() == [0.5]


def test_duration_statistics_count_each_record_in_its_bin():
    records = [Record("a", 2000, 2001), Record("b", 2000, 2003.5), Record("c", 2000, 2003.9)]
    stats = duration_statistics(records, [(0, 2), (2, 4)], "breakup")
    assert [s["observed"] for s in stats] == [pytest.approx(1 / 3, abs=1e-6), pytest.approx(2 / 3, abs=1e-6)]
    assert stats[0]["sd"] == round(share_sd(1, 3), 6) and stats[0]["computed"].endswith("(1 of 3 records)")


def test_a_records_csv_gives_the_shipped_statistics_and_the_window_of_the_calendar_years_its_endings_fall_in(tmp_path):
    """sim-calibrate targets=my_record.csv was refused ('is a CSV table: targets files are read as YAML only'): a researcher
    with their own record of endings had to build the statistics, their sds and the records list by hand."""
    mine = tmp_path / "my_record.csv"
    mine.write_text(
        'Arrangement, Start year ,End-Year,notes\r\nAlpha,1998.5,1999.75,x\r\n\r\nBeta,1995,2001,\r\n"Gamma, Delta",1990,2003.2,y\r\n',
        encoding="utf-8-sig",  # as a spreadsheet saves 'CSV UTF-8': a byte-order mark, Windows line endings, its own capitals
    )
    targets = load_targets(mine)
    uk = load_targets("uk_breakups")
    assert [(r.name, r.start, r.end) for r in targets.records] == [("Alpha", 1998.5, 1999.75), ("Beta", 1995.0, 2001.0), ("Gamma, Delta", 1990.0, 2003.2)]
    assert targets.window == (1999.0, 2004.0), "from the start of the first ending's year to the end of the last's"
    assert [s.years for s in targets.statistics] == [s.years for s in uk.statistics]
    assert [s.observed for s in targets.statistics] == [pytest.approx(1 / 3, abs=1e-6), 0.0, 0.0, pytest.approx(1 / 3, abs=1e-6)]
    assert (targets.event, targets.horizon_months, targets.parameters, targets.discrepancy) == (uk.event, uk.horizon_months, uk.parameters, uk.discrepancy)
    assert targets.name == "my_record" and "1999-2004" in targets.notes
    assert targets_from(csv_targets(mine), str(mine)) == targets, "the mapping csv_targets gives is the targets file to write out and edit"


def test_a_bad_records_csv_gives_one_line_per_problem_naming_the_file_the_line_the_column_and_the_value(tmp_path):
    mine = tmp_path / "my_record.csv"
    rows = [
        "A,x,2010,2015.5",  # line 2 is right
        "B,y,20l0,2012",
        "C,z,2015,2012",
        "D,w,1990,2020",
        "E,v,,2019",
        'F,"shared, ICT",2010,2011',
        "G,u,2010,2011,extra",
        "H,t,1700,nan",
    ]
    mine.write_text("arrangement,form,start_year,end_year\n" + "\n".join(rows) + "\n", encoding="utf-8")
    at = f"targets = '{mine}' line"
    assert refusal(mine) == [
        f"{at} 3: start_year = '20l0' is not a number: give a decimal year in [1800, 2200], e.g. 2011.25",
        f"{at} 4: end_year = 2012 is before its start_year 2015",
        f"{at} 5: end_year - start_year = 30 years is beyond the horizon of 20 years (horizon_months 240, the shipped targets'): "
        "a record may last at most that long; for a longer one write a YAML targets file with a longer horizon_months",
        f"{at} 6: start_year is empty: each row needs start_year and end_year, a decimal year in [1800, 2200], e.g. 2011.25 "
        "(a records CSV lists arrangements that ended)",
        f"{at} 8: 5 values for the 4 columns of the header: a value holding a comma must be in double quotes",
        f"{at} 9: start_year = 1700 is outside [1800, 2200] (decimal years)",
        f"{at} 9: end_year = 'nan' is not a number: give a decimal year in [1800, 2200], e.g. 2011.25",
    ]


def test_a_records_csv_that_cannot_be_read_as_one_is_named_for_what_it_is(tmp_path):
    needs = (
        "a records CSV needs a header naming the columns start_year and end_year (decimal years; arrangement and form are read too) "
        "and a row per arrangement that ended"
    )
    files = {
        "empty.csv": b"\n\n",
        "header.csv": HEADER.encode() + b"\n",
        "columns.csv": b"arrangement,start,end_year\nA,2010,2012\n",
        "semicolons.csv": b"arrangement;start_year;end_year\nA;2010;2012\n",
        "latin1.csv": "arrangement,start_year,end_year\nCaf\u00e9,2010,2012\n".encode("latin-1"),
        "utf16.csv": "arrangement,start_year,end_year\nA,2010,2012\n".encode("utf-16"),
        "workbook.csv": b"PK\x03\x04\x14\x00\x06\x00",
        "quote.csv": b'arrangement,start_year,end_year\nA,2010,2012\n"B,2011,2013\n',
    }
    expected = {
        "empty.csv": f"is empty: {needs}, as data/uk_breakups.csv has",
        "header.csv": f"has a header but no rows: {needs}",
        "columns.csv": f": column start_year is missing (the header has: arrangement, start, end_year) (did you mean start?): {needs}",
        "semicolons.csv": ": its header 'arrangement;start_year;end_year' is one column, its names separated by ';': "
        "save the table with commas between values (CSV)",
        "latin1.csv": " cannot be read as a CSV text file: byte 0xe9 on line 2 is not UTF-8 (as Latin-1 or Windows-1252 text has it); save it as UTF-8 text",
        "utf16.csv": " cannot be read as a CSV text file: it is UTF-16 text (as Windows Notepad saves 'Unicode'); save it as UTF-8 text",
        "workbook.csv": " is a spreadsheet workbook (a zip file, as .xlsx and .ods are), not CSV text: save the sheet as CSV (UTF-8)",
        "quote.csv": " line 3: not valid CSV (unexpected end of data): a value's opening double quote is never closed",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        sep = "" if expected[name][0] in ":" else " "
        assert refusal(tmp_path / name) == [f"targets = '{tmp_path / name}'{sep}{expected[name].lstrip()}"], name
    table = tmp_path / "targets.csv"  # a table of statistics taken for a targets file: one line per column a record needs
    table.write_text("statistic,observed,sd\nearly,0.3,0.1\n", encoding="utf-8")
    has = "(the header has: statistic, observed, sd)"
    assert refusal(table) == [f"targets = '{table}': column {name} is missing {has}: {needs}" for name in ("start_year", "end_year")]


def test_calibrate_settings_defaults_and_one_line_per_bad_setting():
    settings = calibrate_settings({})
    assert isinstance(settings, CalibrateSettings) and settings.targets == "uk_breakups" and settings.replications == 500
    with pytest.raises(ConfigError) as err:
        calibrate_settings({"points": 3, "waves": 1.5, "cutoff": "x", "parameters": "decisions.memory", "targets": 4})
    assert len(err.value.problems) == 5
    assert "points = 3 is outside [10, 1000000]" in err.value.problems


def test_a_researchers_mistakes_in_a_copy_of_the_shipped_file_give_one_line_each_and_no_line_for_what_they_did_not_write(tmp_path):
    """A horizon beyond the model's run length also gave 'horizon_months = 120 is shorter than the longest record' (a value the
    user never wrote), a record without its end printed the whole record and four 'differs from the records' share' lines, a
    share written as 45 was not told it is a percentage, a missing observed or sd read '= None must be a number', and the
    file's parameters were checked (a parameter listed twice not at all) only once every other problem was mended."""
    import yaml

    raw = yaml.safe_load(shipped_path().read_text(encoding="utf-8"))
    raw["horizon_months"] = 1200
    del raw["records"][0]["end"]
    raw["statistics"][0]["observed"] = 45
    del raw["statistics"][1]["sd"]
    raw["parameters"] += ["decisions.memroy", "decisions.noise"]
    with pytest.raises(ConfigError) as err:
        targets_from(raw)
    assert err.value.problems == [
        "targets.horizon_months = 1200 must be a whole number in [12, 600] (the model's partnership.horizon_months)",
        "targets.parameters: 'decisions.memroy' is not an assumed parameter with a plausible range (did you mean decisions.memory?)",
        "targets.parameters: 'decisions.noise' is listed 2 times: list each parameter once",
        "records[0].end is missing: each record needs start and end (decimal years)",
        "statistics[0].observed = 45 is outside [0, 1] (a share from 0 to 1: 45% is 0.45)",
        "statistics[1].sd is missing: the observed share's standard deviation, a number in [1e-06, 1] (or give count and n, which set it)",
    ]


def test_an_empty_file_a_table_a_folder_or_a_binary_file_is_named_for_what_it_is(tmp_path):
    """An empty file read 'must be a mapping ..., got NoneType', a CSV 'got str', a folder 'neither ... nor a readable YAML
    file', and a Parquet file raised UnicodeDecodeError with a traceback."""
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    (tmp_path / "targets.tsv").write_text("statistic\tobserved\tsd\nearly\t0.3\t0.1\n", encoding="utf-8")
    (tmp_path / "targets.bin").write_bytes(b"PAR1\xff\xfe\x00\x81")
    (tmp_path / "folder").mkdir()
    expected = {
        "empty.yaml": "is empty: write your targets in the YAML format of the shipped sim/config/targets/uk_breakups.yaml",
        "targets.tsv": "is a TSV table: targets are read from a targets file in the YAML format of the shipped sim/config/targets/uk_breakups.yaml, "
        "or from a records CSV (as data/uk_breakups.csv): save the table as CSV",
        "targets.bin": "cannot be read as a YAML text file",
        "folder": "is a folder: give a targets file in the YAML format of the shipped sim/config/targets/uk_breakups.yaml",
    }
    for name, words in expected.items():
        problems = refusal(tmp_path / name)
        assert len(problems) == 1 and words in problems[0] and f"targets = '{tmp_path / name}'" in problems[0]


def test_a_file_saved_in_another_encoding_than_utf8_is_named_with_the_encoding_to_save_it_in_and_no_name_is_no_folder(tmp_path):
    """A targets file saved as Latin-1 or as UTF-16 ('Unicode' in Notepad) read 'cannot be read as a YAML text file (invalid
    continuation byte)', and targets= (nothing) read 'is a folder', the folder being the one the command ran in."""
    good = "name: mine\nhorizon_months: 120\nstatistics:\n  - {name: by5, kind: breakup_by, years: 5, observed: 0.2, sd: 0.05, computed: café}\n"
    (tmp_path / "latin1.yaml").write_bytes(good.encode("latin-1"))
    (tmp_path / "utf16.yaml").write_bytes(good.encode("utf-16"))
    (tmp_path / "bom_crlf.yaml").write_bytes(good.replace("\n", "\r\n").encode("utf-8-sig"))
    expected = {
        "latin1.yaml": "byte 0xe9 on line 4 is not UTF-8 (as Latin-1 or Windows-1252 text has it); save it as UTF-8 text",
        "utf16.yaml": "it is UTF-16 text (as Windows Notepad saves 'Unicode'); save it as UTF-8 text",
    }
    for name, words in expected.items():
        assert refusal(tmp_path / name) == [f"targets = '{tmp_path / name}' cannot be read as a YAML text file: {words}"]
    assert load_targets(tmp_path / "bom_crlf.yaml").statistics[0].computed == "café", "a byte-order mark and Windows line endings are read"
    assert refusal("") == [
        "targets = '' names no file: give a shipped targets set (uk_breakups) or the path of a targets file "
        "in the YAML format of the shipped sim/config/targets/uk_breakups.yaml"
    ]


def test_a_file_that_is_not_valid_yaml_is_named_with_the_line_and_column_and_what_was_wrong_there(tmp_path):
    """A statistic indented with a tab read 'not valid YAML (while scanning for the next token)', an unclosed brace
    '(while parsing a flow mapping)': neither said where, nor what was wrong."""
    head = "name: mine\nhorizon_months: 120\nstatistics:\n"
    (tmp_path / "tab.yaml").write_text(head + "\t- {name: by5, kind: breakup_by, years: 5, observed: 0.2, sd: 0.05}\n", encoding="utf-8")
    (tmp_path / "brace.yaml").write_text(head + "  - {name: by5, kind: breakup_by, years: 5, observed: 0.2, sd: 0.05\n", encoding="utf-8")
    expected = {
        "tab.yaml": "at line 4, column 1: found character '\\t' that cannot start any token (indent with spaces: YAML does not allow tabs)",
        "brace.yaml": "at line 5, column 1: expected ',' or '}', but got '<stream end>' (while parsing a flow mapping that starts at line 4, column 5)",
    }
    for name, words in expected.items():
        assert refusal(tmp_path / name) == [f"targets = '{tmp_path / name}': not valid YAML {words}"]


def test_an_empty_list_of_parameters_to_calibrate_is_called_empty():
    """sim-calibrate parameters=[] said the empty list 'must be a list of parameter paths'."""
    with pytest.raises(ConfigError) as err:
        calibrate_settings({"parameters": []})
    assert err.value.problems == ["parameters = [] is empty: give at least one parameter path, e.g. [decisions.memory], or leave parameters unset"]
    with pytest.raises(ConfigError, match=r"parameters = 'decisions.memory' must be a list of parameter paths"):
        calibrate_settings({"parameters": "decisions.memory"})


def test_a_users_targets_keep_the_absolute_path_of_their_file_and_are_not_taken_for_the_shipped_set(tmp_path, monkeypatch):
    copy = tmp_path / "uk_breakups.yaml"
    copy.write_text(shipped_path().read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    mine = load_targets("./uk_breakups.yaml")
    assert mine.path == str(copy) and not mine.shipped
    assert load_targets("uk_breakups").shipped


def test_a_statistic_given_as_a_count_of_records_gets_its_share_and_sd_and_a_bad_count_is_named():
    """A researcher with counts (3 of 17) had to work out the share and its binomial sd by hand: count and n were not fields."""
    good = targets_from({"statistics": [{"kind": "breakup_by", "years": 5, "count": 3, "n": 17}]}).statistics[0]
    assert (good.observed, good.sd, good.computed) == (3 / 17, pytest.approx(0.095989, abs=1e-6), "3 of 17 records")
    bad = [
        {"kind": "breakup_by", "years": 5, "count": 20, "n": 17},
        {"kind": "breakup_by", "years": 5, "count": -1, "n": 0},
        {"kind": "breakup_by", "years": 5, "count": 3},
        {"kind": "breakup_by", "years": 5, "count": 3, "n": 17, "observed": 0.45},
    ]
    with pytest.raises(ConfigError) as err:
        targets_from({"statistics": bad})
    assert err.value.problems == [
        "statistics[0].count = 20 is more than statistics[0].n = 17: a count is of the n records, so at most n",
        "statistics[1].n = 0 is outside [1, 1000000000]",
        "statistics[1].count = -1 is outside [0, 1000000000]",
        "statistics[2].n is missing: how many records the count is of, a whole number >= 1",
        "statistics[3].observed = 0.45 differs from count / n = 3 / 17 = 0.1765: give one or the other",
    ]


def test_shares_of_bins_that_do_not_overlap_adding_up_to_more_than_one_and_a_window_without_records_are_named():
    """A copy of the shipped file with other shares (0.5, 0.4, 0.3 of one set of break-ups) or with its records deleted but
    its window kept was accepted: the first cannot be observed, the second's window did nothing."""
    stats = [
        {"name": name, "kind": "duration_share", "years": years, "observed": observed, "sd": 0.1}
        for name, years, observed in (("early", [0, 3], 0.5), ("mid", [3, 7], 0.4), ("late", [7, 12], 0.3))
    ]
    with pytest.raises(ConfigError) as err:
        targets_from({"horizon_months": 180, "window": [2009, 2025], "statistics": stats})
    assert err.value.problems == [
        "statistics: the observed duration_share values add up to 1.2 (early 0.5, mid 0.4, late 0.3): "
        "shares of one set of endings, in bins that do not overlap, add up to at most 1",
        "targets.window = [2009.0, 2025.0] needs records (each record's start sets the durations it could have had and "
        "still been seen): add records, or remove the window",
    ]
    stats[1]["years"] = [2, 7]  # bins that overlap may add up to more than 1
    assert len(targets_from({"horizon_months": 180, "statistics": stats}).statistics) == 3
