"""The commands' own help (docstrings, option `help=`) in English with `--lang en`.

The help is written once, in Vietnamese, where each command is defined; this
catalogue maps each text, as click cleans it (`inspect.cleandoc`), to its
English. `clicktext.install()` makes click look a text up here each time it
renders help in English, so the language is the one chosen for this run, not
the one of the first help built in the process. A text missing here is shown
in Vietnamese (never a crash): tests/cli/test_help_english.py checks that
every command's English help has no Vietnamese left outside its example
command lines.

In a docstring, the example command lines stay exactly as they are and
"Ví dụ:" becomes "Examples:".
"""

from __future__ import annotations

from inspect import cleandoc as _doc

from dhtt_docs.cli.options import LANG_HELP

EN: dict[str, str] = {
    # -- the main group (app.py)
    _doc("""
        Lập hồ sơ điển hình tiên tiến theo bộ tiêu chí của kế hoạch, từ các tệp YAML.

        \b
        Ví dụ:
          dhtt-docs validate samples/bhxh-thanh-hoa-2024
          dhtt-docs build samples/bhxh-thanh-hoa-2024 -o out
        """): _doc("""
        Prepare the nomination dossier for the "advanced model" (exemplary) award under the criteria of a plan,
        from YAML files.

        \b
        Examples:
          dhtt-docs validate samples/bhxh-thanh-hoa-2024
          dhtt-docs build samples/bhxh-thanh-hoa-2024 -o out
        """),
    "Hiện chi tiết lỗi (traceback), cho người bảo trì.":
        "Show the full error details (traceback), for the maintainers.",
    LANG_HELP: "Language of messages: vi (Vietnamese, the default) or en (English).",

    # -- validate
    _doc("""
        Kiểm tra hồ sơ một đợt xét theo tiêu chí của kế hoạch.

        \b
        Ví dụ:
          dhtt-docs validate dossiers/bhxh-thanh-hoa-2024
          dhtt-docs validate . --format json > ket-qua.json
        """): _doc("""
        Check a round's dossier against the criteria of its plan.

        \b
        Examples:
          dhtt-docs validate dossiers/bhxh-thanh-hoa-2024
          dhtt-docs validate . --format json > ket-qua.json
        """),
    "text: để đọc; json: cho chương trình khác.": "text: for people to read; json: for other programs.",

    # -- build
    _doc("""
        Lập Tờ trình, Danh sách, Biên bản, Báo cáo thành tích (DOCX, PDF) và hồ sơ gộp.

        \b
        Ví dụ:
          dhtt-docs build dossiers/bhxh-thanh-hoa-2024
          dhtt-docs build . -o ket-qua --no-pdf
          dhtt-docs build . --duplex --pdfa
        """): _doc("""
        Make the documents (the proposal, the list of candidates, the meeting minutes, the achievement reports),
        as DOCX and PDF, and the combined dossier.

        \b
        Examples:
          dhtt-docs build dossiers/bhxh-thanh-hoa-2024
          dhtt-docs build . -o ket-qua --no-pdf
          dhtt-docs build . --duplex --pdfa
        """),
    "Thư mục kết quả (mặc định: FOLDER/build).": "Folder for the results (default: FOLDER/build).",
    "Lập cả PDF và tệp hồ sơ gộp (cần LibreOffice); --no-pdf: chỉ DOCX.":
        "Also make the PDFs and the combined dossier file (needs LibreOffice); --no-pdf: DOCX only.",
    "PDF/A-2b để lưu trữ lâu dài.": "Make PDF/A-2b files, for long-term archiving.",
    "In hai mặt: thêm trang trắng để mỗi văn bản bắt đầu ở mặt trước.":
        "Two-sided printing: add blank pages so that each document starts on the front of a sheet.",
    "Số tiến trình LibreOffice chạy song song (mặc định: số CPU).":
        "How many LibreOffice processes run at the same time (default: the number of CPUs).",
    "Vẫn lập văn bản khi hồ sơ còn lỗi; mọi trang mang dấu DỰ THẢO.":
        "Make the documents even though the dossier still has errors; every page is then stamped as a draft.",
    "Thư mục mẫu văn bản tự sửa (xem `dhtt-docs templates export`).":
        "Folder of your own edited document templates (see `dhtt-docs templates export`).",
    "Cách chuyển PDF: warm (giữ sẵn LibreOffice và tiến trình lập văn bản giữa các lần chạy, cho lần lập lại sau khi sửa) hoặc máy chủ unoserver://host:port[,host:port...].":
        "How to convert to PDF: warm (LibreOffice and the build process kept running between commands, for rebuilds after an edit) or unoserver servers: unoserver://host:port[,host:port...].",
    "Thời gian tối đa (giây) để chuyển một văn bản sang PDF.":
        "The longest time (in seconds) allowed to convert one document to PDF.",
    "Dùng lại văn bản đã lập khi dữ liệu của nó không đổi.":
        "Reuse a document already made when its data has not changed.",
    "Thư mục bộ nhớ đệm (mặc định: FOLDER/.dhtt-cache).": "Folder for the cache (default: FOLDER/.dhtt-cache).",

    # -- verify
    _doc("""
        Kiểm tra một hồ sơ lưu trữ (.zip BagIt): đủ tệp, không tệp nào bị sửa; hoặc chữ ký số của một tệp PDF.

        \b
        Ví dụ:
          dhtt-docs verify build/bundle/bhxh-thanh-hoa-2024.zip
          dhtt-docs verify build/signed/to-trinh.pdf --trust goc.pem
        """): _doc("""
        Check an archive (a BagIt .zip): every file is there and none has been altered; or check the digital
        signatures of a PDF file.

        \b
        Examples:
          dhtt-docs verify build/bundle/bhxh-thanh-hoa-2024.zip
          dhtt-docs verify build/signed/to-trinh.pdf --trust goc.pem
        """),
    "Chứng thư gốc (PEM) để kiểm tra chữ ký số có tin cậy không.":
        "Root certificate (PEM) used to check whether the digital signatures can be trusted.",

    # -- doctor
    _doc("""
        Kiểm tra máy: LibreOffice, phông chữ thay Times New Roman, tiếng Việt.

        \b
        Ví dụ:
          dhtt-docs doctor
        """): _doc("""
        Check this computer: LibreOffice, the font used in place of Times New Roman, Vietnamese letters.

        \b
        Examples:
          dhtt-docs doctor
        """),

    # -- templates
    "Mẫu văn bản (.docx) để sửa lời văn, rồi lập văn bản với --templates.":
        "Document templates (.docx): edit their wording, then make the documents with --templates.",
    _doc("""
        Chép các mẫu có sẵn ra thư mục DEST để sửa bằng Word hoặc LibreOffice.

        \b
        Ví dụ:
          dhtt-docs templates export mau-cua-toi
          (sửa các tệp .docx trong mau-cua-toi, rồi)
          dhtt-docs build dossiers/bhxh-thanh-hoa-2024 --templates mau-cua-toi
        """): _doc("""
        Copy the built-in templates into the folder DEST, to edit them with Word or LibreOffice.

        \b
        Examples:
          dhtt-docs templates export mau-cua-toi
          (edit the .docx files in mau-cua-toi, then)
          dhtt-docs build dossiers/bhxh-thanh-hoa-2024 --templates mau-cua-toi
        """),
    "Ghi đè các tệp mẫu đã có trong DEST.": "Overwrite the template files already in DEST.",
    _doc("""
        Kiểm tra các mẫu đã sửa (thẻ hỏng, biến không có) trước khi lập văn bản.

        \b
        Ví dụ:
          dhtt-docs templates check mau-cua-toi
        """): _doc("""
        Check edited templates (broken tags, unknown variables) before making the documents with them.

        \b
        Examples:
          dhtt-docs templates check mau-cua-toi
        """),

    # -- init
    _doc("""
        Tạo thư mục một đợt xét mới: submission.yaml có chú thích, candidates/, attachments/.

        \b
        Ví dụ:
          dhtt-docs init dossiers/bhxh-thanh-hoa-2025
          dhtt-docs init bhxh-quang-binh-2024 --year 2024
          dhtt-docs init bhxh-nghe-an-2027 --plan ../ke-hoach/ke-hoach-2026-2030.yaml
        """): _doc("""
        Create the folder of a new round: submission.yaml with explanations, candidates/, attachments/.

        \b
        Examples:
          dhtt-docs init dossiers/bhxh-thanh-hoa-2025
          dhtt-docs init bhxh-quang-binh-2024 --year 2024
          dhtt-docs init bhxh-nghe-an-2027 --plan ../ke-hoach/ke-hoach-2026-2030.yaml
        """),
    "Năm xét (mặc định: năm nay nếu thuộc giai đoạn của kế hoạch).":
        "Year of the round (default: this year, if it falls within the plan's period).",
    ("Kế hoạch áp dụng: số hiệu một kế hoạch có sẵn, hoặc đường dẫn tới tệp kế hoạch .yaml "
     "(mặc định: kế hoạch có sẵn mới nhất gồm năm xét)."):
        ("The plan to follow: the number of a built-in plan, or the path of a plan file (.yaml) "
         "(default: the newest built-in plan whose period includes the round's year)."),

    # -- new
    _doc("""
        Thêm hồ sơ một ứng viên (tệp candidates/ID.yaml có chú thích từng trường).

        ID: chữ thường không dấu, số và '-', ví dụ nguyen-van-an.

        \b
        Ví dụ:
          dhtt-docs new individual nguyen-van-an --in dossiers/bhxh-thanh-hoa-2025
          dhtt-docs new collective phong-quan-ly-thu
        """): _doc("""
        Add a candidate's record (the file candidates/ID.yaml, with an explanation of each field).

        ID: lower-case letters without accents, digits and '-', for example nguyen-van-an.

        \b
        Examples:
          dhtt-docs new individual nguyen-van-an --in dossiers/bhxh-thanh-hoa-2025
          dhtt-docs new collective phong-quan-ly-thu
        """),
    "Thư mục đợt xét.": "The round's folder.",

    # -- xlsx
    "Nhập danh sách ứng viên từ Excel.": "Import the list of candidates from Excel.",
    _doc("""
        Tạo tệp Excel mẫu (các sheet Cá nhân, Tập thể, Khen thưởng..., có danh mục chọn sẵn).

        Cột xếp loại từng năm và danh mục khen thưởng theo kế hoạch áp dụng.

        \b
        Ví dụ:
          dhtt-docs xlsx template danh-sach-2025.xlsx
          dhtt-docs xlsx template danh-sach.xlsx --plan ../ke-hoach/ke-hoach-2026-2030.yaml
        """): _doc("""
        Create a blank Excel workbook to fill in (sheets for individuals, collectives, awards..., with drop-down
        lists).

        The columns for each year's rating and the list of awards follow the plan that applies.

        \b
        Examples:
          dhtt-docs xlsx template danh-sach-2025.xlsx
          dhtt-docs xlsx template danh-sach.xlsx --plan ../ke-hoach/ke-hoach-2026-2030.yaml
        """),
    ("Kế hoạch áp dụng: số hiệu một kế hoạch có sẵn, hoặc đường dẫn tới tệp kế hoạch .yaml "
     "(mặc định: kế hoạch của đợt xét chứa tệp, hoặc kế hoạch có sẵn mới nhất gồm năm xét)."):
        ("The plan to follow: the number of a built-in plan, or the path of a plan file (.yaml) "
         "(default: the plan of the round whose folder holds FILE, or else the newest built-in plan whose "
         "period includes the round's year)."),
    "Năm xét, để chọn kế hoạch khi không có --plan (mặc định: năm nay).":
        "Year of the round, used to choose the plan when --plan is not given (default: this year).",
    "Ghi đè tệp đã có.": "Overwrite the file if it already exists.",
    _doc("""
        Chuyển tệp Excel đã điền thành hồ sơ ứng viên (candidates/*.yaml).

        Có lỗi ở ô nào thì không ghi tệp nào; mỗi lỗi ghi rõ sheet, dòng, cột.

        \b
        Ví dụ:
          dhtt-docs xlsx import danh-sach-2025.xlsx dossiers/bhxh-thanh-hoa-2025
        """): _doc("""
        Turn a filled-in Excel workbook into candidate records (candidates/*.yaml).

        If any cell has an error, no file is written; each error names its sheet, row and column.

        \b
        Examples:
          dhtt-docs xlsx import danh-sach-2025.xlsx dossiers/bhxh-thanh-hoa-2025
        """),
    "Ghi đè hồ sơ ứng viên đã có cùng mã.": "Overwrite the candidate records that already exist with the same ID.",

    # -- status
    _doc("""
        Một bảng cho cả đợt xét: kết quả, số phiếu, văn bản đã lập (mới hay cũ), đính kèm.

        \b
        Ví dụ:
          dhtt-docs status dossiers/bhxh-thanh-hoa-2024
        """): _doc("""
        One table for the whole round: results, votes, the documents made (up to date or out of date),
        attachments.

        \b
        Examples:
          dhtt-docs status dossiers/bhxh-thanh-hoa-2024
        """),
    "Thư mục kết quả của lệnh build (mặc định: FOLDER/build).":
        "Folder of the results of the build command (default: FOLDER/build).",
    "Thư mục mẫu đã dùng khi build, nếu có.": "Folder of the templates used by build, if any.",

    # -- plan
    _doc("""
        Bộ tiêu chí của kế hoạch: xem, sao một bộ để sửa, kiểm tra tệp tự viết.

        \b
        Ví dụ:
          dhtt-docs plan list
          dhtt-docs plan new ke-hoach/2100-KH-BHXH.yaml --from 1935/KH-BHXH
          dhtt-docs plan check ke-hoach/2100-KH-BHXH.yaml
        """): _doc("""
        The criteria of the plans: list them, copy a set to edit, check a file you wrote.

        \b
        Examples:
          dhtt-docs plan list
          dhtt-docs plan new ke-hoach/2100-KH-BHXH.yaml --from 1935/KH-BHXH
          dhtt-docs plan check ke-hoach/2100-KH-BHXH.yaml
        """),
    "Các bộ tiêu chí có sẵn (số kế hoạch, giai đoạn, tên).":
        "The built-in sets of criteria (plan number, period, title).",
    _doc("""
        Sao một bộ tiêu chí (có chú thích từng khóa) ra FILE để sửa cho kế hoạch của đơn vị.

        \b
        Ví dụ:
          dhtt-docs plan new ke-hoach/2100-KH-BHXH.yaml
          (sửa tệp, rồi)
          dhtt-docs plan check ke-hoach/2100-KH-BHXH.yaml
        """): _doc("""
        Copy a set of criteria (with an explanation of each key) to FILE, to edit it for your organisation's plan.

        \b
        Examples:
          dhtt-docs plan new ke-hoach/2100-KH-BHXH.yaml
          (edit the file, then)
          dhtt-docs plan check ke-hoach/2100-KH-BHXH.yaml
        """),
    "Bộ tiêu chí để sao (số kế hoạch có sẵn hoặc một tệp); mặc định: kế hoạch có sẵn mới nhất.":
        "The set of criteria to copy (the number of a built-in plan, or a file); default: the newest built-in plan.",
    "Ghi đè FILE nếu đã có.": "Overwrite FILE if it already exists.",
    _doc("""
        Kiểm tra một tệp bộ tiêu chí: mọi lỗi, theo dòng và khóa.

        \b
        Ví dụ:
          dhtt-docs plan check ke-hoach/2100-KH-BHXH.yaml
        """): _doc("""
        Check a file of criteria: every error, with its line and key.

        \b
        Examples:
          dhtt-docs plan check ke-hoach/2100-KH-BHXH.yaml
        """),

    # -- serve
    _doc("""
        Mở đợt xét (hoặc thư mục nhiều đợt) trong trình duyệt: điền, kiểm tra ngay, xem trước, lập hồ sơ.

        \b
        Ví dụ:
          dhtt-docs serve dossiers/bhxh-thanh-hoa-2024 --open
          dhtt-docs serve dossiers --host 0.0.0.0 --password-file mat-khau.txt
        """): _doc("""
        Open the round (or a folder of several rounds) in a web browser: fill it in, check it as you go,
        preview the documents, make the dossier.

        \b
        Examples:
          dhtt-docs serve dossiers/bhxh-thanh-hoa-2024 --open
          dhtt-docs serve dossiers --host 0.0.0.0 --password-file mat-khau.txt
        """),
    "Địa chỉ lắng nghe. Khác 127.0.0.1 thì phải đăng nhập (mã in ra khi khởi động hoặc --password-file).":
        ("The address to listen on. With any address other than 127.0.0.1, users must log in (with the code "
         "printed at start-up, or with --password-file)."),
    "Cổng.": "The port.",
    "Mở trình duyệt.": "Open the web browser.",
    "Tệp chứa mật khẩu đăng nhập (thay cho mã in ra khi khởi động).":
        "File holding the login password (instead of the code printed at start-up).",

    # -- sign
    _doc("""
        Ký số một ô ký trên mọi văn bản đã lập có ô đó; bản đã ký ở OUT/signed/.

        \b
        Thứ tự: người ký (lãnh đạo) ký trước, văn thư ký số cơ quan (co-quan) sau.
        Ví dụ:
          dhtt-docs sign . --field nguoi-ky --p12 lanh-dao.p12 --image chu-ky.png
          dhtt-docs sign . --field co-quan --pkcs11 /usr/lib/x.so --token VANTHU --image dau.png
        """): _doc("""
        Digitally sign one signature box on every document made that has it; the signed copies go to OUT/signed/.

        \b
        Order: the signer (the head of the organisation) signs first; then the clerk
        adds the organisation's digital signature (co-quan).
        Examples:
          dhtt-docs sign . --field nguoi-ky --p12 lanh-dao.p12 --image chu-ky.png
          dhtt-docs sign . --field co-quan --pkcs11 /usr/lib/x.so --token VANTHU --image dau.png
        """),
    "Ô ký: nguoi-ky, co-quan, chu-toa, thu-ky, nguoi-bao-cao, thu-truong (xem docs/signing.md).":
        ("Signature box: nguoi-ky (signer), co-quan (organisation), chu-toa (chair), thu-ky (secretary), "
         "nguoi-bao-cao (person reporting), thu-truong (head) (see docs/signing.md)."),
    "Tệp khóa PKCS#12 (.p12/.pfx).": "Key file in PKCS#12 format (.p12/.pfx).",
    "Biến môi trường chứa mật khẩu tệp .p12 (không có: hỏi khi chạy).":
        "Environment variable holding the password of the .p12 file (if not given: asked when the command runs).",
    "Thư viện PKCS#11 của token (ví dụ /usr/lib/softhsm/libsofthsm2.so).":
        "The token's PKCS#11 library (for example /usr/lib/softhsm/libsofthsm2.so).",
    "Tên (nhãn) token.": "Name (label) of the token.",
    "Nhãn khóa trên token (không có: khóa duy nhất của token).":
        "Label of the key on the token (if not given: the token's only key).",
    "Biến môi trường chứa mã PIN (không có: hỏi khi chạy).":
        "Environment variable holding the PIN (if not given: asked when the command runs).",
    "Ảnh chữ ký (PNG nền trong suốt, màu xanh) hoặc ảnh dấu (đỏ) cho ô co-quan.":
        ("Picture of the handwritten signature (PNG, transparent background, blue ink), or of the red seal "
         "for the co-quan box."),
    "Máy chủ dấu thời gian RFC 3161 (PAdES B-T).": "Time-stamping server, RFC 3161 (PAdES B-T).",
    "Thư mục kết quả của build (mặc định: FOLDER/build).": "Folder of the build results (default: FOLDER/build).",

    # -- archive
    _doc("""
        Lưu bản quét hồ sơ giấy đã ký vào hồ sơ lưu trữ, sau khi kiểm tra số trang và quy định số hóa.

        \b
        Bản quét phải đủ trang như hồ sơ in, PDF 1.4 trở lên, ảnh màu, từ 200 dpi (NĐ 30/2020).
        Ví dụ:
          dhtt-docs archive . --scan ban-quet.pdf
        """): _doc("""
        Add the scan of the signed paper dossier to the archive, after checking its pages and the rules for
        digitised documents.

        \b
        The scan must have every page of the printed dossier, be PDF 1.4 or later,
        in colour, at 200 dpi or more (Decree 30/2020/ND-CP).
        Examples:
          dhtt-docs archive . --scan ban-quet.pdf
        """),
    "Bản quét (PDF) của hồ sơ giấy đã ký, đóng dấu.": "The scan (PDF) of the paper dossier, signed and sealed.",
}


def english(text: str) -> str | None:
    """The English of a help text (as click cleaned it), or None when the catalogue has none."""
    return EN.get(text)
