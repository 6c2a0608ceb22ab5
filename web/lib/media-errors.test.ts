import { describe, expect, it } from 'vitest';
import { mediaErrorText } from './media-errors.ts';

describe('why an upload failed, in the UI language', () => {
  const m = {
    error: 'the file is not audio: it looks like a PNG image',
    errorVi: 'Tệp không phải âm thanh: có vẻ là ảnh PNG.',
    errorCode: 'not-audio',
  };
  it('takes the hub’s Vietnamese, or its English', () => {
    expect(mediaErrorText(m, 'vi')).toBe('Tệp không phải âm thanh: có vẻ là ảnh PNG.');
    expect(mediaErrorText(m, 'en')).toBe(m.error);
  });
  it('goes by the code for records without a Vietnamese reason', () => {
    expect(mediaErrorText({ ...m, errorVi: null }, 'vi')).toMatch(/^Tệp không phải âm thanh/);
    expect(mediaErrorText({ error: 'spawn EACCES', errorVi: null, errorCode: 'error' }, 'vi')).toBe(
      'Xử lý tệp âm thanh bị lỗi: spawn EACCES',
    );
  });
});
