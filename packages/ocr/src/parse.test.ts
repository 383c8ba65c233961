import { describe, expect, it } from 'vitest';
import {
  chooseEthnicity,
  parseAddress,
  parseBirth,
  parseIdNumber,
  parseIssuer,
  parseName,
  parseSexEthnicity,
} from './parse.js';

describe('parsing recognised text', () => {
  it('reads sex and ethnicity from the labelled line, also with misread labels', () => {
    expect(parseSexEthnicity('性 别 男 民 族 柯 尔 克 孜\n')).toEqual({ sex: '男', ethnicity: '柯尔克孜' });
    expect(parseSexEthnicity('生 别 男 民 族 柯 尔 克 孜')).toEqual({ sex: '男', ethnicity: '柯尔克孜' });
    expect(parseSexEthnicity('性别女民熔汉')).toEqual({ sex: '女', ethnicity: '汉' });
    expect(parseSexEthnicity('性别女氏族土家')).toEqual({ sex: '女', ethnicity: '土家' });
    expect(parseSexEthnicity('男 汉')).toEqual({ sex: '男', ethnicity: '汉' });
    expect(parseSexEthnicity('性别女民族汊')).toEqual({ sex: '女', ethnicity: '汊' });
    expect(parseSexEthnicity('性别民族汉')).toEqual({ sex: '', ethnicity: '汉' });
    expect(parseSexEthnicity('')).toEqual({ sex: '', ethnicity: '' });
  });

  it('chooses an official ethnicity among readings, never invents one', () => {
    expect(
      chooseEthnicity(
        '汊',
        [
          { text: '汉', confidence: 80 },
          { text: '民族汊', confidence: 86 },
        ],
        90,
      ),
    ).toBe('汉');
    expect(
      chooseEthnicity(
        '汊',
        [
          { text: '池', confidence: 80 },
          { text: '民 族 汉', confidence: 86 },
        ],
        90,
      ),
    ).toBe('汉');
    expect(chooseEthnicity('穿青人', [{ text: '穿青人', confidence: 80 }], 90)).toBe('穿青人');
    expect(chooseEthnicity('汊', [{ text: '叉', confidence: 80 }], 90)).toBe('汊');
  });

  it('parses the birth line only into real dates', () => {
    expect(parseBirth('1987 年 6 月 9 日')).toEqual({ year: 1987, month: 6, day: 9 });
    expect(parseBirth('2008年12月16日')).toEqual({ year: 2008, month: 12, day: 16 });
    expect(parseBirth('1987 年 2 月 30 日')).toBeUndefined();
    expect(parseBirth('年月日')).toBeUndefined();
  });

  it('normalises names, numbers, addresses and issuers without changing characters', () => {
    expect(parseName('买 买 提 • 艾 力')).toBe('买买提·艾力');
    expect(parseName(' 张 三 \n')).toBe('张三');
    expect(parseIdNumber(' 1101 0519 4912 3100 2x\n')).toBe('11010519491231002X');
    expect(parseAddress('北京市海淀区黄河路 101 号“\n3 栋 A 座')).toBe('北京市海淀区黄河路101号3栋A座');
    expect(parseIssuer('成 都 市 公 安 局 武 侯 分 局 |')).toBe('成都市公安局武侯分局');
  });
});
