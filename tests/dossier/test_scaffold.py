"""`init` and `new`: commented files that name every blank, and validate once the blanks are filled."""

from __future__ import annotations

import re
import typing
import unicodedata
from pathlib import Path

import pytest
from pydantic import BaseModel
from helpers import assert_english
from scaffold_fill import fill, fill_submission, uncomment

from dhtt_docs.exceptions import DhttError
from dhtt_docs.findings import Severity
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.rules.engine import evaluate
from dhtt_docs.dossier.scaffold import check_id, assumed_plan, choose_plan, init_round, new_candidate, slugify, template_text
from dhtt_docs.exceptions import UsageProblem
from dhtt_docs.rules.profile import plans_dir
from dhtt_docs.dossier.schema import Collective, Individual, Submission

INDIVIDUAL_VALUES = [
    ("full_name", "Nguyễn Thị Thu Trang"),
    ("gender", "Nữ"),
    ("birth_date", "1988-03-14"),
    ("hometown", "xã Hoằng Đạo, huyện Hoằng Hóa, tỉnh Thanh Hóa"),
    ("unit", "Phòng Chế độ bảo hiểm xã hội, Bảo hiểm xã hội tỉnh Quảng Trị"),
    ("position", "Chuyên viên"),
    ("duties", "Giải quyết hồ sơ hưởng chế độ hưu trí."),
    ("achievements", "Giải quyết đúng hạn 100% hồ sơ.\n- Không để xảy ra sai sót."),
]

COLLECTIVE_VALUES = [
    ("name", "Phòng Quản lý thu"),
    ("parent", "Bảo hiểm xã hội tỉnh Quảng Trị"),
    ("name", "Lê Văn Hùng"),
    ("title", "Trưởng phòng"),
    ("situation", "Phòng có 18 công chức."),
    ("functions", "Tham mưu công tác thu."),
    ("achievements", "Hoàn thành vượt mức kế hoạch thu."),
]


def _errors(report):
    return [f for f in report.all_findings() if f.severity is Severity.ERROR]


def _round(tmp_path: Path) -> Path:
    folder = tmp_path / "bhxh-quang-tri-2024"
    init_round(folder, 2024)
    new_candidate("individual", "nguyen-thi-thu-trang", folder)
    new_candidate("collective", "phong-quan-ly-thu", folder)
    return folder


def _fill_candidates(folder: Path, *, examples: bool) -> None:
    ind = folder / "candidates" / "nguyen-thi-thu-trang.yaml"
    text = fill(ind.read_text(encoding="utf-8"), INDIVIDUAL_VALUES)
    keys = ["ratings", "initiatives", "activities", "emulation_titles", "awards", "discipline"] if examples \
        else ["awards"]
    for key in keys:
        text = uncomment(text, key, drop=("attachment:",))
    ind.write_text(text, encoding="utf-8")
    coll = folder / "candidates" / "phong-quan-ly-thu.yaml"
    text = fill(coll.read_text(encoding="utf-8"), COLLECTIVE_VALUES)
    keys = ["targets", "initiatives", "emulation_titles", "awards", "staff_discipline"] if examples else ["awards"]
    for key in keys:
        text = uncomment(text, key, drop=("attachment:",))
    coll.write_text(text, encoding="utf-8")


# --- init ------------------------------------------------------------------------


def test_init_creates_the_round_layout(tmp_path):
    folder = tmp_path / "dossiers" / "bhxh-quang-tri-2024"
    created = init_round(folder, 2024)
    assert created == [folder, folder / "submission.yaml", folder / "candidates", folder / "attachments",
                       folder / "attachments" / "README.txt"]
    assert (folder / "candidates").is_dir() and not any((folder / "candidates").iterdir())
    readme = (folder / "attachments" / "README.txt").read_text(encoding="utf-8")
    assert "PDF" in readme and "attachment:" in readme
    text = (folder / "submission.yaml").read_text(encoding="utf-8")
    assert re.search(r"^year: 2024 ", text, re.M)
    assert "{{" not in text
    assert unicodedata.is_normalized("NFC", text)


def test_init_in_an_existing_empty_folder_keeps_it(tmp_path):
    (tmp_path / "candidates").mkdir()
    created = init_round(tmp_path, 2025)
    assert created == [tmp_path / "submission.yaml", tmp_path / "attachments",
                       tmp_path / "attachments" / "README.txt"]


