// Media: uploads, downloads and processing.
import { def, type Message } from './message.ts';
import { mediaStatusVi } from './words.ts';

/** What ffmpeg was doing (the `what` of hub/media's runs), for Vietnamese messages. */
export function activityVi(what: string): string {
  const known: Record<string, string> = {
    'reading the file': 'đọc tệp',
    'measuring loudness': 'đo độ lớn âm thanh',
    'normalising loudness': 'chuẩn hóa độ lớn âm thanh',
    'checking the result': 'kiểm tra kết quả',
    'limiting peaks': 'giới hạn đỉnh âm',
  };
  const enc = /^encoding (\S+)$/.exec(what);
  return known[what] ?? (enc ? `mã hóa ${enc[1]}` : what);
}

/** What a file looks like (hub/media/sniff.ts names), in Vietnamese. */
export const LOOKS_LIKE_VI: Record<string, string> = {
  'a PNG image': 'ảnh PNG',
  'a JPEG image': 'ảnh JPEG',
  'a GIF image': 'ảnh GIF',
  'a WebP image': 'ảnh WebP',
  'a PDF document': 'tài liệu PDF',
  'a ZIP archive or an Office document': 'tệp nén ZIP hoặc tài liệu Office',
  'an old Office document': 'tài liệu Office định dạng cũ',
  'a web page (HTML)': 'trang web (HTML)',
  'a playlist (M3U), not the audio itself': 'danh sách phát (M3U), không phải bản thân tệp âm thanh',
  'an MP3 file': 'tệp MP3',
  'an MP3/AAC stream': 'luồng MP3/AAC',
  'a WAV file': 'tệp WAV',
  'a FLAC file': 'tệp FLAC',
  'an Ogg file': 'tệp Ogg',
  'an MP4/M4A file': 'tệp MP4/M4A',
  'a Matroska/WebM file': 'tệp Matroska/WebM',
  'an AIFF file': 'tệp AIFF',
  'an AMR voice recording': 'tệp ghi âm AMR',
  'a Windows Media file': 'tệp Windows Media',
  'a text file': 'tệp văn bản',
};
const looksLikeVi = (s: string) => LOOKS_LIKE_VI[s] ?? s;

