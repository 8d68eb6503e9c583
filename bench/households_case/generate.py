#!/usr/bin/env python3
"""Generate an independent telecom case: a Guangdong operator's households, as four silo exports.

The data set is written from a description of real operator silos, not from the hub's code, so
that it checks c360's identity resolution against data the hub was not shaped around. Standard
library only; the output is deterministic for (--people, --seed).

    python bench/households_case/generate.py --people 10000 --seed 11 --out /tmp/households

Writes, into --out:
  boss.jsonl        BOSS/CRM customers (persons + enterprises), JSON lines
  billing.csv       billing accounts, CSV table with Chinese headers, GB18030
  callcenter.jsonl  call-center tickets (interaction records), JSON lines
  keyaccount.jsonl  key-account system: enterprises + their contact persons, JSON lines
  truth.csv         source,source_key,entity_id
  tags.csv          source,source_key,tags   (tags = '|'-joined noise applied to the record)
  manifest.json     file list, formats and key columns (for score.py)

See README.md for the world, the silos and the noise rates.
"""
import argparse
import csv
import datetime as dt
import heapq
import json
import os
import random
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
Person = dict[str, Any]     # a person of the world (customer, non-customer caller or contact)
Holding = dict[str, Any]    # one holder's window on one phone number (mobile or household fixed line)
Org = dict[str, Any]        # an enterprise (company or individual business)
Address = dict[str, str]    # prov, city, district, rest, code
Region = tuple[str, str, str, str, bool]  # province, city, district, region code, rural
Record = dict[str, Any]     # one silo record as written
Window = tuple[Holding, dt.datetime | None, dt.datetime | None]  # holding with since/until overrides

# --------------------------------------------------------------------------------------------
# reference tables
# --------------------------------------------------------------------------------------------

# Guangdong residence cities of the operator: city -> (province, city, area code, districts[(name, code)])
RES_CITIES = {
    "广州": ("广东省", "广州市", "020", [("荔湾区", "440103"), ("越秀区", "440104"), ("海珠区", "440105"),
                                      ("天河区", "440106"), ("白云区", "440111"), ("黄埔区", "440112"),
                                      ("番禺区", "440113")]),
    "深圳": ("广东省", "深圳市", "0755", [("罗湖区", "440303"), ("福田区", "440304"), ("南山区", "440305"),
                                       ("宝安区", "440306"), ("龙岗区", "440307")]),
    "佛山": ("广东省", "佛山市", "0757", [("禅城区", "440604"), ("南海区", "440605"), ("顺德区", "440606")]),
    # Dongguan has no districts: towns / sub-districts directly under the city
    "东莞": ("广东省", "东莞市", "0769", [("南城街道", "441900"), ("东城街道", "441900"), ("长安镇", "441900"),
                                       ("虎门镇", "441900"), ("厚街镇", "441900")]),
}
RES_WEIGHTS = [("广州", 40), ("深圳", 30), ("佛山", 15), ("东莞", 15)]

# hometown regions (ID prefix + certificate address) of migrants: (province, city, district, code, rural)
HOMETOWNS = [
    ("湖南省", "长沙市", "岳麓区", "430104", False), ("湖南省", "邵阳市", "双清区", "430502", False),
    ("湖南省", "邵阳市", "邵东县", "430521", True), ("湖南省", "衡阳市", "衡南县", "430422", True),
    ("广西壮族自治区", "南宁市", "青秀区", "450103", False), ("广西壮族自治区", "玉林市", "博白县", "450923", True),
    ("四川省", "成都市", "武侯区", "510107", False), ("四川省", "南充市", "营山县", "511322", True),
    ("湖北省", "武汉市", "洪山区", "420111", False), ("湖北省", "黄冈市", "黄州区", "421102", False),
    ("河南省", "郑州市", "金水区", "410105", False), ("河南省", "周口市", "太康县", "411627", True),
    ("江西省", "赣州市", "于都县", "360731", True), ("江西省", "赣州市", "章贡区", "360702", False),
    ("广东省", "梅州市", "梅江区", "441402", False), ("广东省", "湛江市", "赤坎区", "440802", False),
    ("广东省", "汕头市", "金平区", "440511", False), ("广东省", "茂名市", "电白区", "440904", False),
    ("福建省", "厦门市", "思明区", "350203", False),
    ("北京市", "", "朝阳区", "110105", False), ("上海市", "", "浦东新区", "310115", False),
]
HOMETOWN_W = [8, 5, 6, 5, 5, 6, 5, 5, 5, 4, 4, 6, 5, 3, 5, 4, 4, 4, 2, 2, 2]
XINJIANG = ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "650102", False)

STREETS = ["中山路", "人民路", "解放路", "建设路", "和平路", "新华路", "东风路", "文化路", "胜利路", "工业大道",
           "环城路", "滨江路", "学府路", "科技路", "迎宾大道", "幸福路", "青年路", "朝阳路", "长江路", "花园路",
           "天河路", "体育西路", "中山大道西", "黄埔大道西", "广州大道北", "江南大道中", "深南大道", "科技园南路",
           "创业路", "南海大道", "季华路", "汾江中路", "东莞大道", "鸿福路", "宝安大道", "龙岗大道", "工业路",
           "新城大道", "金沙路", "同德路"]
ESTATES = ["华景新城", "祈福新邨", "碧桂园", "万科城", "保利花园", "金沙洲小区", "丽江花园", "星河湾", "锦绣香江",
           "翠湖山庄", "南国花园", "东方明珠花园", "富力城", "恒大绿洲", "中海名都", "云景花园", "怡景小区",
           "幸福家园", "阳光新村", "盈彩美居"]
TOWNS = ["城关镇", "廉桥镇", "团山镇", "新安镇", "石门镇", "东山镇", "龙潭镇", "清水镇", "白云镇", "长乐镇"]
VILLAGES = ["石桥", "黄泥塘", "枫林", "杨柳", "大坪", "新屋", "上湾", "下湾", "水口", "高岭", "塘边", "长冲"]

