#!/usr/bin/env python3
"""Generate the northern case: a Beijing–Tianjin–Hebei and Shandong operator's silos, with the truth.

    python bench/northern_case/generate.py --people 10000 --seed 5 --out /tmp/northern

Writes boss.csv, billing.jsonl, callcenter.csv, webchat.jsonl, app.jsonl and keyaccount.jsonl (the silo
exports), manifest.json, truth.csv (the real person or enterprise behind every record) and tags.csv (the
noise applied to every record). Standard library only; the same --people and --seed give the same files.
The world, the silos and every noise rate are described in README.md beside this file.
"""
from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NOW = dt.datetime(2025, 6, 30, 18, 0, 0)  # the export date; every naive time is China time
EPOCH_CN = dt.datetime(1970, 1, 1, 8, 0, 0)  # the Unix epoch in China time
DAY = dt.timedelta(days=1)

# Every rate the generator draws from, by part of the world; README.md explains each one.
RATES: dict[str, dict[str, float]] = {
    "world": {
        "migrant_household": 0.30, "customer": 0.86, "elderly_without_mobile": 0.25,
        "child_phone": 0.50, "fixed_line": 0.40, "fixed_line_with_elderly": 0.70,
        "number_change": 0.15, "port_out": 0.04, "close": 0.03, "recycle": 0.60,
        "common_name": 0.12, "namesake_single": 0.08, "compound_surname": 0.006,
        "hui": 0.025, "manchu": 0.015, "mongol": 0.01, "uyghur": 0.01,
        "foreign_single": 0.04, "hkmo_single": 0.02, "military": 0.004,
        "email": 0.55, "employee": 0.15, "enterprises_per_person": 0.04, "branch": 0.10,
        "second_line": 0.06, "second_line_closed": 0.60, "work_mobile": 0.40,
    },
    "address": {
        "old_district_before_merger": 0.80, "numerals": 0.15, "compact": 0.08, "repeat_city": 0.05,
        "partial": 0.06, "province": 0.20, "no_room_mark": 0.30,
    },
    "organization": {
        "suffix_swap": 0.12, "fullwidth_brackets": 0.30, "drop_group": 0.15,
        "old_account_org_code": 0.50, "old_account_reg_no": 0.30,
    },
    "boss": {
        "cert_type_blank": 0.30, "id_15_old_record": 0.60, "id_typo": 0.015, "id_transposed": 0.005,
        "id_missing": 0.02, "id_spaces": 0.01, "lower_x": 0.50, "military_id": 0.60,
        "name_typo": 0.015, "name_space": 0.01, "ethnic_separator": 0.20,
        "birth_missing": 0.10, "gender_missing": 0.10, "contact_relative": 0.18,
        "contact_relative_elderly": 0.35, "contact_own": 0.30, "email": 0.10, "organization": 0.55,
        "old_name_dup_typo": 0.40, "dup_moved": 0.60, "phone_format": 0.03,
    },
    "billing": {
        "account": 0.85, "second_account": 0.08, "dup_account": 0.50, "masked_id": 0.15,
        "id_missing": 0.05, "id_15_old_account": 0.20, "name_typo": 0.02, "paid_by_relative": 0.07,
        "paid_by_company": 0.25, "shared_email": 0.05, "email": 0.30, "organization": 0.65,
        "phone_format": 0.30, "fixed_contact": 0.05, "address_partial": 0.15, "lower_x": 0.50,
    },
    "callcenter": {
        "caller": 0.22, "noncustomer_factor": 0.30, "second_call": 0.35, "third_call": 0.10,
        "outsiders_per_person": 0.03, "fixed_line": 0.12, "relative_phone": 0.08, "full_name": 0.15,
        "honorific": 0.40, "master": 0.06, "teacher": 0.04, "lao": 0.02, "nickname": 0.02,
        "wrong_honorific": 0.03, "id_last4": 0.20, "trunk_prefix": 0.05, "plus86": 0.05,
    },
    "webchat": {
        "visitor": 0.14, "noncustomer_factor": 0.30, "second_session": 0.25, "outsiders_per_person": 0.01,
        "full_name": 0.15, "honorific": 0.25, "master": 0.0, "teacher": 0.0, "lao": 0.0, "nickname": 0.10,
        "wrong_honorific": 0.0,
    },
    "app": {
        "account": 0.38, "verified": 0.45, "profile_real_name": 0.25, "profile_pinyin": 0.15,
        "rebound": 0.70, "second_account": 0.30, "child_account": 0.30, "email": 0.45,
        "gender": 0.50, "birthday": 0.25, "id_fullwidth": 0.03, "id_spaces": 0.02, "plus86": 0.05,
        "lower_x": 0.50, "ethnic_separator": 0.40,
    },
    "keyaccount": {
        "organization": 0.75, "uscc": 0.80, "old_code": 0.15, "title_only": 0.20, "role_only": 0.20,
        "extension": 0.50, "gender": 0.40, "phone_format": 0.45, "abbreviation": 0.15,
    },
}


# -------------------------------------------------------------------------------------- reference data

def pairs(text: str) -> tuple[tuple[str, ...], ...]:
    """'王:wang 李:li' -> (('王', 'wang'), ('李', 'li')): compact tables of characters and their pinyin."""
    return tuple(tuple(item.split(":")) for item in text.split())


SURNAMES = pairs(
    "王:wang:90 李:li:85 张:zhang:85 刘:liu:65 赵:zhao:30 杨:yang:30 陈:chen:25 孙:sun:25 高:gao:20 "
    "郭:guo:20 马:ma:20 于:yu:18 徐:xu:15 韩:han:15 周:zhou:13 吴:wu:12 朱:zhu:11 宋:song:11 曹:cao:10 "
    "田:tian:10 董:dong:10 吕:lv:9 崔:cui:9 姜:jiang:9 黄:huang:8 胡:hu:8 冯:feng:8 杜:du:8 魏:wei:8 "
    "许:xu:7 郑:zheng:7 孟:meng:7 白:bai:7 郝:hao:6 常:chang:6 贾:jia:6 付:fu:6 薛:xue:6 闫:yan:6 "
    "梁:liang:6 任:ren:6 邢:xing:5 尹:yin:5 侯:hou:5 段:duan:5 史:shi:5 牛:niu:5 袁:yuan:5 丁:ding:5 "
    "石:shi:5 程:cheng:5 何:he:5 苏:su:5 范:fan:5 武:wu:5 谢:xie:4 唐:tang:4 林:lin:4 卢:lu:4 姚:yao:4 "
    "金:jin:4 康:kang:4 安:an:4 齐:qi:4 秦:qin:4 邓:deng:3 罗:luo:3 彭:peng:3 蒋:jiang:3 沈:shen:3 "
    "方:fang:3 葛:ge:3 庞:pang:3 耿:geng:3 焦:jiao:3 申:shen:3 曲:qu:3 翟:zhai:3 乔:qiao:3 岳:yue:3 "
    "贺:he:3 邵:shao:3 栾:luan:2 隋:sui:2 鞠:ju:2 臧:zang:2 丛:cong:2 宫:gong:2 辛:xin:2 殷:yin:2 "
    "靳:jin:2 柴:chai:2 温:wen:2 季:ji:2 谷:gu:2 苗:miao:2 房:fang:2 阎:yan:2 初:chu:1 逄:pang:1 解:xie:1")
COMPOUND_SURNAMES = pairs("欧阳:ouyang 司马:sima 诸葛:zhuge 上官:shangguan 慕容:murong 东方:dongfang "
                          "皇甫:huangfu 令狐:linghu 公孙:gongsun 夏侯:xiahou")
HUI_SURNAMES = pairs("马:ma 白:bai 哈:ha 纳:na 沙:sha 回:hui 穆:mu 海:hai 丁:ding 喇:la")
MANCHU_SURNAMES = pairs("关:guan 佟:tong 那:na 富:fu 索:suo 赫:he 金:jin 鄂:e 肇:zhao 依:yi")
GIVEN_CHARS = {
    "M": pairs("伟:wei 强:qiang 磊:lei 军:jun 勇:yong 杰:jie 涛:tao 斌:bin 超:chao 明:ming 刚:gang 平:ping "
               "辉:hui 鹏:peng 华:hua 飞:fei 鑫:xin 波:bo 宁:ning 健:jian 亮:liang 成:cheng 龙:long 峰:feng "
               "东:dong 浩:hao 凯:kai 宇:yu 帅:shuai 博:bo 建:jian 国:guo 志:zhi 文:wen 海:hai 振:zhen "
               "永:yong 德:de 庆:qing 春:chun 立:li 新:xin 兵:bing 旭:xu 晨:chen 俊:jun 泽:ze 宏:hong "
               "林:lin 金:jin 福:fu 山:shan 毅:yi"),
    "F": pairs("静:jing 丽:li 娜:na 敏:min 艳:yan 芳:fang 秀:xiu 英:ying 霞:xia 燕:yan 玲:ling 红:hong "
               "梅:mei 莉:li 婷:ting 雪:xue 琳:lin 颖:ying 慧:hui 洁:jie 倩:qian 晶:jing 璐:lu 佳:jia 欣:xin "
               "月:yue 萍:ping 桂:gui 兰:lan 凤:feng 淑:shu 珍:zhen 玉:yu 华:hua 春:chun 雅:ya 雨:yu "
               "涵:han 悦:yue 琪:qi 思:si 蕾:lei 媛:yuan 冬:dong 云:yun"),
}
OLD_GIVEN = {
    "M": pairs("建国:jianguo 建华:jianhua 国庆:guoqing 振华:zhenhua 德明:deming 福林:fulin 宝山:baoshan "
               "长海:changhai 永利:yongli 树林:shulin 志刚:zhigang 卫东:weidong 红军:hongjun 爱国:aiguo"),
    "F": pairs("秀英:xiuying 桂兰:guilan 淑珍:shuzhen 玉兰:yulan 凤英:fengying 秀兰:xiulan 桂芝:guizhi "
               "淑华:shuhua 玉珍:yuzhen 秀荣:xiurong 凤兰:fenglan 桂荣:guirong 淑英:shuying 秀珍:xiuzhen"),
}
YOUNG_GIVEN = {
    "M": pairs("浩然:haoran 梓轩:zixuan 宇轩:yuxuan 子墨:zimo 俊熙:junxi 沐阳:muyang 一鸣:yiming "
               "子豪:zihao 皓轩:haoxuan 天佑:tianyou"),
    "F": pairs("子涵:zihan 一诺:yinuo 欣怡:xinyi 雨桐:yutong 思彤:sitong 梓涵:zihan 诗涵:shihan "
               "可馨:kexin 梓萱:zixuan 若汐:ruoxi"),
}
COMMON_NAMES = {
    "M": pairs("张:伟:zhang:wei 王:伟:wang:wei 李:伟:li:wei 刘:伟:liu:wei 王:磊:wang:lei 李:强:li:qiang "
               "张:磊:zhang:lei 刘:洋:liu:yang 王:勇:wang:yong 李:军:li:jun 张:勇:zhang:yong "
               "王:强:wang:qiang 刘:军:liu:jun 王:刚:wang:gang"),
    "F": pairs("王:静:wang:jing 李:娜:li:na 张:静:zhang:jing 李:静:li:jing 王:丽:wang:li 张:丽:zhang:li "
               "王:芳:wang:fang 李:敏:li:min 张:敏:zhang:min 王:燕:wang:yan 李:霞:li:xia "
               "王:秀英:wang:xiuying 李:秀英:li:xiuying 张:秀英:zhang:xiuying 刘:洋:liu:yang"),
}
# Characters a clerk types for another of the same sound (homophone typos).
HOMOPHONES: dict[str, str] = {char: others for char, others in pairs(
    "伟:玮炜 静:婧晶 丽:莉俐 娜:那 敏:民 磊:雷 军:君钧 红:宏鸿 华:桦 英:瑛 峰:锋 杰:洁 涛:韬 明:铭 燕:艳雁 "
    "霞:侠 芳:方 平:萍 玲:琳 刚:钢 斌:彬 波:博 辉:晖 鹏:朋 秀:绣 兰:岚 凤:风 勇:永 超:潮 鑫:欣 东:冬 "
    "宇:雨 健:建 洋:阳 庆:青 珍:真 淑:书 桂:贵")}
UYGHUR_GIVEN = {
    "M": pairs("艾力:aili 阿迪力:adili 帕尔哈提:paerhati 伊力哈木:yilihamu 努尔兰:nuerlan 艾尔肯:aierken"),
    "F": pairs("古丽娜尔:gulinaer 迪丽娜扎:dilinazha 阿依古丽:ayiguli 热依拉:reyila 米热古丽:mireguli "
               "帕提古丽:patiguli"),
}
UYGHUR_FATHER = pairs("买买提:maimaiti 吐尔逊:tuerxun 阿不都拉:abudula 艾山:aishan 玉素甫:yusufu "
                      "热合曼:reheman 依明:yiming 卡德尔:kadeer")
