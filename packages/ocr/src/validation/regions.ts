/**
 * Province-level divisions of GB/T 2260, by the first two digits of a resident ID number.
 *
 * Only the province level is checked: prefecture and county codes change every year (mergers,
 * renamed districts) and a number keeps the code of the place it was first issued in, so a
 * full county table would need to be every historical edition of GB/T 2260 to avoid rejecting
 * real numbers. 71 (台湾), 81 (香港) and 82 (澳门) are in GB/T 2260 but never begin a mainland
 * resident ID number (residence permits use 81/82/83 with a 0000 suffix), so they are absent.
 */
export const PROVINCES: Readonly<Record<string, string>> = Object.freeze({
  '11': '北京市',
  '12': '天津市',
  '13': '河北省',
  '14': '山西省',
  '15': '内蒙古自治区',
  '21': '辽宁省',
  '22': '吉林省',
  '23': '黑龙江省',
  '31': '上海市',
  '32': '江苏省',
  '33': '浙江省',
  '34': '安徽省',
  '35': '福建省',
  '36': '江西省',
  '37': '山东省',
  '41': '河南省',
  '42': '湖北省',
  '43': '湖南省',
  '44': '广东省',
  '45': '广西壮族自治区',
  '46': '海南省',
  '50': '重庆市',
  '51': '四川省',
  '52': '贵州省',
  '53': '云南省',
  '54': '西藏自治区',
  '61': '陕西省',
  '62': '甘肃省',
  '63': '青海省',
  '64': '宁夏回族自治区',
  '65': '新疆维吾尔自治区',
});

/** The province name for a two-digit code, or undefined when it is not a mainland province. */
export function provinceName(code: string): string | undefined {
  return Object.hasOwn(PROVINCES, code) ? PROVINCES[code] : undefined;
}
