"""Compact surname data for name normalization (not a full surname list)."""

from __future__ import annotations

__all__ = ["COMMON_SURNAMES", "COMPOUND_SURNAMES", "SURNAME_READINGS"]

#: Roughly by frequency; used to decide surname order of romanized names.
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    "姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝封朴区乐盖"
)

COMPOUND_SURNAMES = frozenset(
    {
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "万俟",
        "呼延", "澹台", "公冶", "太史", "申屠", "闻人", "东郭", "百里", "钟离", "司空",
        "拓跋", "赫连", "单于", "第五", "濮阳", "淳于", "仲孙", "羊舌", "微生", "梁丘",
    }
)

#: Surname readings differing from the characters' everyday reading.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan",), "曾": ("zeng",), "解": ("xie",), "仇": ("qiu",), "区": ("ou",),
    "查": ("zha",), "朴": ("piao",), "乐": ("yue",), "盖": ("ge",), "覃": ("qin",),
    "翟": ("zhai",), "缪": ("miao",), "柏": ("bai",), "种": ("chong",), "秘": ("bi",),
    "繁": ("po",), "员": ("yun",), "召": ("shao",), "折": ("she",), "黑": ("he",),
    "任": ("ren",), "沈": ("shen",), "燕": ("yan",), "纪": ("ji",), "华": ("hua",),
    "宁": ("ning",), "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"), "长孙": ("zhang", "sun"),
    "单于": ("chan", "yu"), "澹台": ("tan", "tai"),
}