MONGOL_NAMES = {
    "M": pairs("巴特尔:bateer 苏和:suhe 额尔敦:eerdun 朝鲁:chaolu 孟和:menghe 阿拉坦:alatan 巴雅尔:bayaer "
               "那顺:nashun"),
    "F": pairs("乌云:wuyun 其其格:qiqige 斯琴:siqin 萨仁:saren 图雅:tuya 乌兰:wulan 格日勒:gerile "
               "娜仁花:narenhua"),
}
KOREAN_SURNAMES = pairs("KIM:金 LEE:李 PARK:朴 CHOI:崔 JUNG:郑 KANG:姜")
KOREAN_GIVEN = {"M": pairs("MINJUN:敏俊 JIHOON:志勋 DONGHYUN:东贤 SEUNGWOO:承宇"),
                "F": pairs("SEOYEON:瑞妍 HAEUN:夏恩 SUBIN:秀彬 JIYEON:智妍")}
WESTERN = {"M": pairs("SMITH_JOHN:约翰·史密斯 IVANOV_ALEKSEI:阿列克谢·伊万诺夫 SATO_HIROSHI:佐藤宏"),
           "F": pairs("PETROVA_ANNA:安娜·彼得罗娃 TANAKA_YUKI:田中由纪 BROWN_EMILY:艾米丽·布朗")}
HKMO_SURNAMES = pairs("陈:chan 黄:wong 梁:leung 李:lee 张:cheung 何:ho 林:lam 吴:ng")
HKMO_GIVEN = {"M": pairs("家豪:kahou 志伟:chiwai 家乐:kalok 子健:tszkin 俊杰:chunkit"),
              "F": pairs("嘉欣:kayan 嘉敏:kaman 静仪:chingyi 咏诗:wingsze 美玲:meiling")}
UYGHUR_REGIONS = ("650102", "653101", "650402")
MONGOL_REGIONS = ("150102", "150402", "152502")
MIGRANT_REGIONS = (
    "230102", "230103", "230602", "220102", "220204", "210102", "210202", "210302", "211002",  # 东北
    "410102", "410105", "410305", "411302", "411502", "411602", "410526",  # 河南
    "140105", "140106", "140213", "140802", "140702",  # 山西
    "150102", "150203", "150402", "150502",  # 内蒙古
    "340102", "341202", "130902", "131102", "130402", "130502", "371302", "371702")  # 安徽, 河北, 山东


@dataclass(frozen=True)
class District:
    """A district or county; `old` names the one it absorbed (old name, old code, year, share of homes)."""
    name: str
    code: str
    rural: bool = False
    old: tuple[str, str, int, float] | None = None


@dataclass(frozen=True)
class City:
    """A city of the operator's footprint, with its fixed-line area code and local number length."""
    name: str
    abbr: str
    label: str
    province: str
    area: str
    local_len: int
    weight: int
    districts: tuple[District, ...]


D = District
CITIES = (
    City("北京", "bj", "北京市", "北京市", "010", 8, 30, (
        D("东城区", "110101", old=("崇文区", "110103", 2010, 0.4)),
        D("西城区", "110102", old=("宣武区", "110104", 2010, 0.45)),
        D("朝阳区", "110105"), D("丰台区", "110106"), D("石景山区", "110107"), D("海淀区", "110108"),
        D("通州区", "110112"), D("昌平区", "110114"), D("大兴区", "110115"),
        D("延庆区", "110119", True, ("延庆县", "110229", 2015, 1.0)),
        D("密云区", "110118", True, ("密云县", "110228", 2015, 1.0)))),
    City("天津", "tj", "天津市", "天津市", "022", 8, 16, (
        D("和平区", "120101"), D("河东区", "120102"), D("河西区", "120103"), D("南开区", "120104"),
        D("河北区", "120105"), D("红桥区", "120106"), D("东丽区", "120110"), D("西青区", "120111"),
        D("滨海新区", "120116", old=("塘沽区", "120107", 2009, 0.6)),
        D("蓟州区", "120119", True, ("蓟县", "120225", 2016, 1.0)))),
    City("石家庄", "sjz", "石家庄市", "河北省", "0311", 8, 10, (
        D("长安区", "130102", old=("桥东区", "130103", 2014, 0.4)), D("桥西区", "130104"),
        D("新华区", "130105"), D("裕华区", "130108"),
        D("藁城区", "130109", True, ("藁城市", "130182", 2014, 1.0)),
        D("正定县", "130123", True), D("辛集市", "130181", True))),
    City("保定", "bd", "保定市", "河北省", "0312", 7, 8, (
        D("竞秀区", "130602", old=("新市区", "130602", 2015, 1.0)),
        D("莲池区", "130606", old=("北市区", "130603", 2015, 0.5)),
        D("涿州市", "130681", True), D("高碑店市", "130684", True), D("定兴县", "130626", True))),
    City("唐山", "ts", "唐山市", "河北省", "0315", 7, 7, (
        D("路南区", "130202"), D("路北区", "130203"), D("古冶区", "130204"),
        D("曹妃甸区", "130209", True, ("唐海县", "130230", 2012, 1.0)),
        D("遵化市", "130281", True), D("迁安市", "130283", True))),
    City("济南", "jn", "济南市", "山东省", "0531", 8, 11, (
        D("历下区", "370102"), D("市中区", "370103"), D("槐荫区", "370104"), D("天桥区", "370105"),
        D("历城区", "370112"), D("章丘区", "370114", True, ("章丘市", "370181", 2016, 1.0)))),
    City("青岛", "qd", "青岛市", "山东省", "0532", 8, 12, (
        D("市南区", "370202"), D("市北区", "370203", old=("四方区", "370205", 2012, 0.4)),
        D("黄岛区", "370211", old=("胶南市", "370284", 2012, 0.4)), D("崂山区", "370212"),
        D("李沧区", "370213"), D("城阳区", "370214"), D("胶州市", "370281", True))),
    City("烟台", "yt", "烟台市", "山东省", "0535", 7, 6, (
        D("芝罘区", "370602"), D("福山区", "370611"), D("牟平区", "370612"), D("莱山区", "370613"),
        D("蓬莱区", "370614", True, ("蓬莱市", "370684", 2020, 1.0)),
        D("龙口市", "370681", True), D("莱阳市", "370682", True))),
)
ESTATES = ("阳光", "幸福", "金色", "和平", "光明", "翠湖", "锦绣", "世纪", "华远", "东方", "康乐", "富力",
           "万科", "保利", "怡景", "龙湖", "丽都", "玉泉", "建馨", "紫金", "长城", "碧水", "泰华", "银河")
ESTATE_SUFFIXES = ("小区", "花园", "家园", "新城", "嘉园", "苑", "小区", "园")
ROADS = ("建设路", "人民路", "解放路", "中山路", "和平路", "胜利大街", "新华路", "友谊大街", "长江道",
         "黄河道", "青年路", "文化路", "工业路", "迎宾路", "北京路", "南京路", "经十路", "泉城路", "香港中路")
HUTONGS = ("史家", "雨儿", "帽儿", "菊儿", "东四三条", "西四北二条", "砖塔", "礼士", "大石作", "百花深处")
TIANJIN_LI = ("荣安", "安善", "同安", "华安", "丽江", "龙潭", "昆明", "长春", "体院北", "宜宾")
TOWNS = ("码头", "东城坊", "松林店", "高官庄", "北河", "大辛庄", "马庄", "王家营", "南关", "石门")
VILLAGES = ("北章", "王庄", "李家庄", "东河", "前屯", "后营", "小营", "西辛庄", "孙家坞", "南关")
STREET_OFFICES = ("建设街道", "和平街道", "新华街道", "东风街道", "光明街道", "朝阳街道", "友谊街道",
                  "青年路街道", "解放街道", "胜利街道")
CN_DIGITS = "零一二三四五六七八九"

BRANDS = pairs("华信:huaxin 宏达:hongda 恒泰:hengtai 鑫源:xinyuan 博远:boyuan 金桥:jinqiao 海川:haichuan "
               "瑞丰:ruifeng 永盛:yongsheng 德润:derun 天成:tiancheng 聚力:juli 新元:xinyuan 兴业:xingye "
               "泰和:taihe 汇通:huitong 正阳:zhengyang 东升:dongsheng 北辰:beichen 利民:limin 安泰:antai "
               "嘉禾:jiahe 广源:guangyuan 众诚:zhongcheng 远航:yuanhang 燕山:yanshan 渤海:bohai 鲁丰:lufeng")
INDUSTRIES = ("科技", "信息技术", "物流", "建材", "置业", "医药", "食品", "机械制造", "电子", "商贸",
              "餐饮管理", "物业管理", "文化传媒", "建筑工程", "汽车销售", "钢铁贸易", "海洋食品", "纺织",
              "环保科技")
ORG_SUFFIXES = (("有限公司", "60"), ("有限责任公司", "20"), ("股份有限公司", "10"), ("(集团)有限公司", "10"))
TITLES = pairs("总经理:总 副总经理:总 董事长:董 财务经理:经理 行政经理:经理 采购经理:经理 办公室主任:主任 "
               "信息部主管:工 网络工程师:工")

OWN_PREFIXES = ("130", "131", "132", "155", "156", "166", "175", "176", "185", "186")
OTHER_PREFIXES = ("134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159",
                  "182", "183", "187", "188", "198", "133", "153", "173", "177", "180", "181", "189", "199")
HALLS = ("中心营业厅", "东路营业厅", "北街营业厅", "新区营业厅", "大道营业厅")
MAIL_DOMAINS = ("163.com", "126.com", "qq.com", "sina.com", "sohu.com", "139.com", "wo.cn")


# ------------------------------------------------------------------------------------ identifier codes

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def id_check(body17: str) -> str:
    """GB 11643 check character of a resident ID's first 17 digits."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def resident_id(region: str, birth: dt.date, seq: int) -> str:
    """An 18-digit resident ID; the sequence's parity is the holder's sex (odd: male)."""
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check(body)


def old_id(id18: str) -> str:
    """The 15-digit card the same person held before 1999: no century, no check digit."""
    return id18[:6] + id18[8:17]


def org_check(body8: str) -> str:
    """GB 11714 check character of an organization code's first 8 characters."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def uscc(region: str, org_code: str) -> str:
    """A unified social credit code (GB 32100) of an enterprise registered with the market regulator."""
    body = "91" + region + org_code
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + USCC_CHARS[(31 - total % 31) % 31]


def regno_check(body14: str) -> str:
    """ISO 7064 MOD 11,10 check digit of a 15-digit business registration number."""
    p = 10
    for c in body14:
        s = (p + int(c)) % 10 or 10
        p = s * 2 % 11
    return str((11 - p) % 10)


def is_valid_id(text: str) -> bool:
    """Whether an 18-character ID still carries a matching check digit (noise must break it)."""
    return len(text) == 18 and text[:17].isdigit() and id_check(text[:17]) == text[17]


# ------------------------------------------------------------------------------------------- the world

@dataclass
class Holding:
    """One person's use of one phone number for a time; `subscriber` is whose account it is on."""
    number: str
    user: str
    subscriber: str
    own: bool
    since: dt.datetime
    until: dt.datetime | None = None
    ported_at: dt.datetime | None = None

    def held_at(self, t: dt.datetime) -> bool:
        """Whether the user held the number at time t (a ported number stays with its user)."""
        return self.since <= t and (self.until is None or t < self.until)


@dataclass
class Address:
    """A home or office address in parts, so each silo can write it its own way."""
    city: City
    district: District
    former: bool
    style: str
    place: str
    building: int = 0
    unit: int = 0
    room: int = 0
    office: str = ""


@dataclass
class Person:
    """A real person: the truth every person record points to."""
    pid: str
    hid: str
    role: str
    gender: str
    birth: dt.date
    surname: str
    given: str
    name: str
    pinyin: tuple[str, str]
    ethnic: str
    city: City
    address: Address
    region: str = ""
    id18: str | None = None
    doc: tuple[str, str] | None = None
    alt_name: str = ""
    mobiles: list[Holding] = field(default_factory=list)
    second_line: Holding | None = None
    work_line: Holding | None = None
    work_email: str = ""
    customer_since: dt.datetime | None = None
    employer: str | None = None
    email: str | None = None


@dataclass
class Household:
    """People at one address; a fixed line, when there is one, is on one member's account."""
    hid: str
    city: City
    address: Address
    members: list[str] = field(default_factory=list)
    fixed: str | None = None
    fixed_subscriber: str | None = None
    fixed_since: dt.datetime | None = None