// Durations as hub/media prints them: seconds with one decimal, minutes from two minutes on.
const durEn = (ms: number) => (ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);
const durVi = (ms: number) => (ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} phút` : `${(ms / 1000).toFixed(1)} giây`);
const sec2 = (ms: number) => (ms / 1000).toFixed(2);

export const MEDIA_TEXT = {
  'media.in-use': def(
    (p: { name: string; titles: string[]; verb: 'archive' | 'delete' }) =>
      `"${p.name}" is used by ${p.titles.length} broadcast(s) that may still air or are in the reports: ${p.titles
        .slice(0, 5)
        .map((t) => `"${t}"`)
        .join(
          ', ',
        )}${p.titles.length > 5 ? `, and ${p.titles.length - 5} more` : ''}; it cannot be ${p.verb === 'delete' ? 'deleted' : 'archived'}`,
    (p) =>
      `Không thể ${p.verb === 'delete' ? 'xóa' : 'lưu trữ'} «${p.name}»: tệp đang được dùng trong ${p.titles.length} bản tin còn có thể phát hoặc có trong báo cáo: ${p.titles
        .slice(0, 5)
        .map((t) => `«${t}»`)
        .join(
          ', ',
        )}${p.titles.length > 5 ? ` và ${p.titles.length - 5} bản tin khác` : ''}. Hãy hủy hoặc chờ các bản tin đó bị từ chối trước.`,
  ),
  'media.manage-not-allowed': def(
    (p: { name: string }) =>
      `only the uploader, the officials, leaders or district office of the uploader's ward, or an admin may archive or delete "${p.name}"`,
    (p) =>
      `Chỉ người tải lên, cán bộ, lãnh đạo phường của người tải lên, Phòng Văn hóa và Thông tin quận hoặc quản trị viên mới được lưu trữ hoặc xóa «${p.name}».`,
  ),
  'media.still-processing': def(
    (p: { name: string }) => `"${p.name}" is still being processed; wait until it is ready or has failed`,
    (p) => `«${p.name}» đang được xử lý; hãy chờ đến khi xử lý xong hoặc báo lỗi.`,
  ),
  'media.archived': def(
    (p: { id: number }) => `media ${p.id} is archived; restore it in the library to use it`,
    (p) => `Tệp âm thanh số ${p.id} đã được lưu trữ; hãy khôi phục trong thư viện để dùng.`,
  ),
  'media.not-found': def(
    (p: { id: number | string }) => `media ${p.id} does not exist`,
    (p) => `Không tìm thấy tệp âm thanh số ${p.id}.`,
  ),
  'media.file-not-found': def(
    (p: { file: string }) => `no media file "${p.file}"`,
    (p) => `Không có tệp âm thanh "${p.file}".`,
  ),
  'media.waveform-not-ready': def(
    (p: { id: number; status: string }) => `media ${p.id} is ${p.status}; its waveform exists once it is ready`,
    (p) => `Tệp âm thanh số ${p.id} ${mediaStatusVi(p.status)}; dạng sóng chỉ có khi tệp đã xử lý xong.`,
  ),
  'media.waveform-failed': def(
    (p: { detail: string }) => p.detail,
    (p) => `Không vẽ được dạng sóng của tệp âm thanh: ${p.detail}`,
  ),
  'upload.not-multipart': def(
    () => 'send the audio as multipart/form-data with a field named "file"',
    () => 'Vui lòng gửi tệp âm thanh dạng multipart/form-data, trong trường có tên "file".',
  ),
  'upload.bad-multipart': def(
    (p: { detail: string }) => `bad multipart request: ${p.detail}`,
    (p) => `Yêu cầu tải lên không hợp lệ: ${p.detail}`,
  ),
  'upload.no-file': def(
    () => 'no file field named "file" in the upload',
    () => 'Yêu cầu tải lên không có trường tệp tên "file".',
  ),
  'upload.too-large': def(
    (p: { mb: number }) => `file is larger than the ${p.mb} MB limit`,
    (p) => `Tệp vượt quá giới hạn ${p.mb} MB.`,
  ),
  'upload.empty': def(
    () => 'file is empty',
    () => 'Tệp rỗng (0 byte).',
  ),

  // ---- media processing: what the library page shows when an upload fails ----
  'media.empty-file': def(
    () => 'the file is empty (0 bytes); the upload or copy probably failed',
    () => 'Tệp rỗng (0 byte); có thể việc tải lên hoặc sao chép đã bị lỗi.',
  ),
  'media.not-audio-looks-like': def(
    (p: { looksLike: string }) => `the file is not audio: it looks like ${p.looksLike}`,
    (p) => `Tệp không phải âm thanh: có vẻ là ${looksLikeVi(p.looksLike)}.`,
  ),
  'media.damaged-looks-like': def(
    (p: { looksLike: string }) => `the file starts like ${p.looksLike} but is damaged: ffmpeg could not read it`,
    (p) => `Tệp có phần đầu giống ${looksLikeVi(p.looksLike)} nhưng đã bị hỏng, hệ thống không đọc được.`,
  ),
  'media.unknown-format': def(
    () => 'the file is not in any audio format we can read (ffmpeg did not recognise it)',
    () => 'Tệp không thuộc định dạng âm thanh nào mà hệ thống đọc được.',
  ),
  'media.not-regular-file': def(
    () => 'the file is not audio: it is not a regular file',
    () => 'Tệp không phải âm thanh: đây không phải một tệp thông thường.',
  ),
  'media.cannot-open': def(
    (p: { why: 'missing' | 'denied' | 'other'; detail: string }) =>
      `the file could not be opened: ${p.why === 'missing' ? 'it is not there (removed before processing?)' : p.why === 'denied' ? 'permission denied' : p.detail}`,
    (p) =>
      `Không mở được tệp: ${p.why === 'missing' ? 'tệp không còn (có thể đã bị xóa trước khi xử lý)' : p.why === 'denied' ? 'không có quyền đọc tệp' : p.detail}.`,
  ),
  'media.no-audio-stream': def(
    (p: { looksLike?: string; video?: string }) =>
      `the file is not audio: ffmpeg found no audio stream${p.looksLike ? ` (it looks like ${p.looksLike})` : p.video ? ` (it holds only video: ${p.video})` : ''}`,
    (p) =>
      `Tệp không phải âm thanh: không tìm thấy luồng âm thanh nào${p.looksLike ? ` (có vẻ là ${looksLikeVi(p.looksLike)})` : p.video ? ` (tệp chỉ có hình ảnh video: ${p.video})` : ''}.`,
  ),
  'media.no-sound-decoded': def(
    () => 'no sound could be decoded from the file: it is damaged or empty',
    () => 'Không đọc được âm thanh nào từ tệp: tệp bị hỏng hoặc rỗng.',
  ),
  'media.cut-short': def(
    (p: { headerMs: number; decodedMs: number }) =>
      `the file is cut short: it says it lasts ${durEn(p.headerMs)} but only ${durEn(p.decodedMs)} of sound could be read (an incomplete upload or copy?)`,
    (p) =>
      `Tệp bị thiếu phần cuối: tệp ghi thời lượng ${durVi(p.headerMs)} nhưng chỉ đọc được ${durVi(p.decodedMs)} âm thanh (có thể việc tải lên hoặc sao chép chưa hoàn tất).`,
  ),
  'media.too-long': def(
    (p: { ms: number; maxMs: number; cutOff: boolean }) =>
      `the recording is too long: ${p.cutOff ? 'more than ' : ''}${durEn(p.ms)}, the limit is ${durEn(p.maxMs)}`,
    (p) => `Bản ghi âm quá dài: ${p.cutOff ? 'hơn ' : ''}${durVi(p.ms)}, giới hạn là ${durVi(p.maxMs)}.`,
  ),
  'media.too-short': def(
    (p: { ms: number; minMs: number }) =>
      `the recording is too short: ${sec2(p.ms)} s, it must last at least ${sec2(p.minMs)} s`,
    (p) => `Bản ghi âm quá ngắn: ${sec2(p.ms)} giây; cần dài ít nhất ${sec2(p.minMs)} giây.`,
  ),
  'media.silent': def(
    () => 'the recording is silent: no sound could be measured in it',
    () => 'Bản ghi âm không có tiếng: không đo được âm thanh nào trong tệp.',
  ),
  'media.almost-silent': def(
    (p: { lufs: number }) =>
      `the recording is almost silent (${p.lufs.toFixed(1)} LUFS; speech is usually between -35 and -10): was the microphone muted?`,
    (p) =>
      `Bản ghi âm gần như không có tiếng (${p.lufs.toFixed(1)} LUFS; giọng nói thường ở khoảng -35 đến -10 LUFS). Có thể micrô đã bị tắt tiếng khi ghi.`,
  ),
  'media.lra-too-wide': def(
    (p: { lra: number; max: number }) =>
      `its loudness range (${p.lra.toFixed(1)} LU) is wider than ffmpeg can normalise with one fixed gain (${p.max} LU); please send a more even recording`,
    (p) =>
      `độ chênh lệch âm lượng trong bản ghi (${p.lra.toFixed(1)} LU) lớn hơn mức có thể cân bằng bằng một mức khuếch đại cố định (${p.max} LU); vui lòng gửi bản ghi âm đều hơn`,
  ),
  'media.peaks-too-high': def(
    (p: { tp: number; i: number }) =>
      `its peaks are too high for its loudness (peak ${p.tp.toFixed(1)} dBTP at ${p.i.toFixed(1)} LUFS): a fixed gain cannot reach a usable level`,
    (p) =>
      `đỉnh âm quá cao so với độ lớn chung (đỉnh ${p.tp.toFixed(1)} dBTP ở mức ${p.i.toFixed(1)} LUFS), không thể đưa về mức nghe rõ bằng một mức khuếch đại cố định`,
  ),
  'media.not-normalizable': def(
    (p: { reason: Message }) => `the loudness cannot be evened out: ${p.reason.en}`,
    (p) => `Không thể chuẩn hóa độ lớn âm thanh: ${p.reason.vi}.`,
  ),
  'media.stays-dynamic': def(
    (p: { attempts: number }) =>
      `the loudness cannot be evened out with one fixed gain: ffmpeg kept choosing dynamic normalisation after ${p.attempts} attempts`,
    (p) =>
      `Không thể chuẩn hóa độ lớn âm thanh bằng một mức khuếch đại cố định (đã thử ${p.attempts} lần). Vui lòng gửi bản ghi âm đều hơn hoặc báo quản trị viên.`,
  ),
  'media.damaged': def(
    (p: { what: string; detail: string }) => `the audio is damaged: ffmpeg stopped while ${p.what} (${p.detail})`,
    (p) => `Âm thanh trong tệp bị hỏng: việc ${activityVi(p.what)} bị dừng giữa chừng (${p.detail}).`,
  ),
  'media.tool-failed': def(
    (p: { what: string; exit: number | null; detail: string }) =>
      `ffmpeg failed while ${p.what} (exit ${p.exit}): ${p.detail}`,
    (p) =>
      `Công cụ xử lý âm thanh (ffmpeg) bị lỗi khi ${activityVi(p.what)} (mã thoát ${p.exit}); vui lòng báo quản trị viên. Chi tiết: ${p.detail}`,
  ),
  'media.tool-not-started': def(
    (p: { what: string; detail: string }) =>
      `the audio tool (ffmpeg) could not be started while ${p.what}: ${p.detail}`,
    (p) =>
      `Không khởi động được công cụ xử lý âm thanh (ffmpeg) khi ${activityVi(p.what)}; vui lòng báo quản trị viên. Chi tiết: ${p.detail}`,
  ),
  'media.encode-failed': def(
    (p: { format: string; detail: string }) => `ffmpeg failed while encoding ${p.format}: ${p.detail}`,
    (p) =>
      `Công cụ xử lý âm thanh (ffmpeg) bị lỗi khi mã hóa ${p.format}; vui lòng báo quản trị viên. Chi tiết: ${p.detail}`,
  ),
  'media.timeout': def(
    (p: { what: string; seconds: number }) =>
      `processing took too long while ${p.what} (stopped after ${p.seconds} s); the file may be damaged or far too long`,
    (p) => `Xử lý quá lâu khi ${activityVi(p.what)} (đã dừng sau ${p.seconds} giây); tệp có thể bị hỏng hoặc quá dài.`,
  ),
  'media.loudness-check-failed': def(
    (p: { format: string; i: number; tp: number; targetI: number; targetTp: number }) =>
      `the ${p.format} result failed its loudness check: ${p.i.toFixed(1)} LUFS / ${p.tp.toFixed(1)} dBTP measured, ${p.targetI} LUFS / ${p.targetTp} dBTP intended`,
    (p) =>
      `Tệp ${p.format} tạo ra không đạt kiểm tra độ lớn âm thanh: đo được ${p.i.toFixed(1)} LUFS / ${p.tp.toFixed(1)} dBTP, yêu cầu ${p.targetI} LUFS / ${p.targetTp} dBTP. Vui lòng báo quản trị viên.`,
  ),
  'media.interrupted': def(
    () => 'processing was interrupted by a hub restart; upload again',
    () => 'Việc xử lý bị gián đoạn do hệ thống khởi động lại; vui lòng tải tệp lên lại.',
  ),
} as const;