def test_init_refuses_a_folder_that_has_a_submission(tmp_path, lang):
    init_round(tmp_path, 2024)
    (tmp_path / "submission.yaml").write_text("year: 2024\n", encoding="utf-8")
    with pytest.raises(DhttError) as exc:
        init_round(tmp_path, 2024)
    if lang == "vi":
        assert "submission.yaml" in exc.value.message and "đã có" in exc.value.message
    else:
        assert_english(exc.value.message, "already has a submission.yaml", "Choose a new folder",
                       "`dhtt-docs init bhxh-ten-tinh-2024`", "`dhtt-docs new`")
    assert (tmp_path / "submission.yaml").read_text(encoding="utf-8") == "year: 2024\n"


@pytest.mark.parametrize("year", [24, 3000, "2024", True])
def test_init_refuses_a_bad_year(tmp_path, year, lang):
    with pytest.raises(DhttError, match="Năm xét" if lang == "vi" else "The round year") as exc:
        init_round(tmp_path / "r", year)
    assert not (tmp_path / "r").exists()
    if lang == "en":
        assert_english(exc.value.message, f"The round year '{year}' is not plausible", "4-digit year")


# --- the templates: every field, every field commented ----------------------------------


def _model_fields(model: type[BaseModel]) -> set[str]:
    """Every field name of a model and of the models inside it."""
    out = set()
    for name, f in model.model_fields.items():
        out.add(name)
        for inner in _models_in(f.annotation):
            out |= _model_fields(inner)
    return out


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


@pytest.mark.parametrize("name, model", [("submission.yaml", Submission), ("individual.yaml", Individual),
                                         ("collective.yaml", Collective)])
def test_templates_carry_every_field_of_the_schema(name, model):
    text = template_text(name)
    keys = set(re.findall(r"^\s*(?:#\s*)?(?:-\s+)?([a-z_]+):", text, re.M))
    keys |= set(re.findall(r"[{,]\s*([a-z_]+):", text))          # inside {number: ..., date: ...}
    assert _model_fields(model) - keys == set()


@pytest.mark.parametrize("name", ["submission.yaml", "individual.yaml", "collective.yaml"])
def test_every_field_line_has_a_vietnamese_comment(name):
    text = template_text(name)
    field_lines = [ln for ln in text.splitlines()
                   if re.match(r"^\s*(-\s+)?[a-z_]+:", ln)]            # live fields (not the examples)
    assert field_lines
    for ln in field_lines:
        assert " # " in ln, f"no comment: {ln!r}"
        comment = ln.split(" # ", 1)[1]
        assert len(comment) > 8 and re.search(r"[à-ỹĐđ]", comment), ln


def test_example_lines_carry_comments_too():
    for name in ("individual.yaml", "collective.yaml"):
        examples = [ln for ln in template_text(name).splitlines()
                    if re.match(r"^\s+#\s+(-\s+)?[a-z_]+:", ln)]
        assert examples
        assert all(ln.count("#") >= 2 for ln in examples if "recognition" in ln or "decision" in ln)


# --- validate on a fresh scaffold, then on a filled one ----------------------------------


def test_a_fresh_scaffold_names_each_blank_by_key(tmp_path):
    folder = _round(tmp_path)
    report = evaluate(load_round(folder))          # no exception
    errors = _errors(report)
    by_file: dict[str, set[str]] = {}
    for f in errors:
        assert f.file and f.line and f.key, f
        assert f.text() and re.search(r"[à-ỹĐđ]", f.text())
        by_file.setdefault(f.file, set()).add(f.key)
    assert by_file["submission.yaml"] == {
        "unit.name", "unit.place", "unit.head.name", "unit.head.title", "council.name", "council.meeting.start",
        "council.meeting.location", "council.chair.name", "council.chair.title", "council.secretary.name",
        "council.secretary.title", "council.members[0].name", "council.members[0].title",
        "council.ballots.issued", "council.ballots.returned", "council.ballots.valid", "council.votes",
        "submission.date"}
    assert by_file["candidates/nguyen-thi-thu-trang.yaml"] == {
        "full_name", "gender", "birth_date", "hometown", "unit", "position", "duties", "achievements"}
    assert by_file["candidates/phong-quan-ly-thu.yaml"] == {
        "name", "parent", "head.name", "head.title", "situation", "functions", "achievements"}
    # The line is the blank's own line.
    text = (folder / "submission.yaml").read_text(encoding="utf-8").splitlines()
    start = next(f for f in errors if f.key == "council.meeting.start")
    assert text[start.line - 1].lstrip().startswith("start:")


