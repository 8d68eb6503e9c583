"""Reference tables for the telecom case: places, streets, name characters, homophones, number plans.

Hand-written from public knowledge of Guangdong and of mainland numbering; the
surname weights and the most common given names come from Faker's ``zh_CN``
person provider (census-like shares), everything else is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from faker.providers.person.zh_CN import Provider as _FakerPerson

__all__ = [
    "City", "CITIES", "PROVINCE", "MIGRANT_REGIONS", "STREETS", "CITY_STREETS", "SURNAMES", "COMPOUND_SURNAMES",
    "COMMON_GIVEN", "GIVEN_CHARS", "HOMOPHONES", "MOBILE_PREFIXES", "PLACEHOLDER_NUMBERS", "ORG_CORE_CHARS",
    "ORG_TRADES", "EMAIL_DOMAINS", "CALL_TOPICS", "CONTACT_ROLES",
]

PROVINCE = "广东省"


@dataclass(frozen=True)
class City:
    """A city of the operator's province: its area code and districts (resident-ID region code, name)."""

    name: str  # without 市
    area_code: str
    weight: float
    districts: tuple[tuple[str, str], ...]


CITIES: tuple[City, ...] = (
    City("广州", "020", 0.28, (("440103", "荔湾区"), ("440104", "越秀区"), ("440105", "海珠区"), ("440106", "天河区"),
                             ("440111", "白云区"), ("440112", "黄埔区"), ("440113", "番禺区"), ("440114", "花都区"))),
    City("深圳", "0755", 0.26, (("440303", "罗湖区"), ("440304", "福田区"), ("440305", "南山区"), ("440306", "宝安区"),
                              ("440307", "龙岗区"), ("440308", "盐田区"))),
    City("佛山", "0757", 0.10, (("440604", "禅城区"), ("440605", "南海区"), ("440606", "顺德区"))),
    City("东莞", "0769", 0.10, (("441900", "莞城街道"), ("441900", "南城街道"), ("441900", "东城街道"),
                              ("441900", "长安镇"), ("441900", "虎门镇"))),
    City("珠海", "0756", 0.05, (("440402", "香洲区"), ("440403", "斗门区"))),
    City("汕头", "0754", 0.05, (("440507", "龙湖区"), ("440511", "金平区"))),
    City("惠州", "0752", 0.05, (("441302", "惠城区"), ("441303", "惠阳区"))),
    City("江门", "0750", 0.04, (("440703", "蓬江区"), ("440704", "江海区"))),
    City("湛江", "0759", 0.04, (("440802", "赤坎区"), ("440803", "霞山区"))),
    City("中山", "0760", 0.03, (("442000", "石岐街道"), ("442000", "东区街道"))),
)

# Birthplaces of people who moved to the province: region codes of other provinces.
MIGRANT_REGIONS: tuple[str, ...] = (
    "430102", "430111", "431102", "430582", "450102", "450881", "510104", "511302", "360102", "420102",
    "421126", "410102", "411502", "350102", "520102", "130102", "370102", "320106", "110105", "310115",
    "220102", "340102", "610102", "500103", "460105", "431002", "441581", "445102", "445202", "441402",
)

STREETS: tuple[str, ...] = (
    "人民路", "建设路", "解放路", "中山路", "新华路", "文化路", "东风路", "和平路", "朝阳路", "青年路", "学府路",
    "滨江路", "迎宾大道", "工业路", "环城路", "振兴路", "幸福路", "光明路", "胜利路", "友谊路", "育才路", "金沙路",
    "荔枝路", "桂花路", "榕树街", "凤凰路", "翠竹路", "锦绣路", "长安路", "沿江路", "府前路", "商业街", "花园路",
    "人民北路", "人民南路", "建设一路", "建设二路", "新村路", "龙华路", "东湖路", "西湖路", "南湖路", "体育路",
)

CITY_STREETS: dict[str, tuple[str, ...]] = {
    "广州": ("体育西路", "天河路", "中山大道", "黄埔大道", "环市东路", "解放北路", "东风中路", "江南大道", "工业大道",
           "广州大道", "广园中路", "白云大道", "花城大道", "珠江东路", "南华西路", "宝岗大道", "同福中路", "昌岗中路",
           "新港西路", "市桥街", "天河北路", "五羊新城路", "先烈中路", "机场路"),
    "深圳": ("深南大道", "滨河大道", "北环大道", "福华路", "华强北路", "南海大道", "科技园路", "宝安大道", "龙岗大道",
           "东门中路", "红岭中路", "新洲路", "沙河西路", "布吉路", "翻身路", "梅林路"),
    "佛山": ("季华路", "汾江中路", "佛山大道", "桂城南海大道", "大良德和路", "祖庙路"),
    "东莞": ("东城大道", "鸿福路", "莞太路", "长安中路", "虎门大道", "运河东路"),
}