@dataclass
class Enterprise:
    """A real enterprise (or a branch, which is registered on its own)."""
    eid: str
    name: str
    short: str
    domain: str
    city: City
    address: Address
    founded: int
    org_code: str
    credit_code: str
    reg_no: str
    switchboard: str
    branch_of: str | None = None
    contacts: list[str] = field(default_factory=list)


@dataclass
class World:
    """Everything the silos are exported from."""
    persons: list[Person]
    households: list[Household]
    enterprises: list[Enterprise]
    by_pid: dict[str, Person]
    by_hid: dict[str, Household]
    by_eid: dict[str, Enterprise]
    by_number: dict[str, list[Holding]] = field(default_factory=dict)
    namesakes: set[str] = field(default_factory=set)

    def recycled(self, number: str) -> bool:
        """Whether more than one person has used the number (a recycled mobile number)."""
        return len({h.user for h in self.by_number.get(number, [])}) > 1


def rand_dt(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A time uniformly between start and end (start when the span is empty)."""
    span = int((end - start).total_seconds())
    return start + dt.timedelta(seconds=rng.randrange(span) if span > 0 else 0)


def years_before(t: dt.datetime | dt.date, years: int) -> dt.datetime:
    """The same day `years` earlier (28 February for 29 February), as a datetime."""
    d = t if isinstance(t, dt.date) and not isinstance(t, dt.datetime) else t.date()
    day = 28 if (d.month, d.day) == (2, 29) else d.day
    return dt.datetime(d.year - years, d.month, day)


def age_at(birth: dt.date, t: dt.datetime) -> int:
    """Completed years of age at time t."""
    return t.year - birth.year - ((t.month, t.day) < (birth.month, birth.day))


def birth_for_age(rng: random.Random, low: int, high: int) -> dt.date:
    """A birth date for someone aged between low and high at the export date."""
    latest = years_before(NOW, low)
    earliest = years_before(NOW, high + 1) + DAY
    return rand_dt(rng, earliest, latest).date()


def weighted(rng: random.Random, table: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    """Draw an entry of a table whose last column is its weight."""
    return rng.choices(table, weights=[int(row[-1]) for row in table])[0]


class Numbers:
    """Unique mobile and fixed-line numbers, so a number is shared only where the world says so."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def mobile(self, own: bool) -> str:
        """A fresh mobile number on this operator (own) or another."""
        while True:
            prefix = self.rng.choice(OWN_PREFIXES if own else OTHER_PREFIXES)
            n = prefix + f"{self.rng.randrange(10 ** 8):08d}"
            if n not in self.used:
                self.used.add(n)
                return n

    def fixed(self, city: City) -> str:
        """A fresh local fixed-line number (without area code) of the city."""
        while True:
            n = str(self.rng.randint(2, 8)) + "".join(str(self.rng.randrange(10))
                                                      for _ in range(city.local_len - 1))
            if city.area + n not in self.used:
                self.used.add(city.area + n)
                return n


# ---- names

def han_name(rng: random.Random, gender: str, birth: dt.date,
             surnames: Sequence[tuple[str, ...]] = SURNAMES) -> tuple[str, str, str, str]:
    """(surname, given, surname pinyin, given pinyin) in northern style, by the person's generation."""
    if surnames is SURNAMES and rng.random() < RATES["world"]["common_name"]:
        s, g, sp, gp = rng.choice(COMMON_NAMES[gender])
        return s, g, sp, gp
    if surnames is SURNAMES and rng.random() < RATES["world"]["compound_surname"]:
        s, sp = rng.choice(COMPOUND_SURNAMES)
    elif surnames is SURNAMES:
        s, sp, _ = weighted(rng, SURNAMES)
    else:
        s, sp = rng.choice(surnames)
    if birth.year < 1965 and rng.random() < 0.5:
        g, gp = rng.choice(OLD_GIVEN[gender])
    elif birth.year >= 2005 and rng.random() < 0.4:
        g, gp = rng.choice(YOUNG_GIVEN[gender])
    elif rng.random() < 0.38:
        g, gp = rng.choice(GIVEN_CHARS[gender])
    else:
        (c1, p1), (c2, p2) = rng.sample(GIVEN_CHARS[gender], 2)
        g, gp = c1 + c2, p1 + p2
    return s, g, sp, gp


def ethnic_of(rng: random.Random) -> str:
    """The ethnic group that decides how a local-born or migrant person's name is written."""
    r = rng.random()
    for group in ("hui", "manchu", "mongol", "uyghur"):
        r -= RATES["world"][group]
        if r < 0:
            return group
    return "han"


def name_for(rng: random.Random, ethnic: str, gender: str, birth: dt.date,
             family_surname: tuple[str, str] | None) -> tuple[str, str, str, tuple[str, str], str]:
    """(surname, given, name as on the document, pinyin, Chinese alias) for a person of the group."""
    if ethnic == "uyghur":
        g, gp = rng.choice(UYGHUR_GIVEN[gender])
        f, fp = rng.choice(UYGHUR_FATHER)
        return "", g, f"{g}·{f}", (fp, gp), ""
    if ethnic == "mongol":
        g, gp = rng.choice(MONGOL_NAMES[gender])
        if rng.random() < 0.3:
            g2, gp2 = rng.choice(MONGOL_NAMES[gender])
            g, gp = (g + g2, gp + gp2) if g2 != g else (g, gp)
        return "", g, g, ("", gp), ""
    if ethnic == "foreign":
        if rng.random() < 0.7:
            (s, sc), (g, gc) = rng.choice(KOREAN_SURNAMES), rng.choice(KOREAN_GIVEN[gender])
            return "", g, f"{s} {g}", (s.lower(), g.lower()), sc + gc
        latin, alias = rng.choice(WESTERN[gender])
        s, g = latin.split("_")
        return "", g, f"{s} {g}", (s.lower(), g.lower()), alias
    if ethnic == "hkmo":
        (s, sp), (g, gp) = rng.choice(HKMO_SURNAMES), rng.choice(HKMO_GIVEN[gender])
        return s, g, s + g, (sp, gp), ""
    table = HUI_SURNAMES if ethnic == "hui" else MANCHU_SURNAMES if ethnic == "manchu" else SURNAMES
    s, g, sp, gp = han_name(rng, gender, birth, table)
    if family_surname and s != family_surname[0] and rng.random() < 0.9:
        s, sp = family_surname
    return s, g, s + g, (sp, gp), ""


# ---- addresses

def cn_number(n: int) -> str:
    """1..99 in Chinese numerals, as clerks write building and unit numbers (三号楼, 十二单元)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def make_address(rng: random.Random, city: City) -> Address:
    """A northern address: estate with 号楼/单元/室, a hutong, a Tianjin 里 with 门, or a village."""
    district = rng.choice(city.districts)
    former = district.old is not None and rng.random() < district.old[3]
    office = rng.choice(STREET_OFFICES)
    if district.rural and rng.random() < 0.6:
        town = rng.choice(TOWNS) + rng.choice(("镇", "镇", "乡"))
        return Address(city, district, former, "village", f"{town}{rng.choice(VILLAGES)}村",
                       room=rng.randint(1, 300), office=town)
    if district.name in ("东城区", "西城区") and rng.random() < 0.5:
        return Address(city, district, former, "hutong", f"{rng.choice(HUTONGS)}胡同",
                       room=rng.randint(1, 90), office=office)
    b, u, r = rng.randint(1, 30), rng.randint(1, 6), rng.randint(1, 24) * 100 + rng.randint(1, 4)
    if city.name == "天津" and rng.random() < 0.5:
        return Address(city, district, former, "li", f"{rng.choice(TIANJIN_LI)}里", b, u, r, office)
    estate = rng.choice(ESTATES) + rng.choice(ESTATE_SUFFIXES)
    if rng.random() < 0.5:
        estate = f"{rng.choice(ROADS)}{rng.randint(1, 300)}号{estate}"
    return Address(city, district, former, "estate", estate, b, u, r, office)


def render_address(a: Address, *, old: bool = False, numerals: bool = False, compact: bool = False,
                   repeat_city: bool = False, province: bool = False, partial: bool = False,
                   no_room_mark: bool = False) -> str:
    """The address as one silo writes it; each flag is one writing habit or one kind of noise."""
    city = a.city.label * 2 if repeat_city else a.city.label
    if province and a.city.province != a.city.label:
        city = a.city.province + city
    district = a.district.old[0] if old and a.former and a.district.old else a.district.name
    if partial:
        return city + district + a.office
    num: Callable[[int], str] = cn_number if numerals else str
    if a.style == "village":
        return f"{city}{district}{a.place}{num(a.room) if a.room < 100 else a.room}号"
    if a.style == "hutong":
        return f"{city}{district}{a.place}{num(a.room)}号"
    if compact:
        return f"{city}{district}{a.place}{a.building}-{a.unit}-{a.room}"
    room = f"{a.room}" if no_room_mark else f"{a.room}室"
    if a.style == "li":
        return f"{city}{district}{a.place}{num(a.building)}号楼{num(a.unit)}门{room}"
    return f"{city}{district}{a.place}{num(a.building)}号楼{num(a.unit)}单元{room}"


# ---- building the world

HOUSEHOLD_TYPES = (("single", "25"), ("couple", "18"), ("family", "35"), ("three_generations", "15"),
                   ("elderly", "7"))


class WorldBuilder:
    """Builds households, people, enterprises and phone numbers, in that order, from one seeded rng."""

    def __init__(self, people: int, rng: random.Random) -> None:
        self.target = people
        self.rng = rng
        self.numbers = Numbers(rng)
        self.persons: list[Person] = []
        self.households: list[Household] = []
        self.enterprises: list[Enterprise] = []
        self.ids: set[str] = set()
        self.domains: set[str] = set()
        self.mailboxes: set[str] = set()
        self.holdings: list[Holding] = []

    def build(self) -> World:
        """The whole world, people first, then enterprises, then numbers and their recycling."""
        while len(self.persons) < self.target:
            self.household()
        del self.persons[self.target:]
        kept = {p.pid for p in self.persons}
        for h in self.households:
            h.members = [m for m in h.members if m in kept]
        self.households = [h for h in self.households if h.members]
        w = World(self.persons, self.households, [], {p.pid: p for p in self.persons},
                  {h.hid: h for h in self.households}, {})
        self.make_enterprises(w)
        for p in self.persons:
            if p.role != "child" or age_at(p.birth, NOW) >= 16:
                self.adult_mobiles(p)
        for p in self.persons:
            if p.role == "child" and age_at(p.birth, NOW) < 16:
                self.child_mobile(w, p)
        for h in self.households:
            self.fixed_line(w, h)
        self.work_lines(w)
        self.recycle()
        for hold in self.holdings:
            w.by_number.setdefault(hold.number, []).append(hold)
        for p in self.persons:
            p.email = self.email(p)
        w.namesakes = namesakes(self.persons)
        return w

    # -- people

    def household(self) -> None:
        """One household of a drawn type, with members whose ages fit their roles."""
        rng = self.rng
        city = rng.choices(CITIES, weights=[c.weight for c in CITIES])[0]
        h = Household(f"H{len(self.households) + 1:06d}", city, make_address(rng, city))
        self.households.append(h)
        kind = weighted(rng, HOUSEHOLD_TYPES)[0]
        migrant = rng.random() < RATES["world"]["migrant_household"]
        origin = rng.choice(MIGRANT_REGIONS) if migrant else None
        ethnic = ethnic_of(rng)
        if kind == "single":
            self.single(h, origin, ethnic)
            return
        low, high = {"couple": (22, 70), "family": (28, 58), "three_generations": (30, 55),
                     "elderly": (62, 88)}[kind]
        husband = self.person(h, "head" if rng.random() < 0.7 else "spouse", "M",
                              birth_for_age(rng, low, high), origin, ethnic=ethnic)
        wife_birth = husband.birth + dt.timedelta(days=rng.randint(-3 * 365, 6 * 365))
        wife = self.person(h, "spouse" if husband.role == "head" else "head", "F", wife_birth,
                           origin if rng.random() < 0.7 else
                           (rng.choice(MIGRANT_REGIONS) if origin else None),
                           ethnic=ethnic if rng.random() < 0.8 else "han")
        if kind in ("family", "three_generations"):
            for _ in range(1 if kind == "three_generations" or rng.random() < 0.65 else 2):
                born = wife.birth + dt.timedelta(days=rng.randint(22 * 365, 36 * 365))
                if born < NOW.date():
                    self.person(h, "child", rng.choice("MF"), born, None if born.year >= 2010 else origin,
                                (husband.surname, husband.pinyin[0]), ethnic)
        if kind == "three_generations":
            head = husband if rng.random() < 0.6 else wife
            father_birth = head.birth - dt.timedelta(days=rng.randint(22 * 365, 34 * 365))
            if age_at(father_birth, NOW) <= 95:
                self.person(h, "parent", "M", father_birth, origin, (head.surname, head.pinyin[0]),
                            head.ethnic)
            if rng.random() < 0.8:
                mother_birth = father_birth + dt.timedelta(days=rng.randint(-4 * 365, 3 * 365))
                self.person(h, "parent", "F", mother_birth, origin, ethnic=head.ethnic)

    def single(self, h: Household, origin: str | None, ethnic: str) -> None:
        """A one-person household: sometimes a foreigner or Hong Kong–Macau resident, sometimes a namesake."""
        rng = self.rng
        r = rng.random()
        if r < RATES["world"]["foreign_single"]:
            self.person(h, "single", rng.choice("MF"), birth_for_age(rng, 22, 60), None, ethnic="foreign")
            return
        if r < RATES["world"]["foreign_single"] + RATES["world"]["hkmo_single"]:
            self.person(h, "single", rng.choice("MF"), birth_for_age(rng, 22, 65), None, ethnic="hkmo")
            return
        p = self.person(h, "single", rng.choice("MF"), birth_for_age(rng, 20, 65), origin, ethnic=ethnic)
        if rng.random() < RATES["world"]["namesake_single"]:
            self.copy_name(p)

    def copy_name(self, p: Person) -> None:
        """Give p the name and birth year of an earlier person of the same sex and city (a namesake)."""
        peers = [q for q in self.persons[-600:] if q is not p and q.gender == p.gender and q.city is p.city
                 and q.ethnic == "han" and 20 <= age_at(q.birth, NOW) <= 65]
        if not peers or p.ethnic != "han":
            return
        q = self.rng.choice(peers)
        p.surname, p.given, p.name, p.pinyin = q.surname, q.given, q.name, q.pinyin
        day = min(p.birth.day, 28)
        p.birth = dt.date(q.birth.year, p.birth.month, day)
        p.id18 = self.resident_id(p.region, p.birth, p.gender)

    def person(self, h: Household, role: str, gender: str, birth: dt.date, origin: str | None,
               family_surname: tuple[str, str] | None = None, ethnic: str = "han") -> Person:
        """A new member of household h, with a name, an ID region and documents."""
        rng = self.rng
        s, g, name, py, alias = name_for(rng, ethnic, gender, birth, family_surname)
        p = Person(f"P{len(self.persons) + 1:06d}", h.hid, role, gender, birth, s, g, name, py, ethnic,
                   h.city, h.address, alt_name=alias)
        if ethnic == "foreign":
            letter = "M" if any(p.name.startswith(k + " ") for k, _ in KOREAN_SURNAMES) else "E"
            p.doc = ("passport", letter + f"{rng.randrange(10 ** 8):08d}")
        elif ethnic == "hkmo":
            p.doc = ("hkmo", rng.choice("HM") + f"{rng.randrange(10 ** 8):08d}")
        else:
            p.region = self.region(rng, h, birth, origin, ethnic)
            p.id18 = self.resident_id(p.region, birth, gender)
            if role != "child" and rng.random() < RATES["world"]["military"]:
                p.doc = ("military", f"军字第{rng.randrange(10 ** 7, 10 ** 8)}号")
        self.persons.append(p)
        h.members.append(p.pid)
        return p

    @staticmethod
    def region(rng: random.Random, h: Household, birth: dt.date, origin: str | None, ethnic: str) -> str:
        """The ID's region: the home district (its old code for those born before a merger) or the origin."""
        if ethnic == "uyghur":
            return rng.choice(UYGHUR_REGIONS)
        if ethnic == "mongol" and rng.random() < 0.7:
            return rng.choice(MONGOL_REGIONS)
        if origin:
            return origin
        d = h.address.district
        if d.old and h.address.former and birth.year < d.old[2]:
            return d.old[1]
        return d.code

    def resident_id(self, region: str, birth: dt.date, gender: str) -> str:
        """A unique 18-digit ID whose sequence parity matches the sex."""
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if gender == "M" else 0)
            rid = resident_id(region, birth, seq)
            if rid not in self.ids:
                self.ids.add(rid)
                return rid

    # -- enterprises

    def make_enterprises(self, w: World) -> None:
        """Enterprises (some branches of a group) and the employees who are their contacts."""
        rng = self.rng
        count = max(5, round(self.target * RATES["world"]["enterprises_per_person"]))
        names: set[str] = set()
        while len(self.enterprises) < count:
            parent = None
            groups = [e for e in self.enterprises if "(集团)" in e.name and e.branch_of is None]
            if groups and rng.random() < RATES["world"]["branch"]:
                parent = rng.choice(groups)
            e = self.enterprise(parent)
            if e.name not in names:
                names.add(e.name)
                self.enterprises.append(e)
        w.enterprises = self.enterprises
        w.by_eid = {e.eid: e for e in self.enterprises}
        workers: dict[str, list[Person]] = defaultdict(list)
        for p in self.persons:
            if 22 <= age_at(p.birth, NOW) <= 60 and p.role != "child":
                workers[p.city.name].append(p)
        for e in self.enterprises:
            pool = workers[e.city.name]
            for _ in range(rng.randint(1, 4)):
                if pool:
                    p = pool.pop(rng.randrange(len(pool)))
                    p.employer = e.eid
                    e.contacts.append(p.pid)
                    p.work_email = self.work_email(p, e)
        for pool in workers.values():
            for p in pool:
                if rng.random() < RATES["world"]["employee"]:
                    p.employer = rng.choice([e for e in self.enterprises if e.city is p.city] or
                                            self.enterprises).eid

    def enterprise(self, parent: Enterprise | None) -> Enterprise:
        """A registered enterprise with its codes; a branch is named after its group in another city."""
        rng = self.rng
        city = rng.choices(CITIES, weights=[c.weight for c in CITIES])[0]
        if parent:
            city = rng.choice([c for c in CITIES if c is not parent.city])
            name, short, domain = f"{parent.name}{city.name}分公司", parent.short, parent.domain
        else:
            brand, brand_py = rng.choice(BRANDS)
            industry = rng.choice(INDUSTRIES)
            suffix = weighted(rng, ORG_SUFFIXES)[0]
            name, short = f"{city.name}{brand}{industry}{suffix}", brand + industry
            domain = next(d for d in (f"{brand_py}.com.cn", f"{brand_py}{city.abbr}.com",
                                      f"{brand_py}{city.abbr}{len(self.enterprises)}.com")
                          if d not in self.domains)
            self.domains.add(domain)
        founded = rng.randint(1995, 2023)
        address = make_address(rng, city)
        if founded < 2015:
            body = f"{rng.randrange(10 ** 8):08d}"
        else:
            body = "MA" + "".join(rng.choice(USCC_CHARS) for _ in range(6))
        org = body + org_check(body)
        body14 = address.district.code + f"{rng.randrange(10 ** 8):08d}"
        return Enterprise(f"E{len(self.enterprises) + 1:05d}", name, short, domain, city, address, founded,
                          org, uscc(address.district.code, org), body14 + regno_check(body14),
                          self.numbers.fixed(city), parent.eid if parent else None)

    def work_email(self, p: Person, e: Enterprise) -> str:
        """A company mailbox: surname and given-name initials (wangjg@...), numbered when taken."""
        sp, gp = p.pinyin
        base = sp + "".join(s[0] for s in split_syllables(gp)) if sp else gp
        boxes = (f"{base}{i if i > 1 else ''}@{e.domain}" for i in range(1, 1000))
        box = next(b for b in boxes if b not in self.mailboxes)
        self.mailboxes.add(box)
        return box

    # -- numbers

    def hold(self, number: str, user: str, subscriber: str, own: bool, since: dt.datetime) -> Holding:
        """Record a holding of a number."""
        h = Holding(number, user, subscriber, own, since)
        self.holdings.append(h)
        return h

    def adult_mobiles(self, p: Person) -> None:
        """The mobile numbers an adult used over time: a customer's may change, port out or close."""
        rng, rates = self.rng, RATES["world"]
        if age_at(p.birth, NOW) >= 70 and rng.random() < rates["elderly_without_mobile"]:
            return
        floor = max(years_before(p.birth, -16), dt.datetime(2003, 1, 1))
        if floor > NOW - 60 * DAY:
            return
        since = rand_dt(rng, floor, NOW - 60 * DAY)
        if rng.random() >= rates["customer"]:
            p.mobiles.append(self.hold(self.numbers.mobile(False), p.pid, p.pid, False, since))
            return
        p.customer_since = since
        h = self.hold(self.numbers.mobile(True), p.pid, p.pid, True, since)
        p.mobiles.append(h)
        if rng.random() < rates["number_change"] and NOW - since > 2 * 365 * DAY:
            h.until = rand_dt(rng, since + 365 * DAY, NOW - 120 * DAY)
            h = self.hold(self.numbers.mobile(True), p.pid, p.pid, True, h.until)
            p.mobiles.append(h)
        r = rng.random()
        if r < rates["port_out"] and NOW - h.since > 365 * DAY:
            h.ported_at = rand_dt(rng, h.since + 180 * DAY, NOW - 30 * DAY)
        elif r < rates["port_out"] + rates["close"] and NOW - h.since > 365 * DAY:
            h.until = rand_dt(rng, h.since + 180 * DAY, NOW - 30 * DAY)
            p.mobiles.append(self.hold(self.numbers.mobile(False), p.pid, p.pid, False,
                                       h.until + rng.randint(0, 30) * DAY))
        if rng.random() < rates["second_line"] and since.year <= 2016:
            self.give_second_line(p, since)

    def give_second_line(self, p: Person, first: dt.datetime) -> None:
        """A line opened years earlier in another business hall, under a second customer id."""
        rng = self.rng
        start = max(dt.datetime(2003, 1, 1), years_before(p.birth, -16))
        if start >= first - 365 * DAY:
            return
        h = self.hold(self.numbers.mobile(True), p.pid, p.pid, True, rand_dt(rng, start, first - 365 * DAY))
        if rng.random() < RATES["world"]["second_line_closed"]:
            h.until = rand_dt(rng, h.since + 180 * DAY, NOW - 30 * DAY)
        p.second_line = h

    def child_mobile(self, w: World, p: Person) -> None:
        """A child's phone, on a parent's account when a parent is a customer."""
        rng = self.rng
        if age_at(p.birth, NOW) < 8 or rng.random() >= RATES["world"]["child_phone"]:
            return
        parents = [w.by_pid[m] for m in w.by_hid[p.hid].members
                   if w.by_pid[m].role in ("head", "spouse") and w.by_pid[m].customer_since]
        since = rand_dt(rng, years_before(p.birth, -8), NOW - 30 * DAY)
        if parents:
            payer = rng.choice(parents)
            p.mobiles.append(self.hold(self.numbers.mobile(True), p.pid, payer.pid, True, since))
        else:
            p.mobiles.append(self.hold(self.numbers.mobile(False), p.pid, p.pid, False, since))

    def fixed_line(self, w: World, h: Household) -> None:
        """A household fixed line, on the head's account or an elderly parent's."""
        rng = self.rng
        members = [w.by_pid[m] for m in h.members]
        elderly = [m for m in members if m.role == "parent"]
        rate = RATES["world"]["fixed_line_with_elderly" if elderly else "fixed_line"]
        adults = [m for m in members if age_at(m.birth, NOW) >= 18]
        if not adults or rng.random() >= rate:
            return
        heads = [m for m in adults if m.role in ("head", "single")] or adults
        h.fixed = self.numbers.fixed(h.city)
        h.fixed_subscriber = (rng.choice(elderly) if elderly and rng.random() < 0.5 else heads[0]).pid
        h.fixed_since = rand_dt(rng, dt.datetime(2003, 1, 1), dt.datetime(2018, 12, 31))

    def work_lines(self, w: World) -> None:
        """Work mobiles an enterprise pays for, used by some of its contacts."""
        for e in self.enterprises:
            for pid in e.contacts:
                if self.rng.random() < RATES["world"]["work_mobile"]:
                    p = w.by_pid[pid]
                    since = rand_dt(self.rng, dt.datetime(max(e.founded, 2005), 1, 1), NOW - 90 * DAY)
                    p.work_line = self.hold(self.numbers.mobile(True), pid, e.eid, True, since)

    def recycle(self) -> None:
        """Give released numbers (changed or closed, not ported) to new users at least 90 days later."""
        rng = self.rng
        released = [h for h in self.holdings if h.own and h.until is not None and h.ported_at is None]
        pool = sorted((h for h in self.holdings if h.own), key=lambda h: h.since)
        starts = [h.since for h in pool]
        taken: set[int] = set()
        for r in released:
            if rng.random() >= RATES["world"]["recycle"] or r.until is None:
                continue
            lo = bisect.bisect_left(starts, r.until + rng.randint(90, 720) * DAY)
            for _ in range(8 if lo < len(pool) else 0):
                i = rng.randrange(lo, len(pool))
                if i not in taken and pool[i].user != r.user and pool[i].subscriber != r.user:
                    pool[i].number = r.number
                    taken.add(i)
                    break

    def email(self, p: Person) -> str | None:
        """A personal e-mail address, from the name's pinyin, the birth year or a QQ number."""
        rng = self.rng
        if not 16 <= age_at(p.birth, NOW) <= 70 or rng.random() >= RATES["world"]["email"]:
            return None
        sp, gp = p.pinyin
        r = rng.random()
        if r < 0.3:
            local, domain = str(rng.randrange(10 ** 5, 10 ** 10)), "qq.com"
        else:
            local = (f"{sp}{gp}{p.birth.year}" if r < 0.55 else ".".join(filter(None, (sp, gp))) if r < 0.7
                     else f"{sp}{''.join(s[0] for s in split_syllables(gp))}{rng.randint(1, 999)}")
            domain = rng.choice(MAIL_DOMAINS)
        while f"{local}@{domain}" in self.mailboxes:
            local += str(rng.randrange(10))
        self.mailboxes.add(f"{local}@{domain}")
        return f"{local}@{domain}"


