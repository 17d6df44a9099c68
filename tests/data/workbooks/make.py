"""Makes the workbooks of this folder: the same five enterprises as a clerk
would deliver them, saved by LibreOffice, the office suite closest to Excel
that Debian has. Run by hand when the template changes (it needs the cxjf
program, openpyxl and LibreOffice: apt install libreoffice-calc-nogui):

    python3 tests/data/workbooks/make.py build/cxjf

- clean.csv: what the enterprises are, in the template's units (the expected
  meaning, written by hand below).
- lo_filled_template.xlsx: `cxjf template --out t.xlsx`, filled with openpyxl
  in the forms clerks use (units in cells, percentage and date formats, a
  region merged over two rows, a credit code typed as a number, a title row
  inserted above the header, trailing empty rows), then opened and saved
  again by LibreOffice (soffice --headless --convert-to xlsx).
- lo_from_csv.xlsx: a CSV with "7%", "2015/6/30" and "1,234.5" cells and an
  all-digit credit code, converted by LibreOffice, which turns the code into
  a number (digits lost) and the percentages and dates into formatted numbers.

The tests (tests/xlsx/xlsx_test.cpp, tests/python/test_excel.py, the Java
EstimateTest) estimate these files and compare with clean.csv and with each
other.
"""

import csv
import datetime
import decimal
import pathlib
import shutil
import subprocess
import sys
import tempfile

import openpyxl

HERE = pathlib.Path(__file__).resolve().parent
SYMBOLS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def with_check(code17):
    """GB 32100-2015: the 18th character from the first 17."""
    total = sum(SYMBOLS.index(c) * w for c, w in zip(code17, WEIGHTS))
    return code17 + SYMBOLS[(31 - total % 31) % 31]


def all_digit_code():
    for n in range(10**6):
        code = with_check(f"91440300{n:09d}")
        if code[-1].isdigit():
            return code
    raise RuntimeError("no all-digit code")


# The enterprises, in the template's units.
ROWS = [
    dict(credit_code=with_check("91440300MA5DAB001"), name="深圳甲科技有限公司", region_code="440305", industry="C",
         tech_fields="电子信息", qualifications="高新技术企业", founded="2015-06-30", rd_expense="792.8", rd_growth="7",
         rd_intensity="3.31", st_staff_share="20", invention_apps="3", pct_apps="0", tech_contract="33470.78",
         hitech_revenue="16286", revenue="50000", revenue_growth="12.5", postgrad_share="0.5", rd_tax_relief="100",
         roe="8", graduates_hired="4", platforms="1", awards="0", equity_financing="0", standards="1"),
    dict(credit_code=with_check("91440300MA5DAB002"), name="深圳乙生物有限公司", region_code="440305", industry="M",
         tech_fields="生物与新医药", qualifications="科技型中小企业", founded="2019-01-15", rd_expense="1234.5",
         rd_growth="-3.5", rd_intensity="12.5", st_staff_share="45", invention_apps="7", pct_apps="1",
         tech_contract="0", hitech_revenue="800", revenue="9876.54", revenue_growth="30", postgrad_share="22.75",
         rd_tax_relief="35.2", roe="-2.4", graduates_hired="9", platforms="0", awards="1", equity_financing="2000",
         standards="0"),
    dict(credit_code=with_check("91110108MA01C4E03"), name="北京丙软件有限公司", region_code="110108", industry="I",
         tech_fields="电子信息;高技术服务", qualifications="", founded="2010-12-01", rd_expense="5000",
         rd_growth="15.25", rd_intensity="8", st_staff_share="60", invention_apps="12", pct_apps="2",
         tech_contract="1500", hitech_revenue="45000", revenue="62500", revenue_growth="4.4", postgrad_share="35",
         rd_tax_relief="420", roe="11.3", graduates_hired="25", platforms="2", awards="1", equity_financing="0",
         standards="3"),
    dict(credit_code=with_check("91310101MA1FPX004"), name="上海丁新材料有限公司", region_code="310101", industry="C",
         tech_fields="新材料", qualifications="专精特新中小企业", founded="2008-03-18", rd_expense="310",
         rd_growth="0", rd_intensity="2.8", st_staff_share="15", invention_apps="1", pct_apps="0",
         tech_contract="", hitech_revenue="6000", revenue="11071.43", revenue_growth="-6.2", postgrad_share="4",
         rd_tax_relief="12", roe="5.5", graduates_hired="2", platforms="0", awards="0", equity_financing="",
         standards="0"),
]
NUMERIC_CODE = dict(ROWS[0], credit_code=all_digit_code(), name="数字代码公司")


