import pytest

from c360.hub.normalize import Reason, normalize_address
from c360.hub.normalize.address import Street, street_of

CASES = [
    ("北京市朝阳区建国路88号", "北京|北京|朝阳|建国路88号", True, None),
    ("北京朝阳建国路88号", "北京|北京|朝阳|建国路88号", True, None),
    ("中国 北京市 朝阳区 建国路 88号", "北京|北京|朝阳|建国路88号", True, None),
    ("北京市市辖区东城区东长安街1号", "北京|北京|东城|东长安街1号", True, None),
    ("广东省深圳市南山区科技园科苑路15号", "广东|深圳|南山|科技园科苑路15号", True, None),
    ("广东深圳南山科技园科苑路15号", "广东|深圳|南山|科技园科苑路15号", True, None),
    ("深圳市南山区科技园", "广东|深圳|南山|科技园", True, None),
    ("廣東省廣州市天河區體育西路１２３號", "广东|广州|天河|体育西路123号", True, None),
    ("上海市浦东新区世纪大道100号", "上海|上海|浦东|世纪大道100号", True, None),
    ("上海浦东世纪大道100号", "上海|上海|浦东|世纪大道100号", True, None),
    ("天津和平区南京路", "天津|天津|和平|南京路", True, None),
    ("重庆市渝中区解放碑", "重庆|重庆|渝中|解放碑", True, None),
    ("内蒙古自治区呼和浩特市新城区", "内蒙古|呼和浩特|新城|", True, None),
    ("內蒙古锡林郭勒盟锡林浩特市", "内蒙古|锡林郭勒|锡林浩特|", True, None),
    ("广西南宁市青秀区民族大道", "广西|南宁|青秀|民族大道", True, None),
    ("广西壮族自治区南宁市青秀区民族大道", "广西|南宁|青秀|民族大道", True, None),
    ("西藏拉萨市城关区", "西藏|拉萨|城关|", True, None),
    ("宁夏银川市兴庆区", "宁夏|银川|兴庆|", True, None),
    ("新疆维吾尔自治区乌鲁木齐市天山区", "新疆|乌鲁木齐|天山|", True, None),
    ("吉林省吉林市船营区", "吉林|吉林|船营|", True, None),
    ("湖北省恩施土家族苗族自治州利川市", "湖北|恩施|利川|", True, None),
    ("广东省东莞市南城街道", "广东|东莞||南城街道", True, None),
    ("香港九龙弥敦道", "香港|香港||九龙弥敦道", True, None),
    ("深圳南山大道1001号", "广东|深圳||南山大道1001号", False, Reason.INCOMPLETE),
    ("朝阳区建国路", "||朝阳|建国路", False, Reason.UNPARSED),
    ("XX小区3栋", "|||XX小区3栋", False, Reason.UNPARSED),
    ("", "|||", False, Reason.EMPTY),
]


@pytest.mark.parametrize(("raw", "value", "trusted", "reason"), CASES)
def test_normalize_address(raw: str, value: str, trusted: bool, reason: Reason | None) -> None:
    result = normalize_address(raw)
    assert (result.value, result.trusted, result.reason) == (value, trusted, reason)


def test_locality_key_blocks_abbreviations_together() -> None:
    full = normalize_address("广东省深圳市南山区科技园")
    short = normalize_address("广东深圳南山科苑路")
    assert full.locality_key == short.locality_key == "广东|深圳|南山"
    assert (full.province, full.city, full.district, full.rest) == ("广东", "深圳", "南山", "科技园")


@pytest.mark.parametrize(
    ("rest", "street"),
    [
        ("广州大道北775号万科城28栋708房", Street("广州大道北775号", ("28", "708"))),
        ("江南大道中254号", Street("江南大道中254号", ())),
        ("中山大道西785號", Street("中山大道西785号", ())),
        ("体育西路123号3栋502", Street("体育西路123号", ("3", "502"))),
    ],
)
def test_a_road_keeps_the_direction_of_its_section(rest: str, street: Street) -> None:
    assert street_of(rest) == street