def split_syllables(pinyin: str) -> list[str]:
    """Rough pinyin syllables (for initials such as wjg): a new syllable starts at each initial consonant."""
    out: list[str] = []
    for i, c in enumerate(pinyin):
        if i == 0 or (c not in "aeiouvgnr" and pinyin[i - 1] in "aeiouvgnr" and c != "h"):
            out.append(c)
        else:
            out[-1] += c
    return out


def namesakes(persons: list[Person]) -> set[str]:
    """Persons sharing their full name and birth year with someone else."""
    groups: dict[tuple[str, int], list[str]] = defaultdict(list)
    for p in persons:
        groups[(p.name, p.birth.year)].append(p.pid)
    return {pid for pids in groups.values() if len(pids) > 1 for pid in pids}


# -------------------------------------------------------------------------------------- writing habits

@dataclass
class Rec:
    """One exported line: its silo, key, the real entity behind it, its fields and its noise tags."""
    source: str
    key: str
    entity: str
    fields: dict[str, Any]
    tags: list[str] = field(default_factory=list)


def fmt_date(d: dt.date, style: str) -> str:
    """A date as a silo writes it."""
    return {"run": f"{d:%Y%m%d}", "iso": f"{d:%Y-%m-%d}", "slash": f"{d.year}/{d.month}/{d.day}",
            "cn": f"{d.year}年{d.month}月{d.day}日", "ts": f"{d:%Y-%m-%d} 00:00:00"}[style]