SURNAMES = [("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 60), ("杨", 31), ("黄", 30), ("赵", 20),
            ("吴", 18), ("周", 17), ("徐", 13), ("孙", 12), ("马", 11), ("朱", 11), ("胡", 10), ("郭", 10),
            ("何", 10), ("林", 12), ("罗", 10), ("高", 9), ("郑", 9), ("梁", 11), ("谢", 7), ("宋", 7), ("唐", 6),
            ("许", 6), ("韩", 6), ("冯", 6), ("邓", 7), ("曹", 5), ("彭", 5), ("曾", 6), ("肖", 5), ("田", 5),
            ("董", 5), ("袁", 4), ("潘", 4), ("于", 4), ("蒋", 4), ("蔡", 4), ("余", 4), ("杜", 4), ("叶", 5),
            ("程", 3), ("苏", 3), ("魏", 3), ("吕", 3), ("丁", 3), ("任", 3), ("沈", 3), ("姚", 3), ("卢", 3),
            ("姜", 3), ("崔", 3), ("钟", 4), ("谭", 3), ("陆", 3), ("汪", 3), ("范", 3), ("金", 2), ("石", 2),
            ("廖", 3), ("贾", 2), ("夏", 2), ("韦", 2), ("付", 2), ("方", 2), ("白", 2), ("邹", 2), ("孟", 2),
            ("熊", 2), ("秦", 2), ("邱", 2), ("江", 2), ("尹", 2), ("薛", 2), ("侯", 2), ("戴", 2), ("傅", 2),
            ("欧阳", 1), ("司马", 0.2), ("诸葛", 0.2), ("上官", 0.2), ("区", 0.6), ("冼", 0.6), ("麦", 0.8),
            ("祁", 0.5), ("萧", 0.5)]
SUR_LIST = [s for s, _ in SURNAMES]
SUR_W = [w for _, w in SURNAMES]

MALE_1 = list("建志国永海俊家子伟文明宇浩晓振德嘉锦思天立庆宏俊卫")
MALE_2 = list("伟强军明华平辉杰涛鹏飞斌宇浩凯健俊峰亮龙成荣豪轩博林东生新勇刚超磊波")
FEM_1 = list("丽秀美晓春桂淑玉海慧嘉欣思雨梓子雅婉佳晓彩翠月")
FEM_2 = list("芳娜敏静丽艳娟霞玲英红梅兰婷琳萍燕洁莉倩颖怡欣涵琪雯晴凤")
OLD_M = ["建国", "建华", "国强", "志强", "德明", "卫东", "红军", "振华", "国庆", "建军"]
OLD_F = ["秀英", "桂英", "秀兰", "桂兰", "玉兰", "淑珍", "凤英", "秀珍", "玉梅", "桂芳"]
YOUNG_M = ["子豪", "梓轩", "浩然", "宇轩", "俊杰", "嘉俊", "家豪", "子轩", "一鸣", "思远"]
YOUNG_F = ["子涵", "欣怡", "梓涵", "诗涵", "雨桐", "可馨", "梓萱", "思彤", "紫琪", "佳怡"]
UYGHUR_M = ["艾力", "买买提", "阿不都拉", "吐尔逊", "艾买提"]
UYGHUR_F = ["阿依古丽", "古丽娜尔", "热依拉", "米热古丽", "帕提古丽"]
UYGHUR_FATHER = ["买买提", "艾力", "吐尔逊", "司马义", "阿不来提", "依明"]

HOMO = {  # same toneless pinyin (typical input-method / hearing errors)
    "伟": "玮炜维", "强": "蔷墙", "磊": "蕾垒", "军": "君钧均", "勇": "永咏涌", "杰": "洁捷婕", "涛": "韬焘滔",
    "明": "铭鸣名", "超": "朝潮", "刚": "钢纲", "平": "萍苹", "辉": "晖挥徽", "鹏": "朋彭", "华": "桦骅",
    "飞": "菲非", "斌": "彬滨宾", "宇": "雨羽语", "浩": "皓昊灏", "凯": "楷铠恺", "健": "建剑", "俊": "骏峻",
    "峰": "锋丰枫", "龙": "隆珑", "成": "诚城", "荣": "蓉容融", "轩": "萱宣璇", "博": "波搏柏", "林": "琳霖麟",
    "东": "冬栋", "生": "声升", "新": "欣鑫馨", "芳": "方舫", "娜": "那", "敏": "民闵珉", "静": "晶婧菁",
    "丽": "俐莉立", "艳": "燕雁", "娟": "涓鹃", "霞": "侠", "玲": "铃伶灵", "英": "莹瑛鹰", "红": "虹宏鸿",
    "梅": "玫", "兰": "岚澜", "婷": "亭庭", "萍": "平苹", "燕": "艳雁", "洁": "杰婕", "莉": "丽俐",
    "倩": "茜", "颖": "影", "欣": "新鑫馨", "涵": "晗含", "琪": "琦淇祺", "雯": "文闻", "建": "健剑",
    "志": "智治致", "永": "勇咏", "家": "嘉佳", "子": "紫梓", "文": "雯闻", "晓": "小筱", "振": "震镇",
    "嘉": "家佳", "锦": "金瑾", "思": "斯丝", "秀": "绣琇", "春": "椿", "桂": "贵", "淑": "舒书", "玉": "钰昱",
    "慧": "惠蕙", "雨": "宇羽", "梓": "子紫", "雅": "亚娅", "婉": "宛琬", "佳": "嘉家", "国": "帼",
    "晴": "情", "凤": "峰", "彩": "采", "翠": "萃", "月": "悦岳", "卫": "伟", "庆": "青", "宏": "红鸿",
    "立": "丽力", "天": "添", "德": "得",
    # surnames
    "张": "章", "王": "汪", "刘": "柳", "杨": "阳扬", "吴": "武伍", "徐": "许", "许": "徐", "李": "黎",
    "程": "成", "戴": "代", "肖": "萧", "萧": "肖", "付": "傅", "傅": "付", "钟": "仲",
}
LOOK = {"侯": "候", "余": "佘", "祁": "祈", "王": "玉", "晴": "睛", "琳": "淋", "凤": "风", "锦": "绵",
        "洁": "浩", "浩": "洁", "娟": "绢", "玲": "伶", "俊": "浚", "峰": "锋", "明": "朋", "丽": "俪",
        "玉": "王", "彬": "杉", "斌": "赋", "婷": "停", "兰": "三", "军": "车", "宏": "弘", "红": "江",
        "晓": "哓", "春": "舂", "桂": "佳", "芳": "苦", "平": "乎", "涛": "祷", "辉": "挥", "梅": "海"}
TRAD = dict(zip(
    "张刘陈杨黄赵吴郑谢韩冯邓许罗钟苏卢蒋叶龙华伟丽军红兰凤国东庆荣刚宝杰涛辉晓凯鹏飞锋颖艳静"
    "贤长云阳发义爱万广汉达乐进宁梦欢晖维纪强斌宇浩俊峰亮龙成轩东鑫马孙汤韦萧区冯门讯设铭锦玲"
    "娟涛丰丽顺倩琼邱彭曾董袁潘蔡余杜叶苏吕丁沈姚姜崔谭陆汪范金贾夏邹孟熊秦尹薛侯傅欧阳诸葛",
    "張劉陳楊黃趙吳鄭謝韓馮鄧許羅鍾蘇盧蔣葉龍華偉麗軍紅蘭鳳國東慶榮剛寶傑濤輝曉凱鵬飛鋒穎艷靜"
    "賢長雲陽發義愛萬廣漢達樂進寧夢歡暉維紀強斌宇浩俊峰亮龍成軒東鑫馬孫湯韋蕭區馮門訊設銘錦玲"
    "娟濤豐麗順倩瓊邱彭曾董袁潘蔡餘杜葉蘇呂丁沈姚薑崔譚陸汪範金賈夏鄒孟熊秦尹薛侯傅歐陽諸葛",
    strict=True))
# keep characters that have no traditional form distinct from simplified out of the map
TRAD = {k: v for k, v in TRAD.items() if k != v}
TRAD_ADDR = dict(zip("广东省州市区县号路镇湾园华汇龙门丰楼栋单元层间里",
                     "廣東省州市區縣號路鎮灣園華匯龍門豐樓棟單元層間裡", strict=True))
TRAD_ADDR = {k: v for k, v in TRAD_ADDR.items() if k != v}

CM_PREFIX = ["134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159", "178",
             "182", "183", "184", "187", "188", "198"]
OTHER_PREFIX = ["130", "131", "132", "155", "156", "185", "186", "166", "133", "153", "180", "181", "189",
                "199", "177", "173"]

ORG_BRANDS = ["华盛", "永兴", "金海", "宏达", "鑫源", "恒通", "嘉和", "瑞丰", "盛世", "天成", "东方", "新光",
              "万达", "隆基", "合众", "美佳", "联创", "中科", "正和", "海鑫", "安泰", "德利", "锦程", "启航",
              "银河", "广信", "粤海", "南方", "星辰", "博远"]
ORG_INDUSTRY = ["科技", "贸易", "物流", "建筑工程", "电子", "餐饮管理", "房地产开发", "信息技术", "投资",
                "服装", "医药", "教育咨询", "五金制品", "家具", "食品", "汽车服务", "印刷", "环保科技"]
SHOP_TYPES = ["五金店", "餐饮店", "便利店", "士多店", "汽车修理厂", "服装店", "茶行"]
TITLES = ["总经理", "财务经理", "行政主管", "IT主管", "办公室主任", "采购经理", "董事长", "通信管理员"]

USCC_ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_W = [3, 7, 9, 10, 5, 8, 4, 2]
RIC_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
RIC_C = "10X98765432"

END = dt.datetime(2024, 6, 30, 23, 0, 0)
CALL_START = dt.datetime(2022, 1, 1)
REALNAME = dt.datetime(2013, 9, 1)   # real-name registration drive: old prepaid customers re-registered
FW = str.maketrans("0123456789-()", "０１２３４５６７８９－（）")
EMAIL_163 = ["zhang", "wang", "li", "chen", "lily", "tom", "gz", "sz", "happy", "sunny", "xiao", "jack"]
EMAIL_126 = ["ming", "hua", "fang", "wei", "jun", "ling"]


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

def ric_check(body17: str) -> str:
    """GB 11643 check character, so that generated resident IDs validate unless a typo is injected."""
    return RIC_C[sum(int(c) * w for c, w in zip(body17, RIC_W, strict=True)) % 11]


def make_ric(region: str, birth: dt.date, male: bool, rng: random.Random) -> tuple[str, str]:
    """18-digit resident ID and its legacy 15-digit form (same region, yymmdd, sequence; parity = sex)."""
    seq = rng.randrange(0, 499) * 2 + (1 if male else 2)
    s3 = f"{seq:03d}"
    body = region + birth.strftime("%Y%m%d") + s3
    return body + ric_check(body), region + birth.strftime("%y%m%d") + s3


def org_code(rng: random.Random) -> str:
    """GB 11714 organization code with its check character (embedded in the credit code)."""
    if rng.random() < 0.3:   # newer codes start with MA
        body = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))

    def val(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - 55
    c9 = 11 - sum(val(c) * w for c, w in zip(body, ORG_W, strict=True)) % 11
    return body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))


def make_uscc(region: str, rng: random.Random, kind: str = "91") -> str:
    """Unified social credit code (GB 32100) with a valid check character; kind 92 = individual business."""
    body = kind + region + org_code(rng)
    s = sum(USCC_ALPHA.index(c) * w for c, w in zip(body, USCC_W, strict=True))
    c = (31 - s % 31) % 31
    return body + USCC_ALPHA[c]


def rand_date(rng: random.Random, a: dt.datetime, b: dt.datetime) -> dt.datetime:
    """Uniform instant in [a, b) (a when the interval is empty)."""
    if b <= a:
        return a
    return a + dt.timedelta(seconds=rng.randrange(int((b - a).total_seconds())))


def wchoice(rng: random.Random, pairs: Sequence[tuple[T, float]]) -> T:
    """One item of (item, weight) pairs, so that tables read as a list of rates."""
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights)[0]


class Ids:
    """Unique random record keys; a separate stream so that keys do not shift the world's draws."""

    def __init__(self, rng: random.Random) -> None:
        self.rng: random.Random = rng
        self.used: set[str] = set()

    def new(self, prefix: str, ndig: int) -> str:
        """A key of prefix + ndig digits not issued before."""
        while True:
            k = prefix + "".join(self.rng.choice("0123456789") for _ in range(ndig))
            if k not in self.used:
                self.used.add(k)
                return k


