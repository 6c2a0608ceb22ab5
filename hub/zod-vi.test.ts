// Request validation in Vietnamese: the same issues describeZodError lists, by zod issue code.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeZodError, LedMessage } from '../protocol/index.ts';
import { BroadcastInput } from './broadcasts/broadcasts.ts';
import { describeZodErrorVi, fieldVi, issueVi, KNOWN_VI } from './zod-vi.ts';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const issues = (schema: z.ZodTypeAny, input: unknown) => {
  const r = schema.safeParse(input);
  if (r.success) throw new Error('expected a failure');
  return r.error;
};
const one = (schema: z.ZodTypeAny, input: unknown) => issueVi(issues(schema, input).issues[0]);

describe('zod issues in Vietnamese', () => {
  it('required fields and wrong types (invalid_type)', () => {
    expect(one(z.object({ title: z.string() }), {})).toBe('bắt buộc phải có');
    expect(one(z.string(), 5)).toBe('phải là chuỗi ký tự');
    expect(one(z.number(), 'x')).toBe('phải là số');
    expect(one(z.number().int(), 1.5)).toBe('phải là số nguyên');
    expect(one(z.array(z.string()), {})).toBe('phải là danh sách');
    expect(one(z.coerce.number(), 'abc')).toBe('phải là số');
  });

  it('sizes of strings, numbers and arrays (too_small, too_big)', () => {
    expect(one(z.string().min(1), '')).toBe('không được để trống');
    expect(one(z.string().min(8), 'short')).toBe('phải có ít nhất 8 ký tự');
    expect(one(z.string().max(3), 'long')).toBe('không được dài quá 3 ký tự');
    expect(one(z.string().length(4), 'abc')).toBe('phải có đúng 4 ký tự');
    expect(one(z.number().min(0), -1)).toBe('phải lớn hơn hoặc bằng 0');
    expect(one(z.number().positive(), 0)).toBe('phải lớn hơn 0');
    expect(one(z.number().max(100), 101)).toBe('không được lớn hơn 100');
    expect(one(z.number().lt(10), 10)).toBe('phải nhỏ hơn 10');
    expect(one(z.array(z.string()).min(1), [])).toBe('phải có ít nhất một mục');
    expect(one(z.array(z.string()).min(2), ['a'])).toBe('phải có ít nhất 2 mục');
    expect(one(z.array(z.string()).max(1), ['a', 'b'])).toBe('chỉ được có tối đa 1 mục');
  });

  it('choices, formats, extra keys, multiples', () => {
    expect(one(z.enum(['air-ours', 'yield']), 'maybe')).toBe('phải là một trong các giá trị: "air-ours", "yield"');
    expect(one(z.literal('x'), 'y')).toBe('phải là "x"');
    expect(one(z.string().uuid(), 'nope')).toBe('không phải mã UUID hợp lệ');
    expect(one(z.string().email(), 'nope')).toBe('không phải địa chỉ email hợp lệ');
    expect(one(z.string().regex(/^\d+$/), 'x')).toBe('không đúng định dạng yêu cầu');
    expect(one(z.string().startsWith('wc_'), 'x')).toBe('phải bắt đầu bằng "wc_"');
    expect(one(z.object({ a: z.string() }).strict(), { a: 'x', b: 1, c: 2 })).toBe(
      'có trường không được phép: "b", "c"',
    );
    expect(one(z.number().multipleOf(5), 7)).toBe('phải là bội số của 5');
  });

  it('custom issues: the Vietnamese in params, else the English', () => {
    expect(
      one(
        z.string().refine(() => false, { message: 'no', params: { vi: 'không được' } }),
        'x',
      ),
    ).toBe('không được');
    expect(
      one(
        z.string().refine(() => false, 'only English'),
        'x',
      ),
    ).toBe('only English');
  });

  it('names fields as an official knows them', () => {
    expect(fieldVi(['title'])).toBe('Tiêu đề');
    expect(fieldVi(['led', 'pages', 0, 'lines', 1])).toBe('Thông điệp LED › Trang 1 › Dòng 2');
    expect(fieldVi(['somethingElse'])).toBe('somethingElse');
  });
});

describe('describeZodErrorVi lists the issues describeZodError lists', () => {
  it('a broadcast without a title, targets or a time', () => {
    const err = issues(BroadcastInput, {
      title: '  ',
      led: { pages: [{ lines: ['Thông báo'] }] },
      targets: { areas: [] },
      startsAt: 'now',
      volume: 150,
    });
    expect(describeZodError(err)).toBe(
      'title: title is required; volume: Too big: expected number to be <=100; targets: choose at least one area or device',
    );
    expect(describeZodErrorVi(err)).toBe(
      'Tiêu đề: bắt buộc phải nhập; Âm lượng: không được lớn hơn 100; Nơi phát: chọn ít nhất một khu vực hoặc thiết bị',
    );
  });

  it('whole-body rules (refine on the object) read as sentences', () => {
    const err = issues(BroadcastInput, { title: 'Tin', targets: { areas: ['ha-noi'] }, startsAt: 'now' });
    expect(describeZodErrorVi(err)).toBe('Lịch phát cần có bản tin âm thanh hoặc thông điệp LED');
    const both = issues(BroadcastInput, {
      title: 'Tin',
      mediaId: 1,
      targets: { areas: ['ha-noi'] },
      startsAt: 'now',
      rrule: 'x',
    });
    expect(describeZodErrorVi(both)).toMatch(/^Vui lòng chọn một trong hai: thời điểm phát/);
  });

  it('LED messages from protocol/ (no Vietnamese of their own) by issue code', () => {
    const err = issues(LedMessage, { pages: [{ lines: [], seconds: 0 }] });
    expect(describeZodErrorVi(err)).toBe(
      'Trang 1 › Dòng: phải có ít nhất một mục; Trang 1 › Số giây: phải lớn hơn hoặc bằng 1',
    );
  });

  it('at most five issues, like the English', () => {
    const err = issues(
      z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string(), e: z.string(), f: z.string() }),
      {},
    );
    expect(describeZodErrorVi(err).split('; ')).toHaveLength(5);
  });
});

describe('protocol messages translated by their text', () => {
  it('each still stands in protocol/, so rewording one there fails here instead of going English', () => {
    const dir = path.join(import.meta.dirname, '..', 'protocol');
    const sources = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    for (const english of Object.keys(KNOWN_VI)) expect(sources, english).toContain(`'${english}'`);
  });
});