def epoch_ms(t: dt.datetime) -> int:
    """A China-time timestamp as milliseconds since 1970, as the app's backend stores it."""
    return int((t - EPOCH_CN).total_seconds()) * 1000


def fmt_time(t: dt.datetime, style: str) -> str:
    """A China-time timestamp as a silo writes it."""
    return {"sql": f"{t:%Y-%m-%d %H:%M:%S}", "slash": f"{t.year}/{t.month}/{t.day} {t:%H:%M}",
            "run": f"{t:%Y%m%d%H%M%S}", "iso_cn": f"{t:%Y-%m-%dT%H:%M:%S}+08:00",
            "iso_z": f"{t - dt.timedelta(hours=8):%Y-%m-%dT%H:%M:%S}Z"}[style]


MOBILE_STYLES = ("space", "dash", "plus86", "0086", "86")


def fmt_mobile(n: str, style: str = "plain") -> str:
    """A mobile number in one of the ways people and systems write it."""
    return {"plain": n, "space": f"{n[:3]} {n[3:7]} {n[7:]}", "dash": f"{n[:3]}-{n[3:7]}-{n[7:]}",
            "plus86": f"+86 {n}", "0086": f"0086-{n}", "86": f"86 {n}", "trunk": f"0{n}"}[style]


FIXED_STYLES = ("dash", "dash_space", "paren", "space", "run", "local")


def fmt_fixed(area: str, local: str, style: str) -> str:
    """A fixed-line number: 010-6123 4567, (0311)87654321, 0531 8888 1234, or without area code."""
    half = len(local) // 2 if len(local) == 8 else 3
    return {"dash": f"{area}-{local}", "dash_space": f"{area}-{local[:half]} {local[half:]}",
            "paren": f"({area}){local}", "space": f"{area} {local[:half]} {local[half:]}",
            "run": area + local, "local": local}[style]


def typo_name(rng: random.Random, name: str) -> str | None:
    """The name with one character replaced by a homophone, or None when none can be."""
    spots = [i for i, c in enumerate(name) if c in HOMOPHONES and i > 0]
    if not spots:
        return None
    i = rng.choice(spots)
    return name[:i] + rng.choice(HOMOPHONES[name[i]]) + name[i + 1:]


def separator_variant(rng: random.Random, name: str) -> str:
    """A Uyghur name's middle dot written as . or • or left out, as keyboards and clerks do."""
    return name.replace("·", rng.choice((".", "•", "", "．")))


def id_noise(rng: random.Random, rid: str, kind: str) -> str:
    """An 18-digit ID with one kind of damage; typos and transpositions always break the check digit."""
    if kind == "lower_x":
        return rid[:17] + rid[17].lower()
    if kind == "spaces":
        return f"{rid[:6]} {rid[6:14]} {rid[14:]}"
    if kind == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in rid)
    if kind == "masked":
        return rid[:6] + "*" * 8 + rid[14:]
    for _ in range(20):
        if kind == "typo":
            i = rng.randrange(6, 17)
            bad = rid[:i] + rng.choice([d for d in "0123456789" if d != rid[i]]) + rid[i + 1:]
        else:
            i = rng.randrange(0, 16)
            bad = rid[:i] + rid[i + 1] + rid[i] + rid[i + 2:]
        if not is_valid_id(bad):
            return bad
    return rid


class KeyMaker:
    """Unique, increasing source keys with irregular gaps, as sequences in real systems look."""

    def __init__(self, rng: random.Random, start: int) -> None:
        self.rng = rng
        self.n = start

    def next(self) -> int:
        """The next key number."""
        self.n += self.rng.randint(1, 40)
        return self.n


def relatives(w: World, p: Person) -> list[Person]:
    """The other members of p's household (none for an outsider)."""
    home = w.by_hid.get(p.hid)
    return [w.by_pid[m] for m in home.members if m != p.pid] if home else []


def mobile_at(p: Person, t: dt.datetime) -> Holding | None:
    """The mobile p used at time t, if any."""
    return next((h for h in p.mobiles if h.held_at(t)), None)


def phone_tags(w: World, numbers: Sequence[str]) -> list[str]:
    """Tags that follow from the numbers a record carries."""
    return ["recycled_number"] if any(w.recycled(n) for n in numbers) else []


def person_tags(w: World, p: Person) -> list[str]:
    """Tags that follow from who the person is, whatever the silo."""
    return ["namesake"] if p.pid in w.namesakes else []


# ------------------------------------------------------------------------------- BOSS (CSV, UTF-8 BOM)

BOSS_COLUMNS = ("SOURCE_SYSTEM", "CUST_ID", "CUSTOMER_TYPE", "CUST_NAME", "CERT_TYPE", "CERT_NO", "SEX",
                "BIRTHDAY", "ADDR", "MSISDN", "TELEPHONE", "CONTACT_PHONE", "LAST_MSISDN", "EMAIL", "STATUS",
                "HALL_NAME", "CREATE_DATE", "UPDATE_TIME")


class BossSilo:
    """The CRM/BOSS customer table: one row per customer id, active numbers only (no windows)."""

    def __init__(self, w: World, rng: random.Random) -> None:
        self.w, self.rng, self.r = w, rng, RATES["boss"]
        self.keys = KeyMaker(rng, 0)

    def records(self) -> list[Rec]:
        """Every person customer (twice for a second customer id), then the enterprise customers."""
        subscribed: dict[str, list[Holding]] = defaultdict(list)
        for holdings in self.w.by_number.values():
            for h in holdings:
                if h.own:
                    subscribed[h.subscriber].append(h)
        fixed_of = {h.fixed_subscriber: h for h in self.w.households if h.fixed_subscriber}
        out = []
        for p in self.w.persons:
            lines = [h for h in subscribed.get(p.pid, []) if h is not p.second_line]
            home = fixed_of.get(p.pid)
            if p.second_line:
                out.append(self.person(p, [p.second_line], None, duplicate=True))
            if lines or home:
                out.append(self.person(p, lines, home, duplicate=bool(p.second_line)))
        for e in self.w.enterprises:
            if self.rng.random() < self.r["organization"]:
                out.append(self.organization(e, subscribed.get(e.eid, [])))
        return out

    def cust_id(self, city: City) -> str:
        """A customer id: the city's 4-digit code and a sequence."""
        return f"{city.districts[0].code[:4]}{self.keys.next():08d}"

    def person(self, p: Person, lines: list[Holding], home: Household | None, duplicate: bool) -> Rec:
        """One customer row; a second customer id is older, from another hall, with an older address."""
        rng, r = self.rng, self.r
        starts = [h.since for h in lines] + ([home.fixed_since] if home and home.fixed_since else [])
        created = min(starts)
        tags = ["duplicate_customer"] if duplicate else []
        active = [h for h in lines if h.until is None and h.ported_at is None]
        ended = sorted((h for h in lines if h not in active), key=lambda h: h.until or h.ported_at or NOW)
        ported = bool(ended) and ended[-1].ported_at is not None
        status = "ACTIVE" if active or home else "PORTED_OUT" if ported else "CLOSED"
        if status != "ACTIVE":
            tags.append("ported_out" if status == "PORTED_OUT" else "closed")
        if any(h.user != p.pid for h in active):
            tags.append("child_line")
        cert_type, cert_no = self.document(p, created, tags)
        older = any(h is p.second_line for h in lines)
        fields: dict[str, Any] = {
            "SOURCE_SYSTEM": "boss", "CUST_ID": self.cust_id(p.city), "CUSTOMER_TYPE": "个人客户",
            "CUST_NAME": self.name(p, tags, older), "CERT_TYPE": cert_type, "CERT_NO": cert_no,
            "SEX": self.sex(p, tags), "BIRTHDAY": self.birthday(p, tags),
            "ADDR": self.address(p, created, tags, older),
            "MSISDN": "/".join(self.mobile(h.number, tags) for h in active),
            "TELEPHONE": fmt_fixed(p.city.area, home.fixed, rng.choice(("dash", "dash", "run", "local")))
            if home and home.fixed else "",
            "CONTACT_PHONE": self.contact(p, active, tags), "LAST_MSISDN": ended[-1].number if ended else "",
            "EMAIL": p.email if p.email and rng.random() < r["email"] else "", "STATUS": status,
            "HALL_NAME": p.address.district.name[:2] + rng.choice(HALLS),
            "CREATE_DATE": fmt_time(created, "sql"),
            "UPDATE_TIME": fmt_time(rand_dt(rng, created, NOW), "sql")}
        if home and home.fixed and fields["TELEPHONE"] == home.fixed:
            tags.append("fixed_line_no_area_code")
        numbers = [h.number for h in active] + ([fields["CONTACT_PHONE"]] if fields["CONTACT_PHONE"] else [])
        tags += phone_tags(self.w, numbers) + person_tags(self.w, p)
        return Rec("boss", fields["CUST_ID"], p.pid, fields, tags)

    def document(self, p: Person, created: dt.datetime, tags: list[str]) -> tuple[str, str]:
        """CERT_TYPE and CERT_NO: the legacy labels, old 15-digit cards, and clerks' mistakes."""
        rng, r = self.rng, self.r
        if p.doc and p.doc[0] != "military":
            tags.append("foreign_document")
            return ("PASSPORT" if p.doc[0] == "passport" else "HK_MACAO_PASS"), p.doc[1]
        if p.doc and rng.random() < r["military_id"]:
            tags.append("military_id")
            return "MILITARY_ID", p.doc[1]
        rid = p.id18 or ""
        label = "" if rng.random() < r["cert_type_blank"] else "ID_CARD"
        if rng.random() < r["id_missing"]:
            tags.append("id_missing")
            return "", ""
        if p.birth.year <= 1983 and created.year < 2006 and rng.random() < r["id_15_old_record"]:
            tags.append("id_15")
            return label, old_id(rid)
        x = rng.random()
        for kind in ("typo", "transposed", "spaces"):
            if x < r["id_" + kind]:
                tags.append("id_" + kind)
                return label, id_noise(rng, rid, kind)
            x -= r["id_" + kind]
        if rid.endswith("X") and rng.random() < r["lower_x"]:
            tags.append("id_lower_x")
            return label, id_noise(rng, rid, "lower_x")
        return label, rid

    def name(self, p: Person, tags: list[str], older: bool) -> str:
        """CUST_NAME: homophone typos (more in an older duplicate), a stray space, a Uyghur separator."""
        rng, r = self.rng, self.r
        name = p.name
        typo_rate = r["old_name_dup_typo"] if older else r["name_typo"]
        if "·" in name and rng.random() < r["ethnic_separator"]:
            tags.append("ethnic_separator")
            return separator_variant(rng, name)
        if rng.random() < typo_rate and (typo := typo_name(rng, name)):
            tags.append("name_typo")
            return typo
        if p.ethnic in ("han", "hui", "manchu") and rng.random() < r["name_space"]:
            tags.append("name_space")
            return f"{p.surname} {p.given}"
        return name

    def sex(self, p: Person, tags: list[str]) -> str:
        """SEX: GB/T 2261.1 codes in the older screens, M/F in the newer ones, sometimes empty."""
        if self.rng.random() < self.r["gender_missing"]:
            tags.append("gender_missing")
            return ""
        return ("1" if p.gender == "M" else "2") if self.rng.random() < 0.65 else p.gender

    def birthday(self, p: Person, tags: list[str]) -> str:
        """BIRTHDAY: compact digits, an Oracle timestamp or ISO, sometimes empty."""
        if p.ethnic in ("foreign", "hkmo") or self.rng.random() < self.r["birth_missing"]:
            tags.append("birth_missing")
            return ""
        return fmt_date(p.birth, self.rng.choices(("run", "ts", "iso"), weights=(45, 40, 15))[0])

    def address(self, p: Person, created: dt.datetime, tags: list[str], older: bool) -> str:
        """ADDR: the home as written when the customer was created; an older duplicate's is often former."""
        rng = self.rng
        a = p.address
        if older and rng.random() < self.r["dup_moved"]:
            a = make_address(rng, rng.choice(CITIES) if rng.random() < 0.3 else p.city)
            tags.append("address_moved")
        return written_address(rng, a, created, tags)

    def mobile(self, n: str, tags: list[str]) -> str:
        """A subscription number, nearly always as the switch stores it."""
        if self.rng.random() < self.r["phone_format"]:
            tags.append("phone_format")
            return fmt_mobile(n, self.rng.choice(("space", "dash")))
        return n

    def contact(self, p: Person, active: list[Holding], tags: list[str]) -> str:
        """CONTACT_PHONE: the family-plan payer's mobile for relatives, else often the own mobile."""
        rng, r = self.rng, self.r
        rate = r["contact_relative_elderly"] if p.role == "parent" else r["contact_relative"]
        if p.role != "head" and p.role != "single" and rng.random() < rate:
            for q in relatives(self.w, p):
                h = mobile_at(q, NOW)
                if q.role in ("head", "spouse", "child") and h and age_at(q.birth, NOW) >= 18:
                    tags.append("contact_phone_relative")
                    return h.number
        if active and rng.random() < r["contact_own"]:
            return active[0].number
        return ""

    def organization(self, e: Enterprise, lines: list[Holding]) -> Rec:
        """A group customer: its registered name, the code it was opened with, switchboard and group lines."""
        rng = self.rng
        created = rand_dt(rng, dt.datetime(max(e.founded, 2003), 1, 1), NOW - 90 * DAY)
        tags: list[str] = []
        cert_type, cert_no = org_document(rng, e, created, tags, ("USCC", "ORG_CODE", "BIZ_LICENSE"))
        active = [h.number for h in lines if h.until is None][:5]
        if active:
            tags.append("group_lines")
        fields = {"SOURCE_SYSTEM": "boss", "CUST_ID": self.cust_id(e.city), "CUSTOMER_TYPE": "集团客户",
                  "CUST_NAME": org_name(rng, e, tags), "CERT_TYPE": cert_type, "CERT_NO": cert_no,
                  "ADDR": written_address(rng, e.address, created, tags), "MSISDN": "/".join(active),
                  "TELEPHONE": fmt_fixed(e.city.area, e.switchboard, rng.choice(("dash", "run"))),
                  "STATUS": "ACTIVE", "HALL_NAME": f"{e.city.name}政企客户部",
                  "CREATE_DATE": fmt_time(created, "sql"),
                  "UPDATE_TIME": fmt_time(rand_dt(rng, created, NOW), "sql")}
        return Rec("boss", fields["CUST_ID"], e.eid, fields, tags + phone_tags(self.w, active))


