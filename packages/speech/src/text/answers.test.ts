import { describe, expect, it } from 'vitest';
import { matchAnswer } from './answers.js';

const zhAccept = ['同意', '是的', '是'];
const zhReject = ['不同意', '不是', '不'];
const enAccept = ['yes', 'yeah', 'i do', 'i agree'];
const enReject = ['no', 'nope', 'no i do not', 'i disagree'];

describe('matchAnswer', () => {
  it.each([
    ['同意', 'accept', '同意'],
    ['我同意。', 'accept', '同意'],
    ['是的', 'accept', '是的'],
    ['不同意', 'reject', '不同意'],
    ['我不同意', 'reject', '不同意'],
    ['不是', 'reject', '不是'],
    ['同意，不，不同意', 'unclear', null],
    ['嗯', 'unclear', null],
    ['', 'unclear', null],
  ])('zh-CN %j → %s', (heard, decision, phrase) => {
    expect(matchAnswer(heard, zhAccept, zhReject, 'zh-CN')).toMatchObject({ decision, phrase });
  });

  it.each([
    ['Yes.', 'accept', 'yes'],
    ['yes I agree', 'accept', 'i agree'],
    ['No', 'reject', 'no'],
    ['no I do not', 'reject', 'no i do not'],
    ['I disagree', 'reject', 'i disagree'],
    ['I know', 'unclear', null],
    ['yesterday', 'unclear', null],
    ['yes no', 'unclear', null],
    ['the weather', 'unclear', null],
  ])('en %j → %s', (heard, decision, phrase) => {
    expect(matchAnswer(heard, enAccept, enReject, 'en')).toMatchObject({ decision, phrase });
  });
});