SURNAMES: tuple[tuple[str, float], ...] = tuple(_FakerPerson.last_names.items())
COMPOUND_SURNAMES: tuple[str, ...] = ("欧阳", "司徒", "上官", "诸葛", "司马", "皇甫", "东方", "慕容", "尉迟", "夏侯")

# The most common given names (Faker's lists) keep identical full names as frequent as in life.
COMMON_GIVEN: dict[str, tuple[str, ...]] = {
    "M": tuple(_FakerPerson.first_names_male),
    "F": tuple(_FakerPerson.first_names_female),
}

GIVEN_CHARS: dict[str, str] = {
    "M": "伟强磊军勇杰涛明刚平辉鹏华飞波斌宇浩凯健俊帆旭宁龙林阳建峰亮成国东文志海永晨昊博毅鑫超彬锋雷岩翔振"
         "家荣德兵金福生新江春祥庆晓泽睿轩子一天然铭豪瑞诚立坤卫忠彪洪敏光耀宏达胜利嘉俊伦绍思远",
    "F": "芳娜敏静丽艳娟霞燕玲丹萍红英梅莉婷晶颖雪慧倩琴云洁琳欣怡佳璐瑶婧茜蕾雯婉秀桂兰玉凤珍华悦思雨诗梦涵"
         "萱妍月彤晓文嘉宁露菲薇岚爽媛蓉洋君琪青清美春冬惠淑贞秋碧",
}

# Homophones and near-homophones a clerk typing pinyin picks by mistake.
_HOMOPHONE_GROUPS: tuple[str, ...] = (
    "强墙蔷", "伟玮炜纬", "丽莉俐力", "静晶婧靖", "敏民闽", "军君均", "芳方", "华桦骅", "红宏鸿虹洪", "明铭鸣",
    "杰洁捷", "涛滔韬", "斌彬", "辉晖徽", "玲琳灵铃", "燕艳雁", "霞侠", "磊垒", "勇永咏", "娟鹃", "刚钢纲", "平萍苹",
    "波博", "峰锋丰枫", "建健剑", "文雯闻", "英瑛莹", "梅玫媚", "兰岚蓝", "云芸耘", "东冬栋", "晨辰臣", "浩皓昊",
    "俊骏峻", "鹏朋", "宇雨羽禹", "婷庭亭", "欣新馨鑫", "佳嘉家", "倩茜", "慧惠蕙", "桂贵", "志智", "凯恺楷", "翔祥",
    "飞菲非", "张章", "李黎", "刘柳", "杨阳", "吴武伍", "徐许", "何贺", "程成陈", "萧肖", "于余俞", "付傅", "邱丘",
    "颜严闫", "蒋江姜", "黄王", "周邹", "林琳", "钟忠", "胡湖", "郑正",
)
HOMOPHONES: dict[str, str] = {c: group.replace(c, "") for group in _HOMOPHONE_GROUPS for c in group}

MOBILE_PREFIXES: tuple[str, ...] = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156",
    "157", "158", "159", "172", "173", "175", "176", "177", "178", "180", "181", "182", "183", "184", "185", "186",
    "187", "188", "189", "191", "193", "195", "196", "197", "198", "199",
)

# Numbers a call-center system records when the caller's own is unknown or hidden.
PLACEHOLDER_NUMBERS: tuple[str, ...] = ("13800000000", "10086", "00000000000", "020-10086")

ORG_CORE_CHARS = "鑫博华泰恒创新达盛兴源宏联信瑞丰利通汇佳科天远光明安康嘉隆德富美益海中正成金诚卓越腾宇永昌广粤"
ORG_TRADES: tuple[str, ...] = (
    "科技", "网络科技", "信息技术", "贸易", "电子", "实业", "物流", "建筑工程", "餐饮管理", "房地产开发", "投资",
    "文化传媒", "医疗器械", "服装", "机械设备", "教育咨询", "物业管理", "五金制品", "食品", "家具",
)

EMAIL_DOMAINS: tuple[tuple[str, float], ...] = (("qq.com", 0.55), ("163.com", 0.2), ("126.com", 0.1),
                                                ("sina.com", 0.05), ("139.com", 0.07), ("gmail.com", 0.03))

CALL_TOPICS: tuple[str, ...] = ("话费查询", "套餐变更", "宽带报修", "投诉", "停复机", "积分兑换", "流量咨询", "携号转网")
CONTACT_ROLES: tuple[str, ...] = ("联系人", "法人代表", "财务", "经办人", "IT负责人")