def written_address(rng: random.Random, a: Address, created: dt.datetime, tags: list[str],
                    partial_rate: float = RATES["address"]["partial"]) -> str:
    """An address with the writing habits of clerks: old names, numerals, repeats, fragments."""
    r = RATES["address"]
    merged = a.district.old[2] if a.district.old else 0
    old = a.former and created.year < merged and rng.random() < r["old_district_before_merger"]
    flats = a.style in ("estate", "li")
    flags = {"numerals": rng.random() < r["numerals"], "compact": flats and rng.random() < r["compact"],
             "repeat_city": rng.random() < r["repeat_city"], "partial": rng.random() < partial_rate,
             "province": rng.random() < r["province"], "no_room_mark": rng.random() < r["no_room_mark"]}
    text = render_address(a, old=old, **flags)
    if old:
        tags.append("address_old_district")
    noise = ("partial", "repeat_city") if flags["partial"] else ("numerals", "compact", "repeat_city")
    tags.extend("address_" + flag for flag in noise if flags[flag])
    return text


def org_name(rng: random.Random, e: Enterprise, tags: list[str], abbreviate: float = 0.0) -> str:
    """The enterprise's name as a clerk typed it: suffix, brackets and abbreviations vary."""
    rates = RATES["organization"]
    name = e.name
    r = rng.random()
    if r < abbreviate:
        tags.append("org_abbreviation")
        return e.short if rng.random() < 0.6 else e.city.name + e.short
    if r < abbreviate + rates["suffix_swap"] and "有限公司" in name and "股份" not in name:
        tags.append("org_name_variant")
        name = name.replace("有限公司", "有限责任公司", 1) if "有限责任" not in name else \
            name.replace("有限责任公司", "有限公司", 1)
    if "(集团)" in name:
        s = rng.random()
        if s < rates["fullwidth_brackets"]:
            tags.append("org_brackets")
            name = name.replace("(集团)", "（集团）")
        elif s < rates["fullwidth_brackets"] + rates["drop_group"]:
            tags.append("org_name_variant")
            name = name.replace("(集团)", "")
    if e.branch_of:
        tags.append("org_branch")
    return name


def org_document(rng: random.Random, e: Enterprise, created: dt.datetime, tags: list[str],
                 labels: tuple[str, str, str]) -> tuple[str, str]:
    """The code an enterprise account was opened with: older accounts carry pre-2015 codes."""
    rates = RATES["organization"]
    if e.founded < 2015 and created.year < 2016:
        r = rng.random()
        if r < rates["old_account_org_code"]:
            tags.append("org_code_old")
            return labels[1], f"{e.org_code[:8]}-{e.org_code[8]}"
        if r < rates["old_account_org_code"] + rates["old_account_reg_no"]:
            tags.append("org_regno")
            return labels[2], e.reg_no
    return labels[0], e.credit_code


# -------------------------------------------------------------------------------- billing (JSON lines)

class BillingSilo:
    """Billing accounts: who owns the account, who pays it, where the bill goes."""

    def __init__(self, w: World, rng: random.Random) -> None:
        self.w, self.rng, self.r = w, rng, RATES["billing"]
        self.keys = KeyMaker(rng, 3_010_000_000)

    def records(self) -> list[Rec]:
        """Accounts of person customers (a broadband second account, an old duplicate), then companies."""
        out = []
        fixed_of = {h.fixed_subscriber: h for h in self.w.households if h.fixed_subscriber}
        for p in self.w.persons:
            own = [h for h in p.mobiles if h.own and h.subscriber == p.pid]
            if not own and p.pid not in fixed_of:
                continue
            since = min([h.since for h in own] or [fixed_of[p.pid].fixed_since or NOW])
            if self.rng.random() < self.r["account"]:
                out.append(self.person(p, since, "mobile"))
            if self.rng.random() < self.r["second_account"]:
                out.append(self.person(p, since, "broadband", fixed_of.get(p.pid)))
            if p.second_line and self.rng.random() < self.r["dup_account"]:
                out.append(self.person(p, p.second_line.since, "old"))
        for e in self.w.enterprises:
            if self.rng.random() < self.r["organization"]:
                out.append(self.organization(e))
        return out

    def person(self, p: Person, since: dt.datetime, kind: str, home: Household | None = None) -> Rec:
        """One person's account: name, document, the phone that pays or is told, the bill address."""
        rng, r = self.rng, self.r
        tags = ["duplicate_customer"] if kind == "old" else []
        name = p.name
        if rng.random() < r["name_typo"] and (typo := typo_name(rng, name)):
            name = typo
            tags.append("name_typo")
        cert_type, cert_no = self.document(p, since, tags)
        fields: dict[str, Any] = {"id": self.keys.next(), "system": "billing", "type": "个人",
                                  "customer_name": name, "cert_type": cert_type, "cert_no": cert_no}
        phone, payer, employer = self.payer(p, kind, home, tags)
        place = employer.address if employer else p.address
        partial = r["address_partial"] if place is p.address else RATES["address"]["partial"]
        addr = written_address(rng, place, since, tags, partial)
        fields.update({"contact_phone": phone, "addr": addr, "zhlx": rng.choice(("后付费", "预付费")),
                       "fkfs": rng.choice(("银行托收", "现金", "微信", "支付宝")),
                       "ssds": p.city.name, "update_time": fmt_time(rand_dt(rng, since, NOW), "run")})
        if payer:
            fields["fkrmc"] = payer
        if kind == "broadband":
            fields["zhlx"] = "宽带"
        email = self.email(p, tags)
        if email:
            fields["email"] = email
        digits = "".join(c for c in phone if c.isdigit())[-11:]
        tags += phone_tags(self.w, [digits]) + person_tags(self.w, p)
        return Rec("billing", str(fields["id"]), p.pid, {k: v for k, v in fields.items() if v != ""}, tags)

    def document(self, p: Person, since: dt.datetime, tags: list[str]) -> tuple[str, str]:
        """cert_type as billing codes it (01 for the resident card), and the number, often masked."""
        rng, r = self.rng, self.r
        if p.doc and p.doc[0] != "military":
            tags.append("foreign_document")
            return ("护照" if p.doc[0] == "passport" else "港澳通行证"), p.doc[1]
        rid = p.id18 or ""
        x = rng.random()
        if x < r["id_missing"]:
            tags.append("id_missing")
            return "", ""
        if x < r["id_missing"] + r["masked_id"]:
            tags.append("id_masked")
            return "01", id_noise(rng, rid, "masked")
        if p.birth.year <= 1983 and since.year < 2006 and rng.random() < r["id_15_old_account"]:
            tags.append("id_15")
            return "01", old_id(rid)
        if rid.endswith("X") and rng.random() < r["lower_x"]:
            tags.append("id_lower_x")
            return "01", rid[:17] + "x"
        return "01", rid

    def payer(self, p: Person, kind: str, home: Household | None,
              tags: list[str]) -> tuple[str, str, Enterprise | None]:
        """(contact phone, payer name, paying employer): the owner, a relative who pays, or the employer."""
        rng, r = self.rng, self.r
        if kind == "broadband" and home and home.fixed:
            tags.append("fixed_line")
            return fmt_fixed(p.city.area, home.fixed, rng.choice(FIXED_STYLES)), "", None
        if p.employer and rng.random() < r["paid_by_company"]:
            e = self.w.by_eid[p.employer]
            tags += ["paid_by_company", "switchboard"]
            return fmt_fixed(e.city.area, e.switchboard, rng.choice(FIXED_STYLES)), e.name, e
        if rng.random() < r["paid_by_relative"]:
            for q in relatives(self.w, p):
                h = mobile_at(q, NOW)
                if h and age_at(q.birth, NOW) >= 18:
                    tags.append("paid_by_relative")
                    return self.mobile(h.number, tags), q.name, None
        h = p.second_line if kind == "old" else mobile_at(p, NOW)
        if h is None or rng.random() < r["fixed_contact"]:
            fixed = self.w.by_hid[p.hid].fixed
            if fixed:
                tags.append("fixed_line")
                return fmt_fixed(p.city.area, fixed, rng.choice(FIXED_STYLES)), "", None
            return "", "", None
        return self.mobile(h.number, tags), "", None

    def mobile(self, n: str, tags: list[str]) -> str:
        """A contact mobile as typed into billing: 86-prefixed, spaced or dashed about a third of the time."""
        if self.rng.random() < self.r["phone_format"]:
            tags.append("phone_format")
            return fmt_mobile(n, self.rng.choice(("86", "space", "dash", "plus86")))
        return n

    def email(self, p: Person, tags: list[str]) -> str:
        """The e-bill address: the owner's, or one address the household shares for every bill."""
        if self.rng.random() < self.r["shared_email"]:
            for q in [p] + relatives(self.w, p):
                if q.role in ("head", "single") and q.email:
                    if q is not p:
                        tags.append("shared_email")
                    return q.email
        return p.email if p.email and self.rng.random() < self.r["email"] else ""

    def organization(self, e: Enterprise) -> Rec:
        """A company account: name as invoiced, its code, switchboard, office address."""
        rng = self.rng
        since = rand_dt(rng, dt.datetime(max(e.founded, 2003), 1, 1), NOW - 60 * DAY)
        tags: list[str] = ["switchboard"]
        labels = ("统一社会信用代码", "组织机构代码", "营业执照")
        cert_type, cert_no = org_document(rng, e, since, tags, labels)
        fields = {"id": self.keys.next(), "system": "billing", "type": "单位",
                  "customer_name": org_name(rng, e, tags), "cert_type": cert_type, "cert_no": cert_no,
                  "contact_phone": fmt_fixed(e.city.area, e.switchboard, rng.choice(FIXED_STYLES)),
                  "addr": written_address(rng, e.address, since, tags), "zhlx": "后付费", "fkfs": "银行托收",
                  "ssds": e.city.name, "update_time": fmt_time(rand_dt(rng, since, NOW), "run")}
        return Rec("billing", str(fields["id"]), e.eid, fields, tags)