def test_filling_the_blanks_validates_without_error(tmp_path):
    folder = _round(tmp_path)
    fill_submission(folder, {"nguyen-thi-thu-trang": 1, "phong-quan-ly-thu": 1})
    _fill_candidates(folder, examples=False)
    report = evaluate(load_round(folder))
    assert _errors(report) == []
    assert report.ok
    ind = report.round.candidate("nguyen-thi-thu-trang").model
    assert ind.full_name == "Nguyễn Thị Thu Trang" and ind.gender == "Nữ" and not ind.leader
    assert ind.achievements == "Giải quyết đúng hạn 100% hồ sơ.\n- Không để xảy ra sai sót."
    assert ind.ethnicity is None and ind.ratings == {} and ind.discipline == []
    sub = report.round.submission
    assert sub.plan == "1935/KH-BHXH" and sub.year == 2024 and sub.unit.code == "BHXH"
    assert sub.unit.signer is None and sub.submission.number is None and sub.submission.legal_basis == []
    assert sub.submission.to == ["Giám đốc Bảo hiểm xã hội Việt Nam"]
    assert all(v.eligible and v.approved for v in report.verdicts)


def test_the_commented_examples_are_valid_too(tmp_path):
    folder = _round(tmp_path)
    fill_submission(folder, {"nguyen-thi-thu-trang": 1, "phong-quan-ly-thu": 1})
    _fill_candidates(folder, examples=True)
    sub = folder / "submission.yaml"
    text = sub.read_text(encoding="utf-8")
    for key in ("signer", "legal_basis", "copies_to"):
        text = uncomment(text, key)
    sub.write_text(text, encoding="utf-8")
    report = evaluate(load_round(folder))
    assert _errors(report) == []
    ind = report.round.candidate("nguyen-thi-thu-trang").model
    assert set(ind.ratings) == {2022, 2023} and len(ind.initiatives) == 1 and len(ind.discipline) == 1
    coll = report.round.candidate("phong-quan-ly-thu").model
    assert len(coll.targets) == 1 and coll.staff_discipline[0].form == "khiển trách"
    assert report.round.submission.unit.signer.prefix == "KT."


# --- new -------------------------------------------------------------------------


@pytest.mark.parametrize("kind, expected", [("individual", "individual"), ("cá nhân", "individual"),
                                            (unicodedata.normalize("NFD", "Tập thể"), "collective"),
                                            ("COLLECTIVE", "collective")])
def test_new_accepts_english_and_vietnamese_kinds(tmp_path, kind, expected):
    init_round(tmp_path, 2024)
    path = new_candidate(kind, "ho-so-1", tmp_path)
    assert path == tmp_path / "candidates" / "ho-so-1.yaml"
    text = path.read_text(encoding="utf-8")
    assert re.search(rf"^kind: {expected} ", text, re.M)
    assert "ho-so-1" in text.splitlines()[0]


def test_new_refuses_a_bad_kind(tmp_path, lang):
    init_round(tmp_path, 2024)
    with pytest.raises(DhttError) as exc:
        new_candidate("người", "an", tmp_path)
    if lang == "vi":
        assert re.search("individual .cá nhân. hoặc collective .tập thể.", exc.value.message)
    else:
        assert_english(exc.value.message, "is not valid", "write individual or collective")


@pytest.mark.parametrize("cid, suggestion", [("Nguyễn Văn An", "nguyen-van-an"),
                                             ("Phòng_Quản_lý_thu", "phong-quan-ly-thu"), ("an.", "an"), ("-", None)])
def test_new_refuses_a_bad_id_and_suggests_a_slug(tmp_path, cid, suggestion, lang):
    init_round(tmp_path, 2024)
    with pytest.raises(DhttError) as exc:
        new_candidate("individual", cid, tmp_path)
    msg = exc.value.message
    if lang == "vi":
        assert "chữ thường không dấu" in msg
    else:
        assert_english(msg, "cannot be used")
    if suggestion:
        assert suggestion in msg
        if lang == "en":
            assert_english(msg, f"Use, for example: {suggestion}")
    assert not any((tmp_path / "candidates").iterdir())


def test_new_takes_a_file_name_as_the_id():
    assert check_id("nguyen-van-an.yaml") == "nguyen-van-an"
    assert slugify("Đặng Thị Thu Hà") == "dang-thi-thu-ha"


def test_new_refuses_to_overwrite(tmp_path, lang):
    init_round(tmp_path, 2024)
    path = new_candidate("individual", "an", tmp_path)
    path.write_text("kind: individual\nfull_name: Nguyễn Văn An\n", encoding="utf-8")
    with pytest.raises(DhttError) as exc:
        new_candidate("collective", "an", tmp_path)
    if lang == "vi":
        assert "không ghi đè" in exc.value.message
    else:
        assert_english(exc.value.message, "already exists", "for example an-2")
    (tmp_path / "candidates" / "binh.yml").write_text("kind: individual\n", encoding="utf-8")
    with pytest.raises(DhttError, match="binh.yml"):
        new_candidate("individual", "binh", tmp_path)
    assert path.read_text(encoding="utf-8") == "kind: individual\nfull_name: Nguyễn Văn An\n"