# --------------------------------------------------------------------------------------------
# rendering with noise
# --------------------------------------------------------------------------------------------

def fmt_mobile(num: str, rng: random.Random, rate: float) -> tuple[str, str | None]:
    """A mobile number as a silo writes it: (text, noise tag or None); another format with p=rate."""
    if rng.random() >= rate:
        return num, None
    style = rng.randrange(8)
    if style == 0:
        return f"+86 {num[:3]} {num[3:7]} {num[7:]}", "phone_format"
    if style == 1:
        return "86-" + num, "phone_format"
    if style == 2:
        return f"{num[:3]}-{num[3:7]}-{num[7:]}", "phone_format"
    if style == 3:
        return num.translate(FW), "phone_fullwidth"
    if style == 4:
        return "0086" + num, "phone_format"
    if style == 5:
        return "+86" + num, "phone_format"
    if style == 6:
        return f"{num[:3]} {num[3:7]} {num[7:]}", "phone_format"
    return " " + num + " ", "phone_format"


def fmt_landline(area: str, local: str, rng: random.Random, rate: float) -> tuple[str, str | None]:
    """A fixed line as a silo writes it: (text, noise tag or None); another format with p=rate."""
    if rng.random() >= rate:
        return area + "-" + local, None
    style = rng.randrange(5)
    if style == 0:
        return f"({area}){local}", "phone_format"
    if style == 1:
        return area + local, "phone_format"
    if style == 2:
        return f"+86 {area[1:]} {local[:4]} {local[4:]}", "phone_format"
    if style == 3:
        return f"{area} {local}", "phone_format"
    return (area + "-" + local).translate(FW), "phone_fullwidth"


def phone_text(ph: Holding, rng: random.Random, rate: float) -> tuple[str, str | None]:
    """A holding's number as a silo writes it, whichever kind of line it is."""
    if ph["type"] == "landline":
        return fmt_landline(ph["area"], ph["local"], rng, rate)
    return fmt_mobile(ph["number"], rng, rate)


def ts_fmt(t: dt.datetime, style: str) -> str | int:
    """An instant (China time) in one of the formats silos use; epoch styles give UTC seconds or ms."""
    if style == "iso":
        return t.strftime("%Y-%m-%dT%H:%M:%S+08:00")
    if style == "space":
        return t.strftime("%Y-%m-%d %H:%M:%S")
    if style == "compact":
        return t.strftime("%Y%m%d%H%M%S")
    if style == "date":
        return t.strftime("%Y-%m-%d")
    if style == "slash":
        return f"{t.year}/{t.month}/{t.day} {t.hour:02d}:{t.minute:02d}"
    if style == "epoch":
        if t < dt.datetime(2001, 9, 10):
            return t.strftime("%Y-%m-%d %H:%M:%S")
        return int((t - dt.timedelta(hours=8) - dt.datetime(1970, 1, 1)).total_seconds())
    if style == "epoch_ms":
        return int((t - dt.timedelta(hours=8) - dt.datetime(1970, 1, 1)).total_seconds()) * 1000
    raise ValueError(style)


def date_fmt(d: dt.date, style: str) -> str:
    """A birth date in one of the formats silos use."""
    if style == "iso":
        return d.strftime("%Y-%m-%d")
    if style == "compact":
        return d.strftime("%Y%m%d")
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "ts":
        return d.strftime("%Y-%m-%d") + " 00:00:00"
    raise ValueError(style)


def typo_name(name: str, rng: random.Random, kind: str) -> str | None:
    """A typing error as agents make them (kind: homophone | lookalike); None if no character has one."""
    table = HOMO if kind == "homophone" else LOOK
    idx = [i for i, c in enumerate(name) if c in table and table[c]]
    if not idx:
        return None
    # prefer given-name characters (surname typos are rarer)
    given = [i for i in idx if i > 0]
    i = rng.choice(given) if given and rng.random() < 0.85 else rng.choice(idx)
    return name[:i] + rng.choice(table[name[i]]) + name[i + 1:]


def trad_name(name: str) -> str | None:
    """The name in traditional characters, as some records carry it; None if it has no such form."""
    t = "".join(TRAD.get(c, c) for c in name)
    return t if t != name else None


def render_addr(a: Address, mode: str = "full") -> str:
    """An address as text, complete or cut as silos truncate it (mode full | no_prov | district | street)."""
    if mode == "full":
        return a["prov"] + a["city"] + a["district"] + a["rest"]
    if mode == "no_prov":
        return (a["city"] or a["prov"]) + a["district"] + a["rest"]
    if mode == "district":
        return a["district"] + a["rest"]
    if mode == "street":
        return a["rest"]
    raise ValueError(mode)


def addr_variant(text: str, rng: random.Random, tags: list[str]) -> str:
    """Character-level address noise (號, full-width digits, traditional, room/building words); tags it."""
    if rng.random() < 0.06 and "号" in text:
        text = text.replace("号", "號")
        tags.append("address_hao_variant")
    if rng.random() < 0.06:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        tags.append("address_fullwidth")
    if rng.random() < 0.03:
        t2 = "".join(TRAD_ADDR.get(c, c) for c in text)
        if t2 != text:
            text = t2
            tags.append("address_traditional")
    if rng.random() < 0.08 and "房" in text:
        text = text.replace("房", "室") if rng.random() < 0.5 else text.replace("房", "")
        tags.append("address_room_variant")
    if rng.random() < 0.04 and "栋" in text:
        text = text.replace("栋", "座")
        tags.append("address_room_variant")
    return text


# --------------------------------------------------------------------------------------------
# the world
# --------------------------------------------------------------------------------------------