# -------------------------------------------------------------------------------------------- contacts

def spoken_name(rng: random.Random, p: Person, r: dict[str, float], tags: list[str]) -> str:
    """What an agent writes for the caller: surname with 先生/女士/师傅/老师, 老王, a full name or nothing."""
    x = rng.random()
    if not p.surname or p.ethnic == "foreign":
        if x < r["full_name"] * 2:
            tags.append("caller_full_name")
            return p.alt_name or p.name
        tags.append("caller_no_name")
        return ""
    if x < r["full_name"]:
        tags.append("caller_full_name")
        return p.name
    x -= r["full_name"]
    if x < r["honorific"]:
        male = p.gender == "M"
        if rng.random() < r["wrong_honorific"]:
            male = not male
            tags.append("caller_wrong_honorific")
        tags.append("caller_surname_title")
        return p.surname + ("先生" if male else "女士")
    x -= r["honorific"]
    if x < r["master"] and p.gender == "M":
        tags.append("caller_surname_title")
        return p.surname + "师傅"
    x -= r["master"]
    if x < r["teacher"]:
        tags.append("caller_surname_title")
        return p.surname + "老师"
    x -= r["teacher"]
    if x < r["lao"] and age_at(p.birth, NOW) >= 45 and len(p.surname) == 1:
        tags.append("caller_lao")
        return "老" + p.surname
    x -= r["lao"]
    if x < r["nickname"] and len(p.surname) == 1:
        tags.append("caller_nickname")
        return "小" + p.surname
    tags.append("caller_no_name")
    return ""