def test_new_given_the_candidates_folder_writes_into_it(tmp_path):
    init_round(tmp_path, 2024)
    path = new_candidate("individual", "an", tmp_path / "candidates")
    assert path == tmp_path / "candidates" / "an.yaml"


def test_new_without_a_round_folder_says_to_init(tmp_path, lang):
    with pytest.raises(DhttError, match="dhtt-docs init") as exc:
        new_candidate("individual", "an", tmp_path / "missing")
    if lang == "en":
        assert_english(exc.value.message, "was not found", "--in <folder>")


# --- the plan and the year of a new round; commands used wrongly exit 2 -----------------


def _cli(*args):
    from click.testing import CliRunner

    from dhtt_docs.cli import cli
    return CliRunner().invoke(cli, [str(a) for a in args])


def _user_plan(folder: Path) -> Path:
    text = (plans_dir() / "1935-KH-BHXH.yaml").read_text(encoding="utf-8")
    text = text.replace("id: 1935/KH-BHXH", "id: 88/KH-BHXH", 1).replace(
        "window: {first_year: 2021, last_year: 2025", "window: {first_year: 2026, last_year: 2030")
    text = re.sub(r"^title: .*$", "title: Kế hoạch giai đoạn 2026 - 2030", text, count=1, flags=re.M)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ke hoach 2026.yaml").write_text(text, encoding="utf-8")
    return folder / "ke hoach 2026.yaml"


def test_choose_plan_year_defaults_to_the_plans_period():
    assert choose_plan(None, None, 2024)[0].id == "1935/KH-BHXH"
    assert choose_plan(None, None, 2024)[1] == 2024
    assert choose_plan("1935/KH-BHXH", None, 2026)[1] == 2025        # the clock after the period: its last year
    assert choose_plan("1935/KH-BHXH", None, 2019)[1] == 2021
    assert choose_plan(None, 2022, 2031)[1] == 2022
    # the clock outside every shipped plan, nothing given: the newest plan and its nearest year, said aloud
    profile, year = choose_plan(None, None, 2031)
    assert (profile.id, year) == ("1935/KH-BHXH", 2025)
    note = assumed_plan(None, None, 2031, profile)
    assert "2031" in note and "--plan" in note and "--year" in note
    assert assumed_plan(None, 2025, 2031, profile) is None and assumed_plan(None, None, 2024, profile) is None
    with pytest.raises(UsageProblem, match="--plan"):
        choose_plan(None, 2031, 2024)


def test_init_with_a_users_plan_file_writes_its_path_from_the_round(tmp_path):
    plan = _user_plan(tmp_path / "plans")
    folder = tmp_path / "round"
    result = _cli("init", folder, "--plan", plan, "--year", "2027")
    assert result.exit_code == 0, result.output
    text = (folder / "submission.yaml").read_text(encoding="utf-8")
    assert re.search(r'^plan: "\.\./plans/ke hoach 2026\.yaml" ', text, re.M)
    assert re.search(r"^year: 2027 ", text, re.M)
    assert "1935" not in text and "Tổng Giám đốc" not in text and "2021 - 2025" not in text
    import yaml
    assert yaml.safe_load(text)["plan"] == "../plans/ke hoach 2026.yaml"
    assert "88/KH-BHXH" in result.output and "--plan '" in result.output


def test_init_names_the_shipped_plan_it_chose(tmp_path):
    result = _cli("init", tmp_path / "r", "--year", "2023")
    assert result.exit_code == 0
    text = (tmp_path / "r" / "submission.yaml").read_text(encoding="utf-8")
    assert re.search(r"^plan: 1935/KH-BHXH ", text, re.M) and "Năm xét 2023, theo kế hoạch 1935/KH-BHXH" in result.output


def test_init_on_an_existing_round_and_new_outside_a_round_exit_2(tmp_path):
    assert _cli("init", tmp_path / "r", "--year", "2024").exit_code == 0
    again = _cli("init", tmp_path / "r", "--year", "2024")
    assert again.exit_code == 2 and "submission.yaml" in again.output
    (tmp_path / "plain").mkdir()
    outside = _cli("new", "individual", "an", "--in", tmp_path / "plain")
    assert outside.exit_code == 2 and "dhtt-docs init" in outside.output
    assert not (tmp_path / "plain" / "candidates").exists()
    unknown = _cli("init", tmp_path / "s", "--plan", "9999/KH-XYZ")
    assert unknown.exit_code == 2 and not (tmp_path / "s").exists()