class World:
    """The true population: people in households, their phone holdings over time, and enterprises."""

    n_orgs: int
    n_recycled: int

    def __init__(self, n_people: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n = n_people
        self.ids = Ids(random.Random(seed + 1))
        self.people: list[Person] = []
        self.households: list[dict[str, Any]] = []
        self.orgs: list[Org] = []
        self.holdings: list[Holding] = []   # phone holdings (mobile + landline)
        self.used_numbers: set[str] = set()
        self.released: list[tuple[dt.datetime, str]] = []   # heap (available_from, number)
        self.number_holdings: dict[str, list[Holding]] = {}  # number -> [holding]

    # ---------------- people ----------------
    def pick_name(self, male: bool, birth: dt.date, surname: str | None = None,
                  uyghur: bool = False) -> tuple[str, str | None, str]:
        """(full name, surname or None for dotted minority names, given name), by generation."""
        rng = self.rng
        if uyghur:
            g = rng.choice(UYGHUR_M if male else UYGHUR_F)
            return g + "·" + rng.choice(UYGHUR_FATHER), None, g
        s = surname or rng.choices(SUR_LIST, SUR_W)[0]
        y = birth.year
        r = rng.random()
        if y < 1965 and r < 0.35:
            g = rng.choice(OLD_M if male else OLD_F)
        elif y > 1995 and r < 0.4:
            g = rng.choice(YOUNG_M if male else YOUNG_F)
        elif r < 0.78:
            g = rng.choice(MALE_1 if male else FEM_1) + rng.choice(MALE_2 if male else FEM_2)
        else:
            g = rng.choice(MALE_2 if male else FEM_2)
        return s + g, s, g

    def make_address(self, region: Region, rng: random.Random) -> Address:
        """A street address in the region: village for rural counties, estate/building/room in cities."""
        prov, city, dist, code, rural = region
        if rural:
            town, village = rng.choice(TOWNS), rng.choice(VILLAGES)
            group, no = rng.randint(1, 12), rng.randint(1, 80)
            rest = f"{town}{village}村{group}组{no}号"
        elif prov in ("北京市", "上海市"):
            street, no, bldg, unit, room = (rng.choice(STREETS), rng.randint(1, 300), rng.randint(1, 20),
                                            rng.randint(1, 6), rng.randint(1, 30) * 100 + rng.randint(1, 4))
            rest = f"{street}{no}号院{bldg}号楼{unit}单元{room}"
        else:
            street, no = rng.choice(STREETS), rng.randint(1, 999)
            rest = f"{street}{no}号"
            if rng.random() < 0.75:
                estate, bldg, room = (rng.choice(ESTATES), rng.randint(1, 40),
                                      rng.randint(1, 33) * 100 + rng.randint(1, 8))
                rest += f"{estate}{bldg}栋{room}房"
        return {"prov": prov, "city": city, "district": dist, "rest": rest, "code": code}

    def res_region(self) -> tuple[Region, str]:
        """A residence district in one of the operator's cities, and the city's area code."""
        c = wchoice(self.rng, RES_WEIGHTS)
        prov, city, area, dists = RES_CITIES[c]
        d, code = self.rng.choice(dists)
        return (prov, city, d, code, False), area

    def new_person(self, cat: str, male: bool, birth: dt.date, surname: str | None = None,
                   hometown: Region | None = None, residence: Address | None = None,
                   area: str | None = None) -> Person:
        """Add a person (cat: cust | nc_caller | nc_contact); local or migrant unless a hometown is given."""
        rng = self.rng
        eid = f"P{len(self.people) + 1:06d}"
        uyghur = hometown is None and rng.random() < 0.004
        if uyghur:
            hometown = XINJIANG
        if hometown is None:
            if rng.random() < 0.55:   # local: born / registered in the Guangdong residence area
                hometown, _ = self.res_region()
            else:
                hometown = rng.choices(HOMETOWNS, HOMETOWN_W)[0]
        name, s, g = self.pick_name(male, birth, surname, uyghur)
        id18, id15 = make_ric(hometown[3], birth, male, rng)
        cert = self.make_address(hometown, rng)
        if residence is None:
            if (hometown[0] == "广东省" and hometown[3][:4] in ("4401", "4403", "4406", "4419")
                    and rng.random() < 0.5):
                residence = cert
                area = {"4401": "020", "4403": "0755", "4406": "0757", "4419": "0769"}[hometown[3][:4]]
            else:
                reg, area = self.res_region()
                residence = self.make_address(reg, rng)
        p: Person = {"eid": eid, "cat": cat, "name": name, "surname": s, "male": male, "birth": birth,
                     "id18": id18, "id15": id15, "hometown": hometown, "cert": cert, "res": residence,
                     "area": area, "uyghur": uyghur, "mobiles": [], "household": None, "email": None,
                     "landline": None}
        if rng.random() < 0.25 and not uyghur:
            p["email"] = rng.choice([
                f"{rng.randint(10000000, 2999999999)}@qq.com",
                f"{rng.choice(EMAIL_163)}{rng.randint(1, 9999)}@163.com",
                f"{rng.choice(EMAIL_126)}_{rng.randint(60, 9999)}@126.com",
                f"m{rng.randint(1000000, 9999999)}@139.com"])
        self.people.append(p)
        return p

    def birth_between(self, y0: int, y1: int) -> dt.date:
        """A birth date in years y0..y1 (day 1-28, so every month is valid)."""
        return dt.date(self.rng.randint(y0, y1), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def build_people(self) -> None:
        """Customers in households, then non-customer callers and key-account contacts."""
        rng = self.rng
        n = self.n
        n_orgs = max(2, n // 40)
        n_contacts_nc = max(1, int(n_orgs * 0.55))    # contact persons not customers of the operator
        n_callers_nc = max(1, int(n * 0.04))
        n_cust = n - n_contacts_nc - n_callers_nc
        self.n_orgs = n_orgs
        # customers in households
        while len(self.people) < n_cust:
            left = n_cust - len(self.people)
            size = min(left, rng.choices([1, 2, 3, 4], [45, 25, 20, 10])[0])
            hh: dict[str, Any] = {"id": len(self.households), "members": []}
            head_male = rng.random() < 0.7
            hb = self.birth_between(1945, 1995) if size > 1 else self.birth_between(1950, 2005)
            head = self.new_person("cust", head_male, hb)
            hh["members"].append(head)
            for k in range(1, size):
                if k == 1:
                    sb = hb + dt.timedelta(days=rng.randint(-5 * 365, 5 * 365))
                    sb = min(sb, dt.date(2004, 12, 28))
                    m = self.new_person("cust", not head_male, sb, None,
                                        head["hometown"] if rng.random() < 0.6 else None,
                                        head["res"], head["area"])
                else:
                    cy = hb.year + rng.randint(22, 34)
                    if cy > 2006:
                        cy = 2006
                    cb = dt.date(cy, rng.randint(1, 12), rng.randint(1, 28))
                    father = head if head_male else (hh["members"][1] if len(hh["members"]) > 1 else head)
                    m = self.new_person("cust", rng.random() < 0.5, cb, father["surname"] or None,
                                        father["hometown"], head["res"], head["area"])
                hh["members"].append(m)
            for m in hh["members"]:
                m["household"] = hh
            # household fixed line (more common in older households)
            p_land = (0.45 if size > 1 else 0.12) * (1.3 if hb.year < 1970 else 1.0)
            if rng.random() < p_land:
                hh["landline"] = True
            self.households.append(hh)
        for _ in range(n_callers_nc):
            self.new_person("nc_caller", rng.random() < 0.55, self.birth_between(1950, 2004))
        for _ in range(n_contacts_nc):
            self.new_person("nc_contact", rng.random() < 0.6, self.birth_between(1960, 1998))

    # ---------------- phone numbers ----------------
    def fresh_mobile(self, other: bool = False) -> str:
        """A never-used mobile number of this operator (or, with other, of another operator)."""
        while True:
            num = self.rng.choice(OTHER_PREFIX if other else CM_PREFIX) + f"{self.rng.randrange(10 ** 8):08d}"
            if num not in self.used_numbers and len(set(num[3:])) > 2:
                self.used_numbers.add(num)
                return num

    def fresh_landline(self, area: str) -> str:
        """A never-used 8-digit local fixed-line number in the area."""
        while True:
            first = self.rng.choice("83" if area == "020" else "28")
            local = first + f"{self.rng.randrange(10 ** 7):07d}"
            if area + local not in self.used_numbers and len(set(local)) > 2:
                self.used_numbers.add(area + local)
                return local

    def build_holdings(self) -> None:
        """Phone holdings with since/until; numbers assigned chronologically, so released ones are reused."""
        rng = self.rng
        pending: list[Holding] = []   # holdings needing numbers
        for p in self.people:
            if p["cat"] != "cust":
                continue
            adult = dt.datetime(p["birth"].year + 16, p["birth"].month, p["birth"].day)
            start = max(adult, dt.datetime(2003, 1, 1))
            latest = dt.datetime(2024, 3, 1)
            if start >= latest:
                start = latest - dt.timedelta(days=400)
            # join date skewed early
            j = rand_date(rng, start, latest)
            j2 = rand_date(rng, start, latest)
            join = min(j, j2)
            chain_start = join
            # primary line: possibly several numbers in sequence (gave up one, took another)
            while True:
                h = {"eid": p["eid"], "since": chain_start, "until": None, "type": "mobile"}
                pending.append(h)
                p["mobiles"].append(h)
                if rng.random() < 0.22 and (END - chain_start).days > 400:
                    end = rand_date(rng, chain_start + dt.timedelta(days=200), END - dt.timedelta(days=60))
                    h["until"] = end
                    if rng.random() < 0.85 and (END - end).days > 30:
                        chain_start = end + dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 10))
                        continue
                    # else: leaves the operator for this line
                break
            # secondary lines (dual SIM, data card, work phone)
            for prob in (0.22, 0.07):
                if rng.random() < prob:
                    s = rand_date(rng, join, END - dt.timedelta(days=90))
                    h = {"eid": p["eid"], "since": s, "until": None, "type": "mobile"}
                    if rng.random() < 0.4:
                        h["until"] = rand_date(rng, s + dt.timedelta(days=90), END - dt.timedelta(days=10))
                    pending.append(h)
                    p["mobiles"].append(h)
        pending.sort(key=lambda h: h["since"])
        out_q: list[tuple[dt.datetime, str]] = []   # (release_time, number) not yet in cooling pool
        avail: list[tuple[dt.datetime, str]] = []   # list of (available_from, number) sorted
        n_recycled = 0
        for h in pending:
            while out_q and out_q[0][0] + dt.timedelta(days=90) <= h["since"]:
                t, released = heapq.heappop(out_q)
                avail.append((t + dt.timedelta(days=rng.randint(90, 400)), released))
            num: str | None = None
            if avail and rng.random() < 0.16:
                ok = [i for i, (t, _) in enumerate(avail[-400:]) if t <= h["since"]]
                if ok:
                    i = len(avail) - min(400, len(avail)) + rng.choice(ok)
                    num = avail.pop(i)[1]
                    n_recycled += 1
            if num is None:
                num = self.fresh_mobile()
            h["number"] = num
            self.number_holdings.setdefault(num, []).append(h)
            if h["until"] is not None:
                heapq.heappush(out_q, (h["until"], num))
            self.holdings.append(h)
        self.n_recycled = n_recycled
        # household fixed lines, held (subscribed) by the head
        for hh in self.households:
            if not hh.get("landline"):
                continue
            head = hh["members"][0]
            area = head["area"]
            local = self.fresh_landline(area)
            s = rand_date(rng, dt.datetime(2000, 1, 1), dt.datetime(2016, 1, 1))
            h = {"eid": head["eid"], "since": s, "until": None, "type": "landline", "area": area,
                 "local": local, "number": area + local, "household": hh}
            if rng.random() < 0.25:
                h["until"] = rand_date(rng, s + dt.timedelta(days=365), END - dt.timedelta(days=30))
            hh["landline_h"] = h
            head["landline"] = h
            self.number_holdings.setdefault(h["number"], []).append(h)
            self.holdings.append(h)
        # non-customers: numbers of other operators
        for p in self.people:
            if p["cat"] != "cust":
                p["other_mobile"] = self.fresh_mobile(other=True)

    def holder_at(self, number: str, t: dt.datetime) -> Holding | None:
        """Who held the number at t (windows never overlap), or None."""
        for h in self.number_holdings.get(number, []):
            if h["since"] <= t and (h["until"] is None or t < h["until"]):
                return h
        return None

    # ---------------- enterprises ----------------
    def build_orgs(self) -> None:
        """Enterprises with credit code, switchboard and contact persons (customers or not)."""
        rng = self.rng
        custs = [p for p in self.people if p["cat"] == "cust" and 1955 <= p["birth"].year <= 1998]
        ncc = [p for p in self.people if p["cat"] == "nc_contact"]
        rng.shuffle(ncc)
        used_names = set()
        for i in range(self.n_orgs):
            c = wchoice(rng, RES_WEIGHTS)
            prov, city, area, dists = RES_CITIES[c]
            dname, dcode = rng.choice(dists)
            eid = f"E{i + 1:05d}"
            if rng.random() < 0.1:   # individual business (个体工商户)
                owner = rng.choice(custs)
                name = f"{city}{dname if c != '东莞' else ''}{owner['name']}{rng.choice(SHOP_TYPES)}"
                uscc = make_uscc(dcode, rng, "92")
                kind = "indiv"
            else:
                while True:
                    brand, ind = rng.choice(ORG_BRANDS), rng.choice(ORG_INDUSTRY)
                    if (c, brand, ind) not in used_names:
                        used_names.add((c, brand, ind))
                        break
                suffix = rng.choices(["有限公司", "股份有限公司", "有限责任公司"], [80, 10, 10])[0]
                if rng.random() < 0.25 and c != "东莞":
                    name = f"{city}{dname}{brand}{ind}{suffix}"
                else:
                    name = f"{city}{brand}{ind}{suffix}"
                uscc = make_uscc(dcode, rng)
                kind = "company"
            addr = self.make_address((prov, city, dname, dcode, False), rng)
            street, no, bld_brand, bld_kind, floor, room, room_word = (
                rng.choice(STREETS), rng.randint(1, 999), rng.choice(ORG_BRANDS),
                rng.choice(["大厦", "广场", "中心", "商务楼", "工业园"]), rng.randint(1, 38), rng.randint(1, 20),
                rng.choice(["室", "单元", "房", ""]))
            addr["rest"] = f"{street}{no}号{bld_brand}{bld_kind}{floor}楼{room:02d}{room_word}"
            local = self.fresh_landline(area)
            org: Org = {"eid": eid, "name": name, "city": city, "brand_city": c, "uscc": uscc, "addr": addr,
                        "area": area, "switch": local, "kind": kind, "contacts": [],
                        "regno": f"4401{rng.randint(0, 99):02d}{rng.randrange(10 ** 9):09d}"}
            n_ct = rng.choices([1, 2, 3], [50, 35, 15])[0]
            for _ in range(n_ct):
                if ncc and rng.random() < 0.3:
                    org["contacts"].append(ncc.pop())
                else:
                    org["contacts"].append(rng.choice(custs))
            self.orgs.append(org)
        # leftover non-customer contacts get attached to random orgs
        for p in ncc:
            rng.choice(self.orgs)["contacts"].append(p)


# --------------------------------------------------------------------------------------------
# silo writers
# --------------------------------------------------------------------------------------------

class Out:
    """Rows of truth.csv and tags.csv, collected as the silo writers emit records."""

    def __init__(self) -> None:
        self.truth: list[tuple[str, str, str]] = []
        self.tags: list[tuple[str, str, str]] = []

    def add(self, source: str, key: str, eid: str, tags: list[str]) -> None:
        """Record the true entity of a record and its noise tags (deduplicated, in order)."""
        self.truth.append((source, key, eid))
        seen: list[str] = []
        for t in tags:
            if t and t not in seen:
                seen.append(t)
        self.tags.append((source, key, "|".join(seen)))


def id_text(p: Person, rng: random.Random, tags: list[str], allow15: bool = True,
            masked: bool = False) -> str:
    """The person's resident ID as a silo writes it (15-digit, lowercase x, masked, spaced, full-width)."""
    r = rng.random()
    if allow15 and p["birth"].year < 1984 and r < 0.12:
        tags.append("id_15digit")
        return p["id15"]
    s = p["id18"]
    if s.endswith("X") and rng.random() < 0.4:
        tags.append("id_lower_x")
        s = s[:-1] + "x"
    r = rng.random()
    if masked and r < 0.12:
        tags.append("id_masked")
        return s[:6] + "********" + s[-4:]
    if r < 0.015:
        tags.append("id_spaced")
        return f"{s[:6]} {s[6:14]} {s[14:]}"
    if r < 0.025:
        tags.append("id_fullwidth")
        return s.translate(FW)
    return s


def id_typo(s: str, rng: random.Random) -> str:
    """One wrong digit after the region code, so that the check digit fails as in real typos."""
    chars = list(s)
    i = rng.randrange(6, 17)
    chars[i] = str((int(chars[i]) + rng.randint(1, 9)) % 10)
    return "".join(chars)


def write_boss(w: World, out_dir: str, rng: random.Random, ids: Ids, out: Out) -> int:
    """boss.jsonl: CRM customers with certificate data and number windows, duplicates included."""
    lines: list[Record] = []
    id_labels = [("身份证", 40), ("01", 20), ("ID_CARD", 15), ("居民身份证", 10), ("IDCARD", 5), ("RIC", 3),
                 ("1", 4), ("二代身份证", 3)]
    org_labels = [("统一社会信用代码", 50), ("USCC", 20), ("营业执照", 20), ("credit_code", 10)]

    def window_obj(h: Holding, style: str, since_override: dt.datetime | None = None,
                   until_override: dt.datetime | None = None) -> tuple[dict[str, Any], str | None]:
        """A {number, since, until} object; overrides cut the window (re-registration split)."""
        s = since_override or h["since"]
        u = until_override if until_override is not None else h["until"]
        if h["type"] == "landline":
            num, tag = fmt_landline(h["area"], h["local"], rng, 0.15)
        else:
            num, tag = fmt_mobile(h["number"], rng, 0.05)
        o = {"number": num, "since": ts_fmt(s, style), "until": ts_fmt(u, style) if u else None}
        return o, tag

    def person_line(p: Person, holdings: list[Window], tags: list[str],
                    variant: dict[str, Any] | None = None) -> Record:
        """Write one person record; variant overrides name / ID kind / address for duplicates."""
        key = ids.new("12", 10)
        style = rng.choices(["iso", "space", "compact", "date", "epoch"], [20, 40, 15, 20, 5])[0]
        rec: Record = {"source": "boss", "cust_id": key,
                       "customer_type": rng.choices(["个人客户", "个人", "公众客户"], [60, 25, 15])[0]}
        name = p["name"]
        if variant and variant.get("name"):
            name = variant["name"]
        rec["cust_name"] = name
        # document
        idv = variant.get("id") if variant else None
        if idv == "none":
            pass
        elif idv == "placeholder":
            rec["cert_type"] = "身份证"
            rec["cert_no"] = rng.choice(["111111111111111111", "000000000000000000", "123456789012345678"])
        else:
            if rng.random() < 0.03 and not variant:
                tags.append("id_missing")
            else:
                lab = wchoice(rng, id_labels)
                if lab in ("1", "二代身份证", "RIC"):
                    tags.append("odd_id_type_label")
                rec["cert_type"] = lab
                if idv == "typo" or (not variant and rng.random() < 0.012):
                    rec["cert_no"] = id_typo(p["id18"], rng)
                    tags.append("id_typo")
                elif idv == "15":
                    rec["cert_no"] = p["id15"]
                    tags.append("id_15digit")
                else:
                    rec["cert_no"] = id_text(p, rng, tags, allow15=True)
        # sex / birth
        r = rng.random()
        if r < 0.05:
            tags.append("gender_missing")
        else:
            rec["sex"] = wchoice(rng, [(("男" if p["male"] else "女"), 50), (("1" if p["male"] else "2"), 25),
                                       (("M" if p["male"] else "F"), 20), ("男性" if p["male"] else "女性", 5)])
        if rng.random() < 0.10:
            tags.append("birth_missing")
        else:
            bs = rng.choices(["iso", "compact", "slash", "cn", "ts"], [60, 15, 10, 5, 10])[0]
            rec["birthday"] = date_fmt(p["birth"], bs)
        # certificate address
        a = variant.get("addr") if variant else None
        a = a or p["cert"]
        if rng.random() < 0.03:
            tags.append("address_missing")
        else:
            rec["addr"] = render_addr(a, "full" if rng.random() < 0.9 else "no_prov")
        # phones with windows
        phs: list[Any] = []
        for h, so, uo in holdings:
            if rng.random() < 0.04:
                num, tag = (fmt_mobile(h["number"], rng, 0.05) if h["type"] == "mobile"
                            else fmt_landline(h["area"], h["local"], rng, 0.15))
                phs.append(num)
                tags.append("missing_window")
            else:
                o, tag = window_obj(h, style, so, uo)
                phs.append(o)
            if tag:
                tags.append(tag)
            if len(self_holders(h["number"])) > 1:
                tags.append("recycled_number")
        if phs:
            rec["msisdn"] = phs
        # a household member lists the family's fixed line as contact number
        hh = p["household"]
        if hh and hh.get("landline_h") and hh["landline_h"]["eid"] != p["eid"] and rng.random() < 0.5:
            lh = hh["landline_h"]
            rec["contact_phone"], tag = fmt_landline(lh["area"], lh["local"], rng, 0.3)
            tags.append("shared_line")
            if tag:
                tags.append(tag)
        if p["email"] and rng.random() < 0.6:
            rec["email"] = p["email"] if rng.random() < 0.9 else p["email"].upper()
        rec["customer_status"] = "正常" if any(h["until"] is None for h, _, _ in holdings) else "销户"
        rec["brand"] = rng.choice(["全球通", "动感地带", "神州行"])
        rec["update_time"] = ts_fmt(rand_date(rng, dt.datetime(2020, 1, 1), END), "space")
        if rng.random() < 0.3:
            rec["channel"] = rng.choice(["营业厅", "网上营业厅", "社会渠道", "10086热线"])
        lines.append(rec)
        out.add("boss", key, p["eid"], tags)
        return rec

    holders_cache: dict[str, set[str]] = {}

    def self_holders(num: str) -> set[str]:
        """Everyone who ever held the number (more than one = recycled)."""
        if num not in holders_cache:
            holders_cache[num] = {h["eid"] for h in w.number_holdings.get(num, [])}
        return holders_cache[num]

    for p in w.people:
        if p["cat"] != "cust":
            continue
        hs: list[Window] = [(h, None, None) for h in p["mobiles"]]
        if p["landline"]:
            hs.append((p["landline"], None, None))
        tags: list[str] = []
        name_var = None
        if rng.random() < 0.01:
            name_var = typo_name(p["name"], rng, "homophone")
            if name_var:
                tags.append("typo_name_homophone")
        r = rng.random()
        if r < 0.045:
            # duplicate customer record
            first = p["mobiles"][0]
            if first["since"] < REALNAME - dt.timedelta(days=60) and rng.random() < 0.5:
                # pre-real-name prepaid customer re-registered under a new customer number
                t = rand_date(rng, REALNAME, REALNAME + dt.timedelta(days=300))
                if first["until"] is None or first["until"] > t + dt.timedelta(days=30):
                    old_tags = ["boss_duplicate", "reregistration"]
                    v: dict[str, Any] = {"id": rng.choice(["none", "none", "placeholder"])}
                    if v["id"] == "placeholder":
                        old_tags.append("id_placeholder")
                    else:
                        old_tags.append("id_missing")
                    if rng.random() < 0.2:
                        nv = typo_name(p["name"], rng, rng.choice(["homophone", "lookalike"]))
                        if nv:
                            v["name"] = nv
                            old_tags.append("typo_name")
                    person_line(p, [(first, None, t)], old_tags, v)
                    hs[0] = (first, t, None)
                    tags += ["boss_duplicate", "reregistration"]
                    person_line(p, hs, tags, {"name": name_var} if name_var else None)
                    continue
            # second customer number opened elsewhere: split phones, vary data
            dup_tags = ["boss_duplicate"]
            v = {}
            rr = rng.random()
            if rr < 0.25 and p["birth"].year < 1984:
                v["id"] = "15"
            elif rr < 0.35:
                v["id"] = "typo"
            elif rr < 0.45:
                v["id"] = "none"
                dup_tags.append("id_missing")
            rr = rng.random()
            if rr < 0.2:
                nv = trad_name(p["name"])
                if nv:
                    v["name"] = nv
                    dup_tags.append("traditional_name")
            elif rr < 0.35:
                nv = typo_name(p["name"], rng, "homophone")
                if nv:
                    v["name"] = nv
                    dup_tags.append("typo_name_homophone")
            if p["res"] is not p["cert"] and rng.random() < 0.5:
                v["addr"] = p["res"]
                dup_tags.append("address_not_cert")
            if len(hs) >= 2:
                k = rng.randint(1, len(hs) - 1)
                h2 = hs[k:]
                hs = hs[:k]
            else:
                h2 = []
                dup_tags.append("no_shared_phone")
            person_line(p, h2, dup_tags, v)
            tags.append("boss_duplicate")
        person_line(p, hs, tags, {"name": name_var} if name_var else None)

    # enterprises
    for o in w.orgs:
        if rng.random() > 0.9:
            continue
        tags = []
        key = ids.new("31", 10)
        rec: Record = {"source": "boss", "cust_id": key,
                       "customer_type": rng.choice(["集团客户", "政企", "企业", "单位"])}
        name = o["name"]
        if rng.random() < 0.05:
            name, name_tags = org_name_variant(o, rng)
            tags += name_tags
        rec["cust_name"] = name
        r = rng.random()
        if r < 0.05:
            tags.append("credit_missing")
        elif r < 0.09:
            rec["cert_type"] = "营业执照"
            rec["cert_no"] = o["regno"]
            tags.append("legacy_reg_no")
        else:
            rec["cert_type"] = wchoice(rng, org_labels)
            rec["cert_no"] = o["uscc"] if rng.random() < 0.95 else o["uscc"].lower()
            if rec["cert_no"] != o["uscc"]:
                tags.append("credit_lower")
        rec["addr"] = render_addr(o["addr"], "full")
        rec["msisdn"], tag = fmt_landline(o["area"], o["switch"], rng, 0.2)
        if tag:
            tags.append(tag)
        if o["kind"] == "indiv":
            tags.append("individual_business")
        rec["customer_status"] = "正常"
        rec["update_time"] = ts_fmt(rand_date(rng, dt.datetime(2020, 1, 1), END), "space")
        lines.append(rec)
        out.add("boss", key, o["eid"], tags)
    rng.shuffle(lines)
    with open(os.path.join(out_dir, "boss.jsonl"), "w", encoding="utf-8") as f:
        for rec in lines:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return len(lines)


def org_name_variant(o: Org, rng: random.Random) -> tuple[str, list[str]]:
    """One or two of the ways silos spell a registered name differently: (name, tags)."""
    name, city = o["name"], o["city"]
    cshort = city[:-1]
    opts: list[tuple[str, Callable[[str], str]]] = []
    if name.endswith("有限责任公司"):
        opts.append(("org_name_suffix", lambda n: n.replace("有限责任公司", "有限公司")))
    elif name.endswith("有限公司") and not name.endswith("股份有限公司"):
        opts.append(("org_name_suffix", lambda n: n[:-4] + "有限责任公司"))
    if name.startswith(city):
        opts.append(("org_name_no_city", lambda n: n[len(city):] if n.startswith(city) else n))
        opts.append(("org_name_city_short", lambda n: cshort + n[len(city):] if n.startswith(city) else n))
        if "有限" in name:
            opts.append(("org_name_paren", lambda n: (n[len(city):] if n.startswith(city) else n).replace(
                "有限", f"（{cshort}）有限", 1)))
            opts.append(("org_name_paren", lambda n: (n[len(city):] if n.startswith(city) else n).replace(
                "有限", f"({cshort})有限", 1)))
    if not opts:
        t = "".join(TRAD.get(c, c) for c in name)
        return (t, ["traditional_name"]) if t != name else (name, [])
    k = 2 if len(opts) > 1 and rng.random() < 0.25 else 1
    tags = []
    for tag, f in rng.sample(opts, k):
        n2 = f(name)
        if n2 != name and tag not in tags:
            name = n2
            tags.append(tag)
    return name, tags


def write_billing(w: World, out_dir: str, rng: random.Random, ids: Ids, out: Out) -> int:
    """billing.csv (GB18030): accounts per group of lines, residence address, contact phone of any kind."""
    header = ["用户编号", "来源系统", "客户类型", "客户名称", "证件类型", "证件号码", "联系电话", "通讯地址",
              "电子邮箱", "付费方式", "开户日期", "状态", "更新时间"]
    rows: list[dict[str, Any]] = []

    def holder_now(num: str, t: dt.datetime = END) -> Holding | None:
        """Who holds the number at the end of the export (to tag stale phones)."""
        return w.holder_at(num, t)

    for p in w.people:
        if p["cat"] != "cust":
            continue
        # accounts: most lines have an account; several lines may share one
        mobs = list(p["mobiles"])
        groups: list[list[Holding]] = []
        for h in mobs:
            if rng.random() < 0.08:
                continue     # line billed elsewhere / no account in export
            if groups and rng.random() < 0.35:
                groups[-1].append(h)
            else:
                groups.append([h])
        if p["landline"] and rng.random() < 0.7:
            groups.append([p["landline"]])
        for g in groups:
            tags = []
            h = g[0]
            key = ids.new("88", 11)
            row: dict[str, Any] = {"用户编号": key, "来源系统": "billing",
                                   "客户类型": rng.choices(["个人", "公众客户", "个人客户"], [70, 20, 10])[0]}
            # holder name
            r = rng.random()
            name = p["name"]
            if r < 0.06:
                nv = typo_name(name, rng, "homophone")
                if nv:
                    name = nv
                    tags.append("typo_name_homophone")
            elif r < 0.085:
                nv = typo_name(name, rng, "lookalike")
                if nv:
                    name = nv
                    tags.append("typo_name_lookalike")
            elif r < 0.125:
                nv = trad_name(name)
                if nv:
                    name = nv
                    tags.append("traditional_name")
            elif r < 0.14:
                name = ""
                tags.append("missing_name")
            elif r < 0.15 and not p["uyghur"]:
                name = " ".join(name) if rng.random() < 0.5 else name[0] + " " + name[1:]
                tags.append("name_spaces")
            if p["uyghur"] and name and rng.random() < 0.5:
                name = name.replace("·", rng.choice([".", "•", "・", ""]))
                tags.append("dot_variant_name")
            row["客户名称"] = name
            # id
            if rng.random() < 0.35:
                row["证件类型"] = rng.choice(["身份证", "居民身份证", "01"])
                row["证件号码"] = id_text(p, rng, tags, allow15=True, masked=True)
            # contact phone
            hh = p["household"]
            others = [m for m in (hh["members"] if hh else []) if m is not p]
            r = rng.random()
            phone: str | None = None
            if h["type"] == "landline":
                phone, tag = fmt_landline(h["area"], h["local"], rng, 0.3)
                if len({x["eid"] for x in w.number_holdings[h["number"]]}) > 1:
                    tags.append("recycled_number")
                tags.append("landline_account")
                if tag:
                    tags.append(tag)
            elif r < 0.09 and others:
                rel = rng.choice(others)
                rel_active = [x for x in rel["mobiles"] if x["until"] is None] or rel["mobiles"]
                if rel_active:
                    phone, tag = fmt_mobile(rng.choice(rel_active)["number"], rng, 0.25)
                    tags.append("relative_phone")
                    if tag:
                        tags.append(tag)
            elif r < 0.13 and hh and hh.get("landline_h"):
                lh = hh["landline_h"]
                phone, tag = fmt_landline(lh["area"], lh["local"], rng, 0.3)
                tags.append("shared_line")
                if tag:
                    tags.append(tag)
            elif r < 0.16:
                tags.append("phone_missing")
            if phone is None and "phone_missing" not in tags:
                nums = [x["number"] for x in g]
                if len(nums) > 1 and rng.random() < 0.5:
                    phone = "/".join(nums)
                    tags.append("multi_phone_cell")
                else:
                    phone, tag = fmt_mobile(h["number"], rng, 0.25)
                    if tag:
                        tags.append(tag)
                    if rng.random() < 0.02:
                        n_ = h["number"]
                        phone = (n_[0] + "." + n_[1:] + "E10") if rng.random() < 0.5 else n_ + ".0"
                        tags.append("phone_float")
                for x in g:
                    holders = {y["eid"] for y in w.number_holdings[x["number"]]}
                    if len(holders) > 1:
                        tags.append("recycled_number")
                        cur = holder_now(x["number"])
                        if x["until"] is not None and cur is not None and cur["eid"] != p["eid"]:
                            tags.append("stale_phone")
            if phone:
                row["联系电话"] = phone
            # address: residence, often partial
            a = p["res"]
            if a is not p["cert"]:
                tags.append("address_not_cert")
            r = rng.random()
            if r < 0.42:
                addr = render_addr(a, "full")
            elif r < 0.55:
                addr = render_addr(a, "no_prov")
                tags.append("partial_address")
            elif r < 0.82:
                addr = render_addr(a, "district")
                tags.append("partial_address")
            elif r < 0.88:
                addr = render_addr(a, "street")
                tags.append("partial_address")
            else:
                addr = ""
                tags.append("address_missing")
            if addr:
                addr = addr_variant(addr, rng, tags)
            row["通讯地址"] = addr
            if p["email"] and rng.random() < 0.3:
                row["电子邮箱"] = p["email"]
            row["付费方式"] = rng.choice(["预付费", "后付费", "后付费"])
            od = h["since"]
            row["开户日期"] = rng.choice([od.strftime("%Y-%m-%d"), od.strftime("%Y%m%d"),
                                       f"{od.year}/{od.month}/{od.day}", od.strftime("%d/%m/%Y")])
            closed = all(x["until"] is not None for x in g)
            row["状态"] = "销户" if closed else rng.choice(["正常", "正常", "正常", "欠费停机"])
            up = rand_date(rng, max(dt.datetime(2021, 1, 1), max(x["since"] for x in g)), END)
            row["更新时间"] = ts_fmt(up, rng.choice(["space", "slash", "compact"]))
            rows.append(row)
            out.add("billing", key, p["eid"], tags)
    # enterprise accounts
    for o in w.orgs:
        if rng.random() > 0.8:
            continue
        for _ in range(rng.choices([1, 2, 3], [60, 30, 10])[0]):
            tags = []
            key = ids.new("89", 11)
            row = {"用户编号": key, "来源系统": "billing",
                   "客户类型": rng.choice(["政企", "集团客户", "企业"])}
            name = o["name"]
            if rng.random() < 0.25:
                name, t = org_name_variant(o, rng)
                tags += t
            row["客户名称"] = name
            if rng.random() < 0.5:
                row["证件类型"] = rng.choice(["统一社会信用代码", "营业执照", "USCC"])
                row["证件号码"] = o["uscc"]
            else:
                tags.append("credit_missing")
            r = rng.random()
            if r < 0.6 and o["contacts"]:
                c = rng.choice(o["contacts"])
                num = c.get("other_mobile") or ((([x for x in c["mobiles"] if x["until"] is None]
                                                  or c["mobiles"])[-1])["number"])
                row["联系电话"], tag = fmt_mobile(num, rng, 0.2)
                tags.append("contact_person_phone")
            elif r < 0.9:
                row["联系电话"], tag = fmt_landline(o["area"], o["switch"], rng, 0.3)
            else:
                tag = None
                tags.append("phone_missing")
            if tag:
                tags.append(tag)
            row["通讯地址"] = render_addr(o["addr"], rng.choice(["full", "no_prov", "district"]))
            row["付费方式"] = "后付费"
            year, month, day = rng.randint(2008, 2023), rng.randint(1, 12), rng.randint(1, 28)
            row["开户日期"] = f"{year}-{month:02d}-{day:02d}"
            row["状态"] = "正常"
            row["更新时间"] = ts_fmt(rand_date(rng, dt.datetime(2021, 1, 1), END), "space")
            if o["kind"] == "indiv":
                tags.append("individual_business")
            rows.append(row)
            out.add("billing", key, o["eid"], tags)
    rng.shuffle(rows)
    with open(os.path.join(out_dir, "billing.csv"), "w", encoding="gb18030", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=header)
        wr.writeheader()
        for row in rows:
            wr.writerow(row)
    return len(rows)


def honorific(p: Person, rng: random.Random, tags: list[str], wrong: bool = False) -> str:
    """How an agent writes a caller: 王先生, 李女士, 老王, 王总, bare surname (wrong: the other sex)."""
    male = p["male"] if not wrong else not p["male"]
    age = 2024 - p["birth"].year
    s = p["surname"]
    if s is None:   # dotted minority name
        tags.append("given_name_only")
        return p["name"].split("·")[0]
    r = rng.random()
    if age >= 50 and r < 0.08:
        tags.append("elder_form_name")
        return "老" + s
    if r < 0.05:
        tags.append("honorific_name")
        return s + rng.choice(["总", "经理"])
    if r < 0.09:
        tags.append("surname_only_name")
        return s
    tags.append("honorific_name")
    if male:
        return s + "先生"
    if age < 32 and rng.random() < 0.6:
        return s + "小姐"
    return s + "女士"


def write_callcenter(w: World, out_dir: str, rng: random.Random, ids: Ids, out: Out) -> int:
    """callcenter.jsonl: calls with partial names and the number used at that instant (or day)."""
    lines: list[Record] = []
    services = ["话费查询", "套餐变更", "宽带报障", "投诉-信号", "积分兑换", "停开机", "账单疑问", "携号转网咨询",
                "流量包办理", "密码重置", "国际漫游"]
    seq = [0]

    def call_line(caller: Person, phone_h: Holding | None, t: dt.datetime, tags: list[str],
                  phone_override: str | None = None) -> None:
        """Write one call by caller on holding phone_h (or a given number) at t."""
        seq[0] += 1
        key = f"GD{t.strftime('%Y%m%d')}{seq[0]:06d}"
        rec: Record = {"source": "callcenter", "id": key, "customer_type": "个人"}
        # caller name as the agent typed it
        r = rng.random()
        if r < 0.26:
            name = caller["name"]
            if rng.random() < 0.12:
                nv = typo_name(name, rng, "homophone")
                if nv:
                    name = nv
                    tags.append("typo_name_homophone")
        elif r < 0.34:
            name = rng.choice(["", "未知", "匿名", None])
            tags.append("missing_name")
        else:
            wrong = rng.random() < 0.012
            if wrong:
                tags.append("wrong_honorific")
            name = honorific(caller, rng, tags, wrong)
        if name is not None:
            rec["customer_name"] = name
        # phone and window
        if phone_override is not None:
            num = phone_override
        elif phone_h is None:   # every call without phone_override names a holding
            raise ValueError("call_line needs phone_h or phone_override")
        elif phone_h["type"] == "landline":
            if rng.random() < 0.08:
                num = phone_h["local"]
                tags.append("landline_no_area_code")
            else:
                num, tag = fmt_landline(phone_h["area"], phone_h["local"], rng, 0.4)
                if tag:
                    tags.append(tag)
        else:
            num, tag = fmt_mobile(phone_h["number"], rng, 0.15)
            if tag:
                tags.append(tag)
        ws = rng.choices(["iso", "space", "epoch_ms", "day"], [30, 40, 15, 15])[0]
        if ws == "day":
            d = t.strftime("%Y-%m-%d")
            win: dict[str, Any] = {"number": num, "since": d, "until": d}
            tags.append("day_window")
        else:
            v = ts_fmt(t, ws)
            win = {"number": num, "since": v, "until": v}
        rec["tel"] = [win]
        if rng.random() < 0.4 and "missing_name" not in tags:
            rec["sex"] = "男" if caller["male"] else "女"
        rec["call_time"] = t.strftime("%Y-%m-%d %H:%M:%S")
        rec["service_type"] = rng.choice(services)
        rec["agent_id"] = f"A{rng.randint(1, 800):04d}"
        lines.append(rec)
        out.add("callcenter", key, caller["eid"], tags)

    def call_time(a: dt.datetime, b: dt.datetime) -> dt.datetime:
        """An instant in [a, b), mostly in business hours."""
        t = rand_date(rng, a, b)
        # business hours mostly
        return t.replace(hour=rng.choices(range(24), [1] * 8 + [6] * 12 + [3] * 4)[0])

    def active(hs: list[Holding], t: dt.datetime) -> list[Holding]:
        """The holdings whose window contains t."""
        return [h for h in hs if h["since"] <= t and (h["until"] is None or t < h["until"])]

    def calls_from(p: Person, n: int, window: tuple[dt.datetime, dt.datetime] = (CALL_START, END)) -> None:
        """n calls of a customer from own, family fixed or a relative's line, active at the call."""
        hh = p["household"]
        for _ in range(n):
            for _attempt in range(5):
                t = call_time(*window)
                own = active(p["mobiles"], t)
                if own:
                    break
            else:
                continue
            tags = []
            r = rng.random()
            lh = hh.get("landline_h") if hh else None
            if lh and r < 0.15 and active([lh], t):
                tags.append("landline_call")
                if lh["eid"] != p["eid"]:
                    tags.append("shared_line")
                call_line(p, lh, t, tags)
                continue
            if hh and r > 0.955:
                others = [m for m in hh["members"] if m is not p]
                rel_h = [h for m in others for h in active(m["mobiles"], t)]
                if rel_h:
                    tags.append("relative_phone")
                    call_line(p, rng.choice(rel_h), t, tags)
                    continue
            h = rng.choice(own)
            if len({x["eid"] for x in w.number_holdings[h["number"]]}) > 1:
                tags.append("recycled_number")
            call_line(p, h, t, tags)

    for p in w.people:
        if p["cat"] == "cust":
            n = rng.choices([0, 1, 2, 3, 4, 5], [52, 26, 12, 5, 3, 2])[0]
            calls_from(p, n)
        elif p["cat"] == "nc_caller":
            n = rng.choices([1, 2, 3], [70, 20, 10])[0]
            for _ in range(n):
                t = call_time(CALL_START, END)
                tags = ["non_customer"]
                num, tag = fmt_mobile(p["other_mobile"], rng, 0.15)
                if tag:
                    tags.append(tag)
                call_line(p, None, t, tags, phone_override=num)
    # recycled numbers: calls on both sides of a reassignment inside the call-center window
    for hs in w.number_holdings.values():
        if len({h["eid"] for h in hs}) < 2:
            continue
        hs = sorted(hs, key=lambda h: h["since"])
        for a, b in zip(hs, hs[1:], strict=False):   # consecutive holders
            if a["until"] and a["until"] > CALL_START and rng.random() < 0.6:
                pa = w.people[int(a["eid"][1:]) - 1]
                t0 = max(a["since"], CALL_START)
                if a["until"] - t0 > dt.timedelta(days=2):
                    t = call_time(t0, a["until"] - dt.timedelta(days=1))
                    call_line(pa, a, t, ["recycled_number"])
            if b["since"] > CALL_START - dt.timedelta(days=365) and rng.random() < 0.7:
                pb = w.people[int(b["eid"][1:]) - 1]
                t0 = max(b["since"], CALL_START)
                t1 = b["until"] or END
                if t1 - t0 > dt.timedelta(days=2):
                    t = call_time(t0 + dt.timedelta(days=1), t1)
                    call_line(pb, b, t, ["recycled_number"])
    lines.sort(key=lambda r: r["call_time"])
    with open(os.path.join(out_dir, "callcenter.jsonl"), "w", encoding="utf-8") as f:
        for rec in lines:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return len(lines)


def write_keyaccount(w: World, out_dir: str, rng: random.Random, ids: Ids, out: Out) -> int:
    """keyaccount.jsonl (Chinese keys): enterprises and their contact persons, one record per contact role."""
    lines: list[Record] = []
    seen_contact: dict[str, bool] = {}
    for o in w.orgs:
        if rng.random() < 0.85:
            tags = []
            key = ids.new("KA", 9)
            rec: Record = {"来源系统": "keyaccount", "客户编号": key,
                           "客户类别": rng.choice(["集团客户", "政企"])}
            name = o["name"]
            if rng.random() < 0.45:
                name, t = org_name_variant(o, rng)
                tags += t
            if rng.random() < 0.02:
                name = "".join(TRAD.get(c, c) for c in name)
                tags.append("traditional_name")
            rec["企业名称"] = name
            r = rng.random()
            if r < 0.07:
                tags.append("credit_missing")
            elif r < 0.12:
                rec["统一社会信用代码"] = o["regno"]
                tags.append("legacy_reg_no")
            elif r < 0.17:
                rec["统一社会信用代码"] = o["uscc"].lower()
                tags.append("credit_lower")
            elif r < 0.20:
                u = o["uscc"]
                rec["统一社会信用代码"] = f"{u[:2]} {u[2:8]} {u[8:]}"
                tags.append("credit_spaced")
            else:
                rec["统一社会信用代码"] = o["uscc"]
            rec["地址"] = render_addr(o["addr"], rng.choice(["full", "full", "no_prov"]))
            if rng.random() < 0.7:
                rec["电话"], tag = fmt_landline(o["area"], o["switch"], rng, 0.3)
                if tag:
                    tags.append(tag)
            rec["集团级别"] = rng.choice(["A", "B", "C"])
            rec["行业"] = rng.choice(["制造业", "批发零售", "信息技术", "建筑", "服务业"])
            if o["kind"] == "indiv":
                tags.append("individual_business")
            lines.append(rec)
            out.add("keyaccount", key, o["eid"], tags)
        for c in o["contacts"]:
            if rng.random() < 0.1:
                continue
            tags = []
            key = ids.new("KC", 9)
            rec = {"来源系统": "keyaccount", "客户编号": key, "客户类别": rng.choice(["自然人", "个人"])}
            if c["eid"] in seen_contact:
                tags.append("multi_company_contact")
            seen_contact[c["eid"]] = True
            if c["cat"] != "cust":
                tags.append("non_customer")
            r = rng.random()
            if r < 0.1 and c["surname"]:
                rec["姓名"] = c["surname"] + rng.choice(["总", "经理", "主任", "工"])
                tags.append("honorific_name")
            elif r < 0.14:
                nv = typo_name(c["name"], rng, "homophone")
                rec["姓名"] = nv or c["name"]
                if nv:
                    tags.append("typo_name_homophone")
            else:
                rec["姓名"] = c["name"]
            rec["职务"] = rng.choice(TITLES)
            if c["cat"] == "cust":
                act = [x for x in c["mobiles"] if x["until"] is None]
                if act:
                    h = rng.choice(act)
                else:
                    h = c["mobiles"][-1]
                    tags.append("stale_phone")
                num = h["number"]
                if len({x["eid"] for x in w.number_holdings[num]}) > 1:
                    tags.append("recycled_number")
            else:
                num = c["other_mobile"]
            if rng.random() < 0.95:
                rec["手机"], tag = fmt_mobile(num, rng, 0.3)
                if tag:
                    tags.append(tag)
            else:
                tags.append("phone_missing")
            if rng.random() < 0.3:
                rec["证件号码"] = id_text(c, rng, tags, allow15=False)
            if c["email"] and rng.random() < 0.4:
                rec["邮箱"] = c["email"]
            rec["所属集团"] = o["name"]
            lines.append(rec)
            out.add("keyaccount", key, c["eid"], tags)
    rng.shuffle(lines)
    with open(os.path.join(out_dir, "keyaccount.jsonl"), "w", encoding="utf-8") as f:
        for rec in lines:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return len(lines)


def main() -> None:
    """Build the world for (--people, --seed) and write the four silos, truth, tags and manifest."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--people", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    w = World(a.people, a.seed)
    w.build_people()
    w.build_holdings()
    w.build_orgs()
    rng = random.Random(a.seed * 7919 + 3)
    ids = w.ids
    out = Out()
    counts = {
        "boss": write_boss(w, a.out, rng, ids, out),
        "billing": write_billing(w, a.out, rng, ids, out),
        "callcenter": write_callcenter(w, a.out, rng, ids, out),
        "keyaccount": write_keyaccount(w, a.out, rng, ids, out),
    }
    with open(os.path.join(a.out, "truth.csv"), "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["source", "source_key", "entity_id"])
        wr.writerows(out.truth)
    with open(os.path.join(a.out, "tags.csv"), "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["source", "source_key", "tags"])
        wr.writerows(out.tags)
    manifest = {
        "files": [
            {"file": "boss.jsonl", "format": "jsonl", "source": "boss", "key": "cust_id"},
            {"file": "billing.csv", "format": "csv", "encoding": "gb18030", "source": "billing",
             "key": "用户编号"},
            {"file": "callcenter.jsonl", "format": "jsonl", "source": "callcenter", "key": "id"},
            {"file": "keyaccount.jsonl", "format": "jsonl", "source": "keyaccount", "key": "客户编号"},
        ],
        "people": a.people, "seed": a.seed, "records": counts,
        "entities": len({e for _, _, e in out.truth}),
        "persons": len(w.people), "orgs": len(w.orgs), "recycled_assignments": w.n_recycled,
    }
    with open(os.path.join(a.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    print(json.dumps(manifest, ensure_ascii=False))


if __name__ == "__main__":
    main()