def outsider(rng: random.Random, n: int, prefix: str) -> Person:
    """A person outside the modelled households, on another operator's number, who gets in touch."""
    gender = rng.choice("MF")
    birth = birth_for_age(rng, 20, 70)
    s, g, sp, gp = han_name(rng, gender, birth)
    city = rng.choices(CITIES, weights=[c.weight for c in CITIES])[0]
    x = Person(f"{prefix}{n:05d}", "", "outsider", gender, birth, s, g, s + g, (sp, gp), "han", city,
               make_address(rng, city))
    number = rng.choice(OTHER_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"
    x.mobiles.append(Holding(number, x.pid, x.pid, False, dt.datetime(2015, 1, 1)))
    return x


def contact_factor(p: Person, r: dict[str, float]) -> float:
    """How much less often someone who was never on this operator gets in touch with it."""
    return 1.0 if any(h.own for h in p.mobiles) else r["noncustomer_factor"]


def contact_tags(h: Holding, t: dt.datetime) -> list[str]:
    """Tags for a contact made from the person's own mobile: ported away, another operator's, a parent's."""
    if h.ported_at and t >= h.ported_at:
        return ["ported_out"]
    if not h.own:
        return ["other_operator_number"]
    return ["phone_under_parent"] if h.subscriber != h.user else []


def contact_times(rng: random.Random, p: Person, start: dt.datetime,
                  n: int) -> list[tuple[dt.datetime, Holding]]:
    """Up to n contact times, each with the mobile p used then (times with no mobile are skipped)."""
    out = []
    for _ in range(n):
        t = rand_dt(rng, start, NOW - DAY)
        t = t.replace(hour=rng.choices(range(8, 22), weights=(2, 5, 6, 5, 3, 4, 5, 5, 4, 3, 3, 3, 2, 1))[0])
        h = mobile_at(p, t)
        if h:
            out.append((t, h))
    return out


# -------------------------------------------------------------------------- call center (CSV, GB18030)

CALLCENTER_COLUMNS = ("ID", "来源系统", "客户类型", "客户姓名", "联系电话", "来电时间", "证件后四位",
                      "诉求类型", "受理坐席", "更新时间")
TOPICS = ("话费查询", "套餐变更", "宽带报修", "信号投诉", "停复机", "携号转网咨询", "发票开具", "积分兑换",
          "国际漫游")


class CallCenterSilo:
    """Hotline tickets: the number that called, when, and what the agent noted of the caller."""

    def __init__(self, w: World, rng: random.Random) -> None:
        self.w, self.rng, self.r = w, rng, RATES["callcenter"]
        self.seq = 0

    def records(self) -> list[Rec]:
        """Tickets of people in the world, then of outsiders; sorted by call time as the CTI exports them."""
        rng, r = self.rng, self.r
        out: list[tuple[dt.datetime, Rec]] = []
        for p in self.w.persons:
            if not p.mobiles or rng.random() >= r["caller"] * contact_factor(p, r):
                continue
            n = 1 + (rng.random() < r["second_call"]) + (rng.random() < r["third_call"])
            for t, h in contact_times(rng, p, dt.datetime(2021, 1, 1), n):
                out.append((t, self.ticket(p, t, h)))
        for i in range(round(len(self.w.persons) * r["outsiders_per_person"])):
            x = outsider(rng, i + 1, "X")
            for t, h in contact_times(rng, x, dt.datetime(2021, 1, 1), 1 + (rng.random() < 0.3)):
                out.append((t, self.ticket(x, t, h, ["outsider"])))
        out.sort(key=lambda tr: tr[0])
        return [rec for _, rec in out]

    def ticket(self, p: Person, t: dt.datetime, h: Holding, tags: list[str] | None = None) -> Rec:
        """One ticket; the calling number may be the home line or a relative's mobile."""
        rng, r = self.rng, self.r
        tags = list(tags or [])
        number, shown = self.calling_number(p, t, h, tags)
        if number == h.number:
            tags += contact_tags(h, t)
        self.seq += 1
        fields = {"ID": f"GD{t:%Y%m%d}{self.seq:06d}", "来源系统": "callcenter", "客户类型": "个人",
                  "客户姓名": spoken_name(rng, p, r, tags), "联系电话": shown, "来电时间": fmt_time(t, "sql"),
                  "证件后四位": (p.id18 or "")[-4:] if p.id18 and rng.random() < r["id_last4"] else "",
                  "诉求类型": rng.choice(TOPICS), "受理坐席": f"10010-{rng.randrange(10000):04d}",
                  "更新时间": fmt_time(t + dt.timedelta(minutes=rng.randint(3, 600)), "slash")}
        tags += phone_tags(self.w, [number]) + person_tags(self.w, p)
        return Rec("callcenter", fields["ID"], p.pid, fields, tags)

    def calling_number(self, p: Person, t: dt.datetime, h: Holding, tags: list[str]) -> tuple[str, str]:
        """(the number that called, as the CTI wrote it): own mobile, the home line or a relative's mobile."""
        rng, r = self.rng, self.r
        home = self.w.by_hid.get(p.hid)
        x = rng.random()
        if home and home.fixed and x < r["fixed_line"]:
            tags.append("caller_fixed_line")
            number = home.city.area + home.fixed
            return number, home.fixed if rng.random() < 0.5 else number
        others = [q for q in relatives(self.w, p) if mobile_at(q, t)]
        if others and x < r["fixed_line"] + r["relative_phone"]:
            tags.append("caller_relative_phone")
            number = (mobile_at(rng.choice(others), t) or h).number
            return number, number
        x = rng.random()
        if x < r["trunk_prefix"]:
            tags.append("phone_trunk_prefix")
            return h.number, fmt_mobile(h.number, "trunk")
        if x < r["trunk_prefix"] + r["plus86"]:
            tags.append("phone_format")
            return h.number, fmt_mobile(h.number, "plus86")
        return h.number, h.number


# ------------------------------------------------------------------------------- web chat (JSON lines)

class WebChatSilo:
    """Online customer-service sessions: the SMS-verified mobile at the instant of the session."""

    def __init__(self, w: World, rng: random.Random) -> None:
        self.w, self.rng, self.r = w, rng, RATES["webchat"]
        self.keys = KeyMaker(rng, 0)

    def records(self) -> list[Rec]:
        """Sessions of people with a mobile, then of a few outsiders."""
        rng, r = self.rng, self.r
        out: list[tuple[dt.datetime, Rec]] = []
        for p in self.w.persons:
            visits = p.mobiles and age_at(p.birth, NOW) >= 12
            if visits and rng.random() < r["visitor"] * contact_factor(p, r):
                n = 1 + (rng.random() < r["second_session"])
                for t, h in contact_times(rng, p, dt.datetime(2023, 1, 1), n):
                    out.append((t, self.session(p, t, h)))
        for i in range(round(len(self.w.persons) * r["outsiders_per_person"])):
            x = outsider(rng, i + 1, "W")
            for t, h in contact_times(rng, x, dt.datetime(2023, 1, 1), 1):
                out.append((t, self.session(x, t, h, ["outsider"])))
        out.sort(key=lambda tr: tr[0])
        return [rec for _, rec in out]

    def session(self, p: Person, t: dt.datetime, h: Holding, tags: list[str] | None = None) -> Rec:
        """One session: a window of one instant on the verified number, and the name the visitor typed."""
        rng = self.rng
        tags = list(tags or []) + contact_tags(h, t)
        instant = fmt_time(t, rng.choice(("iso_cn", "sql")))
        fields: dict[str, Any] = {
            "source": "webchat", "id": f"WS{self.keys.next():09d}", "kind": "person",
            "name": spoken_name(rng, p, self.r, tags),
            "phones": [{"number": h.number, "since": instant, "until": instant}],
            "channel": rng.choice(("微信公众号", "App在线客服", "网上营业厅")), "topic": rng.choice(TOPICS),
            "updated_at": fmt_time(t + dt.timedelta(minutes=rng.randint(2, 90)), "iso_cn")}
        if not fields["name"]:
            del fields["name"]
        tags += phone_tags(self.w, [h.number]) + person_tags(self.w, p)
        return Rec("webchat", fields["id"], p.pid, fields, tags)


# ------------------------------------------------------------------------------------ app (JSON lines)

class AppSilo:
    """Self-service app accounts: login phone since binding, nickname, real-name verification, e-mail."""

    def __init__(self, w: World, rng: random.Random) -> None:
        self.w, self.rng, self.r = w, rng, RATES["app"]
        self.keys = KeyMaker(rng, 10_000_000)

    def records(self) -> list[Rec]:
        """Accounts of people aged 12–75 with a mobile; some have a second account on an old number."""
        rng, r = self.rng, self.r
        out = []
        for p in self.w.persons:
            age = age_at(p.birth, NOW)
            if not p.mobiles or not 12 <= age <= 75:
                continue
            child = p.mobiles[0].subscriber != p.pid
            if rng.random() >= (r["child_account"] if child else r["account"]):
                continue
            first = max(p.mobiles[0].since, dt.datetime(2016, 1, 1))
            if first >= NOW - 7 * DAY:
                continue
            registered = rand_dt(rng, first, NOW - 7 * DAY)
            h = mobile_at(p, registered)
            if h is None:
                continue
            later = [m for m in p.mobiles if m.since > registered]
            if later and rng.random() < r["second_account"]:
                out.append(self.account(p, registered, h, h.since, ["second_account"]))
                out.append(self.account(p, later[-1].since + rng.randint(1, 60) * DAY, later[-1],
                                        later[-1].since, ["second_account"]))
            elif later and rng.random() < r["rebound"]:
                out.append(self.account(p, registered, later[-1], later[-1].since, ["phone_rebound"]))
            else:
                out.append(self.account(p, registered, h, registered, ["stale_phone"] if later else []))
        return out

    def account(self, p: Person, registered: dt.datetime, h: Holding, bound: dt.datetime,
                tags: list[str]) -> Rec:
        """One account: verified ones carry the real name and full ID, others what the user typed."""
        rng, r = self.rng, self.r
        tags = list(tags)
        registered = min(registered, NOW - DAY)
        bound = max(bound, registered)
        if h.subscriber != p.pid and h.own:
            tags.append("phone_under_parent")
        number = fmt_mobile(h.number, "plus86") if rng.random() < r["plus86"] else h.number
        fields: dict[str, Any] = {
            "id": f"u{self.keys.next()}", "source": "app", "type": "individual",
            "nickname": self.nickname(p), "mobile": [{"number": number, "since": fmt_time(bound, "iso_cn")}],
            "register_time": fmt_time(registered, "iso_cn"), "real_name_verified": False,
            "updated_at": epoch_ms(rand_dt(rng, registered, NOW))}
        adult = age_at(p.birth, NOW) >= 16 and h.subscriber == p.pid
        if adult and rng.random() < r["verified"]:
            self.verify(p, fields, tags)
        else:
            self.profile(p, fields, tags)
        if p.email and rng.random() < r["email"]:
            fields["email"] = p.email
        if rng.random() < r["gender"]:
            fields["gender"] = {"M": "男", "F": "女"}[p.gender] if rng.random() < 0.9 else "未知"
        if rng.random() < r["birthday"]:
            fields["birthday"] = fmt_date(p.birth, rng.choice(("slash", "cn", "iso")))
        tags += phone_tags(self.w, [h.number]) + person_tags(self.w, p)
        return Rec("app", fields["id"], p.pid, fields, tags)

    def verify(self, p: Person, fields: dict[str, Any], tags: list[str]) -> None:
        """Real-name verification: the document's name and number as the user typed them."""
        rng, r = self.rng, self.r
        fields["real_name_verified"] = True
        tags.append("verified")
        name = p.name
        if "·" in name and rng.random() < r["ethnic_separator"]:
            name = separator_variant(rng, name)
            tags.append("ethnic_separator")
        fields["name"] = name
        if p.doc and p.doc[0] != "military":
            fields["id_type"] = "护照" if p.doc[0] == "passport" else "港澳居民来往内地通行证"
            fields["id_card"] = p.doc[1]
            tags.append("foreign_document")
            return
        rid = p.id18 or ""
        x = rng.random()
        if x < r["id_fullwidth"]:
            rid = id_noise(rng, rid, "fullwidth")
            tags.append("id_fullwidth")
        elif x < r["id_fullwidth"] + r["id_spaces"]:
            rid = id_noise(rng, rid, "spaces")
            tags.append("id_spaces")
        elif rid.endswith("X") and rng.random() < r["lower_x"]:
            rid = rid[:17] + "x"
            tags.append("id_lower_x")
        fields["id_card"] = rid

    def profile(self, p: Person, fields: dict[str, Any], tags: list[str]) -> None:
        """An unverified profile: sometimes the real name, sometimes pinyin, usually nothing."""
        rng, r = self.rng, self.r
        x = rng.random()
        if x < r["profile_real_name"]:
            fields["name"] = p.name
        elif x < r["profile_real_name"] + r["profile_pinyin"] and p.pinyin[0]:
            sp, gp = p.pinyin
            fields["name"] = rng.choice((f"{sp.title()} {gp.title()}", f"{gp.title()} {sp.title()}",
                                         f"{sp}{gp}"))
            tags.append("name_pinyin")
        else:
            tags.append("nickname_only")

    def nickname(self, p: Person) -> str:
        """A nickname: pinyin with the birth year, a cute form of the name, or something unrelated."""
        rng = self.rng
        sp, gp = p.pinyin
        x = rng.random()
        if x < 0.3:
            return f"{sp}{gp}{p.birth.year if rng.random() < 0.6 else rng.randint(1, 999)}"
        if x < 0.45:
            return f"{sp.title()} {gp.title()}".strip()
        if x < 0.6 and p.given:
            return p.given[-1] * 2 if len(p.given) <= 2 else p.given
        if x < 0.7 and p.surname:
            return f"{p.city.name}老{p.surname}"
        return rng.choice(("追风少年", "阳光的小鱼", "静待花开", "岁月静好", "奋斗的蜗牛", "用户" +
                           str(rng.randrange(10 ** 7, 10 ** 8)), "平安是福", "北方的狼", "小确幸"))


# --------------------------------------------------------------------------- key accounts (JSON lines)

class KeyAccountSilo:
    """Key-account CRM: enterprises with their codes and switchboards, and the contacts at each."""

    def __init__(self, w: World, rng: random.Random) -> None:
        self.w, self.rng, self.r = w, rng, RATES["keyaccount"]
        self.keys = KeyMaker(rng, 100_000)

    def records(self) -> list[Rec]:
        """Each enterprise the account managers keep, followed by its contacts."""
        out = []
        for e in self.w.enterprises:
            if self.rng.random() >= self.r["organization"]:
                continue
            out.append(self.organization(e))
            out.extend(self.contact(e, self.w.by_pid[pid]) for pid in e.contacts)
        return out

    def organization(self, e: Enterprise) -> Rec:
        """An enterprise as the account manager entered it: name variants, code, switchboard."""
        rng, r = self.rng, self.r
        tags = ["switchboard"]
        name = org_name(rng, e, tags, r["abbreviation"])
        fields: dict[str, Any] = {"来源系统": "keyaccount", "客户编号": f"KA{self.keys.next():06d}",
                                  "客户类型": "集团客户", "客户名称": name}
        x = rng.random()
        if x < r["uscc"]:
            fields["统一社会信用代码"] = e.credit_code
        elif x < r["uscc"] + r["old_code"]:
            fields.update({"证件类型": "组织机构代码", "证件号码": f"{e.org_code[:8]}-{e.org_code[8]}"})
            tags.append("org_code_old")
        else:
            tags.append("id_missing")
        fields.update({"联系电话": fmt_fixed(e.city.area, e.switchboard, rng.choice(FIXED_STYLES)),
                       "地址": written_address(rng, e.address, NOW, tags),
                       "行业": e.short[2:] or e.short,
                       "客户经理": weighted(rng, SURNAMES)[0] + rng.choice(("经理", "主管")),
                       "更新时间": fmt_time(rand_dt(rng, dt.datetime(2019, 1, 1), NOW), "iso_z")})
        return Rec("keyaccount", fields["客户编号"], e.eid, fields, tags)

    def contact(self, e: Enterprise, p: Person) -> Rec:
        """A contact: a full name or 王总 / 李经理, a work or personal mobile, the switchboard."""
        rng, r = self.rng, self.r
        title, short = rng.choice(TITLES)
        tags = ["switchboard"]
        x = rng.random()
        if p.surname and x < r["title_only"]:
            name = p.surname + short
            tags.append("contact_title_only")
        elif p.surname and x < r["title_only"] + r["role_only"]:
            name = p.surname + rng.choice(("经理", "主任", "总"))
            tags.append("contact_title_only")
        else:
            name = p.alt_name or p.name
        personal = mobile_at(p, NOW)
        mobile = p.work_line.number if p.work_line else personal.number if personal else ""
        if p.work_line:
            tags.append("work_mobile")
        board = fmt_fixed(e.city.area, e.switchboard, rng.choice(("dash", "dash_space", "paren", "space")))
        if rng.random() < r["extension"]:
            board += rng.choice(("-", "转")) + str(rng.randint(8000, 8999))
            tags.append("switchboard_extension")
        fields: dict[str, Any] = {"来源系统": "keyaccount", "客户编号": f"KC{self.keys.next():06d}",
                                  "客户类型": "个人", "姓名": name, "职务": title, "固定电话": board,
                                  "所属企业": e.name,
                                  "更新时间": fmt_time(rand_dt(rng, dt.datetime(2019, 1, 1), NOW), "iso_z")}
        if mobile:
            if rng.random() < r["phone_format"]:
                mobile = fmt_mobile(mobile, rng.choice(MOBILE_STYLES))
                tags.append("phone_format")
            fields["手机"] = mobile
        fields["邮箱"] = p.work_email
        if rng.random() < r["gender"]:
            fields["性别"] = "男" if p.gender == "M" else "女"
        digits = "".join(c for c in mobile if c.isdigit())[-11:]
        tags += phone_tags(self.w, [digits]) + person_tags(self.w, p)
        return Rec("keyaccount", fields["客户编号"], p.pid, fields, tags)


# ---------------------------------------------------------------------------------------------- output

@dataclass(frozen=True)
class SiloFile:
    """One export file: its name, format, encoding, key field and, for tables, its columns."""
    file: str
    source: str
    key: str
    format: str
    encoding: str = "utf-8"
    columns: tuple[str, ...] = ()


SILO_FILES = (
    SiloFile("boss.csv", "boss", "CUST_ID", "csv", "utf-8", BOSS_COLUMNS),
    SiloFile("billing.jsonl", "billing", "id", "jsonl"),
    SiloFile("callcenter.csv", "callcenter", "ID", "csv", "gb18030", CALLCENTER_COLUMNS),
    SiloFile("webchat.jsonl", "webchat", "id", "jsonl"),
    SiloFile("app.jsonl", "app", "id", "jsonl"),
    SiloFile("keyaccount.jsonl", "keyaccount", "客户编号", "jsonl"),
)


def write_silo(out: Path, spec: SiloFile, recs: list[Rec]) -> None:
    """Write one silo's records: a table with a header (UTF-8 with BOM, or GB18030) or JSON lines."""
    path = out / spec.file
    if spec.format == "csv":
        encoding = "utf-8-sig" if spec.encoding == "utf-8" else spec.encoding
        with open(path, "w", encoding=encoding, newline="") as f:
            wr = csv.writer(f, lineterminator="\r\n")
            wr.writerow(spec.columns)
            for rec in recs:
                wr.writerow([rec.fields.get(c, "") for c in spec.columns])
        return
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for rec in recs:
            f.write(json.dumps(rec.fields, ensure_ascii=False) + "\n")


def write_truth(out: Path, recs: list[Rec]) -> None:
    """truth.csv (record -> real entity) and tags.csv (record -> its noise tags)."""
    with open(out / "truth.csv", "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(("source", "source_key", "entity_id"))
        wr.writerows((r.source, r.key, r.entity) for r in recs)
    with open(out / "tags.csv", "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(("source", "source_key", "tags"))
        wr.writerows((r.source, r.key, "|".join(sorted(set(r.tags)))) for r in recs)


def generate(people: int, seed: int, out: Path) -> dict[str, Any]:
    """Build the world, export every silo, and write the manifest; returns the manifest."""
    w = WorldBuilder(people, random.Random(f"northern:{seed}:world")).build()
    silos: dict[str, Callable[[World, random.Random], Any]] = {
        "boss": BossSilo, "billing": BillingSilo, "callcenter": CallCenterSilo, "webchat": WebChatSilo,
        "app": AppSilo, "keyaccount": KeyAccountSilo}
    out.mkdir(parents=True, exist_ok=True)
    every: list[Rec] = []
    for spec in SILO_FILES:
        recs = silos[spec.source](w, random.Random(f"northern:{seed}:{spec.source}")).records()
        write_silo(out, spec, recs)
        every.extend(recs)
    write_truth(out, every)
    tag_counts = Counter(t for r in every for t in set(r.tags))
    manifest = {
        "files": [{"file": s.file, "format": s.format, "encoding": s.encoding, "source": s.source,
                   "key": s.key} for s in SILO_FILES],
        "people": people, "seed": seed, "export_date": NOW.isoformat(),
        "records": dict(Counter(r.source for r in every)), "entities": len({r.entity for r in every}),
        "world": {"persons": len(w.persons), "households": len(w.households),
                  "enterprises": len(w.enterprises), "namesakes": len(w.namesakes),
                  "recycled_numbers": sum(1 for n in w.by_number if w.recycled(n))},
        "tags": dict(sorted(tag_counts.items())), "rates": RATES}
    with open(out / "manifest.json", "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    return manifest


def main() -> None:
    """Command line: --people, --seed, --out."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--out", required=True, type=Path)
    a = ap.parse_args()
    t0 = time.perf_counter()
    manifest = generate(a.people, a.seed, a.out)
    counts = manifest["records"]
    print(f"wrote {a.out} in {time.perf_counter() - t0:.1f} s: {sum(counts.values())} records "
          f"({', '.join(f'{k} {v}' for k, v in counts.items())}), {manifest['entities']} entities")


if __name__ == "__main__":
    main()