def template_ids(cli):
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "t.csv"
        subprocess.run([cli, "template", "--out", str(path)], check=True)
        rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    return rows[0], rows[1]


def write_clean(headers, ids):
    with (HERE / "clean.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(headers)
        for row in ROWS:
            writer.writerow([row.get(i, "") for i in ids])


def amount(value, k):
    """An amount in 万元 written the ways clerks write it."""
    if value == "":
        return None
    d = decimal.Decimal(value)
    return [float(value), f"{d:,}万元", f"{d.scaleb(-4).normalize():f}亿元", f"{d.scaleb(4).normalize():f}元"][k % 4]


def fill_template(cli, work):
    template = work / "template.xlsx"
    subprocess.run([cli, "template", "--out", str(template)], check=True)
    book = openpyxl.load_workbook(template)
    sheet = book["上传模板"]
    ids = [c.value for c in sheet[2]]
    col = {key: i + 1 for i, key in enumerate(ids)}
    units = {c.value: (c2.value or "") for c, c2 in zip(sheet[2], sheet[1])}
    for k, row in enumerate(ROWS + [NUMERIC_CODE]):
        r = 4 + k
        for key in ids:
            value = row.get(key, "")
            if value == "":
                continue
            cell = sheet.cell(r, col[key])
            header = units[key]
            if key == "credit_code" and row is NUMERIC_CODE:
                cell.value = int(value)  # typed into a General cell: a number
                cell.number_format = "General"
            elif key == "founded":
                cell.value = datetime.date.fromisoformat(value)
                cell.number_format = "yyyy/m/d"
            elif header.endswith("(%)"):
                if k % 2 == 0:
                    cell.value = float(f"{float(value) / 100:.15g}")
                    cell.number_format = "0.00%"
                else:
                    cell.value = value + "%"
            elif header.endswith("(万元)"):
                cell.value = amount(value, k + col[key])
            elif key in ("credit_code", "region_code", "name", "industry", "tech_fields", "qualifications"):
                cell.value = value
            else:
                cell.value = float(value)
    # A title row above the header, merged across (openpyxl moves cells
    # down but not merged ranges, so every merge comes after the insert).
    sheet.insert_rows(1)
    sheet.cell(1, 1).value = "2024年度企业创新积分测算（某区科技局）"
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=10)
    # The first two enterprises (rows 5 and 6 now) share a region: merged.
    sheet.cell(6, col["region_code"]).value = None
    sheet.merge_cells(start_row=5, start_column=col["region_code"], end_row=6, end_column=col["region_code"])
    filled = work / "filled.xlsx"
    book.save(filled)
    return filled


def from_csv(work, headers, ids):
    path = work / "lo_from_csv.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(headers)
        for k, row in enumerate(ROWS + [NUMERIC_CODE]):
            out = []
            for key, header in zip(ids, headers):
                value = row.get(key, "")
                if value and header.endswith("(%)"):
                    value += "%"
                elif value and key == "founded":
                    y, m, d = value.split("-")
                    value = f"{int(y)}/{int(m)}/{int(d)}"
                elif value and header.endswith("(万元)") and float(value) >= 1000:
                    value = f"{float(value):,.2f}"
                out.append(value)
            writer.writerow(out)
    return path


def libreoffice(path, out_name):
    soffice = shutil.which("soffice") or sys.exit("make.py needs LibreOffice: apt install libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([soffice, "--headless", "--norestore", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx",
                        "--outdir", out, str(path)] if path.suffix == ".csv" else
                       [soffice, "--headless", "--norestore", "--convert-to", "xlsx", "--outdir", out, str(path)],
                       check=True, capture_output=True)
        shutil.copy(pathlib.Path(out) / (path.stem + ".xlsx"), HERE / out_name)


def main():
    cli = sys.argv[1] if len(sys.argv) > 1 else "build/cxjf"
    headers, ids = template_ids(cli)
    write_clean(headers, ids)
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        libreoffice(fill_template(cli, work), "lo_filled_template.xlsx")
        libreoffice(from_csv(work, headers, ids), "lo_from_csv.xlsx")
    print("wrote", *(p.name for p in sorted(HERE.glob("*.xlsx"))), "clean.csv")


if __name__ == "__main__":
    main()
