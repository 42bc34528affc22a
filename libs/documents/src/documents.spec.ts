import { escapeHtml, FORM_KEYS, FORM_TITLES, pdfDefinition, renderHtml, renderPdf, type FormDocument, type FormHeader, type FormKey } from './index';

const HEADER: FormHeader = {
  authority: 'UBND XÃ PHÚ THỊNH',
  issuer: 'TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG',
  number: 'Số: 15/GTN',
  placeAndDate: 'Phú Thịnh, ngày 02 tháng 3 năm 2026',
};
const CODE = 'H26.01.01-260302-0015';
const APPLICANT = 'Nguyễn Thị Hằng';
const ADDRESS = 'Thôn Đông Hạ, xã Phú Thịnh, tỉnh Tuyên Quang';
const PROCEDURE = 'Đăng ký khai sinh';
const RECEIVED = '09 giờ 30 phút, ngày 02/03/2026';
const RECEIVER = { title: 'NGƯỜI TIẾP NHẬN HỒ SƠ', name: 'Trần Văn Đức' };
const CHAIR = { title: 'CHỦ TỊCH', name: 'Lê Quốc Khánh', note: 'Đã ký số lúc 10 giờ 05 phút, ngày 04/03/2026 (khoá 3f2a…)' };
const RECIPIENTS = ['Như trên;', 'Trung tâm Phục vụ hành chính công xã;', 'Lưu: VT.'];
const BIRTH_COMPONENTS = [
  { name: 'Tờ khai đăng ký khai sinh', originals: 1, copies: 0 },
  { name: 'Giấy chứng sinh', originals: 1, copies: 0, note: 'Do Trạm y tế xã cấp' },
];

/** One realistic sample per form, and texts (with diacritics) each one must print verbatim. */
const SAMPLES: Readonly<Record<FormKey, { readonly doc: FormDocument; readonly texts: readonly string[] }>> = {
  'mau-01': {
    doc: {
      form: 'mau-01',
      header: HEADER,
      dossierCode: CODE,
      applicantName: APPLICANT,
      applicantAddress: ADDRESS,
      applicantPhone: '0912 345 678',
      applicantEmail: 'hang.nguyen@example.vn',
      procedureName: PROCEDURE,
      components: BIRTH_COMPONENTS,
      setsCount: 1,
      receivedAtText: RECEIVED,
      appointmentText: '14 giờ 00 phút, ngày 03/03/2026',
      resultDelivery: 'Trung tâm Phục vụ hành chính công xã',
      fee: 'Miễn lệ phí',
      trackingBook: 'Vào Sổ theo dõi hồ sơ, Quyển số 2026, Số thứ tự 15',
      lookupHint: 'Tra cứu tình trạng hồ sơ tại Cổng Dịch vụ công quốc gia bằng mã hồ sơ.',
      signatures: [{ title: 'NGƯỜI NỘP HỒ SƠ', name: APPLICANT }, RECEIVER],
    },
    texts: [APPLICANT, PROCEDURE, 'Giấy chứng sinh', 'Do Trạm y tế xã cấp', 'Miễn lệ phí', 'NGƯỜI NỘP HỒ SƠ', 'Trần Văn Đức'],
  },
  'mau-02': {
    doc: {
      form: 'mau-02',
      header: { ...HEADER, number: 'Số: 12/PYCBS' },
      dossierCode: CODE,
      applicantName: APPLICANT,
      applicantAddress: ADDRESS,
      procedureName: PROCEDURE,
      receivedAtText: RECEIVED,
      items: [{ name: 'Giấy chứng nhận kết hôn của cha, mẹ', originals: 0, copies: 1, note: 'Bản sao có chứng thực' }],
      reason: 'Thiếu giấy tờ chứng minh quan hệ hôn nhân của cha, mẹ.',
      citizenDeadlineText: 'Trong thời hạn 7 ngày làm việc, trước 17 giờ 00 phút ngày 12/03/2026',
      contact: 'Quầy số 2, Trung tâm Phục vụ hành chính công xã; ông Trần Văn Đức, ĐT 0207 3822 123',
      signatures: [{ title: 'NGƯỜI HƯỚNG DẪN', name: 'Trần Văn Đức' }],
    },
    texts: [APPLICANT, 'Giấy chứng nhận kết hôn của cha, mẹ', 'Thiếu giấy tờ chứng minh quan hệ hôn nhân', 'NGƯỜI HƯỚNG DẪN'],
  },
  'mau-03': {
    doc: {
      form: 'mau-03',
      header: HEADER,
      dossierCode: CODE,
      applicantName: APPLICANT,
      applicantAddress: ADDRESS,
      procedureName: 'Đăng ký kết hôn',
      receivedAtText: RECEIVED,
      reason: 'Hồ sơ không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã.',
      signatures: [RECEIVER],
    },
    texts: [APPLICANT, 'Đăng ký kết hôn', 'không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã'],
  },
  'mau-04': {
    doc: {
      form: 'mau-04',
      header: { ...HEADER, issuer: 'ỦY BAN NHÂN DÂN XÃ PHÚ THỊNH', number: 'Số: 08/XL-UBND' },
      addressee: `Kính gửi: Bà ${APPLICANT}`,
      dossierCode: CODE,
      procedureName: PROCEDURE,
      receivedAtText: RECEIVED,
      originalDueText: '14 giờ 00 phút, ngày 03/03/2026',
      reason: 'Phần mềm đăng ký, quản lý hộ tịch điện tử dùng chung gián đoạn kết nối.',
      newDueText: '10 giờ 00 phút, ngày 05/03/2026',
      signatures: [CHAIR],
      recipients: RECIPIENTS,
    },
    texts: [`Kính gửi: Bà ${APPLICANT}`, 'gián đoạn kết nối', 'Lê Quốc Khánh', 'Đã ký số lúc 10 giờ 05 phút', 'Trung tâm Phục vụ hành chính công xã;'],
  },
  'mau-05': {
    doc: {
      form: 'mau-05',
      header: { ...HEADER, issuer: 'ỦY BAN NHÂN DÂN XÃ PHÚ THỊNH', number: 'Số: 03/TB-UBND' },
      addressee: 'Kính gửi: Ông Nguyễn Đình Trọng',
      dossierCode: CODE,
      procedureName: 'Đăng ký thường trú',
      receivedAtText: RECEIVED,
      requestedAtText: '08 giờ 15 phút, ngày 03/03/2026',
      reason: 'Người yêu cầu đề nghị dừng giải quyết để bổ sung giấy tờ về chỗ ở hợp pháp.',
      signatures: [CHAIR],
      recipients: RECIPIENTS,
    },
    texts: ['Nguyễn Đình Trọng', 'Đăng ký thường trú', 'chỗ ở hợp pháp', 'Lưu: VT.'],
  },
  'mau-06': {
    doc: {
      form: 'mau-06',
      header: { authority: 'UBND XÃ PHÚ THỊNH', issuer: 'TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG', placeAndDate: HEADER.placeAndDate },
      dossierCode: CODE,
      applicantName: APPLICANT,
      applicantAddress: ADDRESS,
      procedureName: PROCEDURE,
      receivedAtText: RECEIVED,
      dueText: '14 giờ 00 phút, ngày 03/03/2026',
      handlingUnit: 'Tư pháp – Hộ tịch',
      rows: [
        {
          unitName: 'Tư pháp – Hộ tịch',
          giveText: 'Giao: Bộ phận Một cửa',
          receiveText: 'Nhận: Tư pháp – Hộ tịch',
          giver: 'Trần Văn Đức',
          receiver: 'Hoàng Thị Yến',
          timeText: '09 giờ 45 phút, ngày 02/03/2026',
          stepDueText: '11 giờ 00 phút, ngày 03/03/2026',
          outcome: 'Trước hạn',
          note: '',
        },
        {
          unitName: 'Bộ phận Một cửa',
          giveText: 'Giao: Tư pháp – Hộ tịch',
          receiveText: 'Nhận: Bộ phận Một cửa',
          giver: 'Hoàng Thị Yến',
          receiver: 'Trần Văn Đức',
          timeText: '10 giờ 30 phút, ngày 03/03/2026',
          stepDueText: '',
          outcome: 'Đúng hạn',
          note: 'Chuyển bản giấy do mất kết nối',
        },
      ],
    },
    texts: [
      'TÊN CƠ QUAN',
      'THỜI GIAN GIAO, NHẬN HỒ SƠ',
      'KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/đúng hạn/quá hạn)',
      'GHI CHÚ',
      'Tư pháp – Hộ tịch',
      'Người nhận: Hoàng Thị Yến',
      'Trước hạn',
      'Chuyển bản giấy do mất kết nối',
    ],
  },
  'mau-07': {
    doc: {
      form: 'mau-07',
      header: HEADER,
      officeName: 'Trung tâm Phục vụ hành chính công xã Phú Thịnh',
      periodText: 'Từ ngày 01/03/2026 đến ngày 31/03/2026',
      rows: [
        {
          no: 1,
          dossierCode: CODE,
          procedureName: PROCEDURE,
          setsCount: 1,
          applicantName: APPLICANT,
          address: ADDRESS,
          handlingUnit: 'Tư pháp – Hộ tịch',
          receivedText: '02/03/2026',
          appointmentText: '03/03/2026',
          transferredText: '02/03/2026',
          resultReceivedText: '03/03/2026',
          returnedText: '03/03/2026',
          note: 'Trả kết quả qua bưu chính',
        },
      ],
    },
    texts: ['Mã hồ sơ', 'Tên TTHC', 'Tên cá nhân/tổ chức', 'Ngày nhận kết quả', APPLICANT, 'Trả kết quả qua bưu chính'],
  },
};

const MALICIOUS = '<script>alert("x")</script>';

const reference = (doc: FormDocument): string => (doc.form === 'mau-07' ? doc.periodText : doc.dossierCode);

/** Appends the malicious text to every string of a form but its `form` key. */
function poisoned(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return key === 'form' ? value : `${value}${MALICIOUS}`;
  if (Array.isArray(value)) return value.map((v) => poisoned(v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poisoned(v, k)]));
  return value;
}

/** Every Unicode code point a PDF's ToUnicode CMaps map glyphs to (pdfkit writes bfrange arrays of <hex>). */
function toUnicodeCodePoints(pdf: Buffer): Set<number> {
  const text = pdf.toString('latin1');
  const points = new Set<number>();
  for (const [, ranges] of text.matchAll(/beginbfrange\n([\s\S]*?)\nendbfrange/g)) {
    for (const [, array] of ranges.matchAll(/\[([^\]]*)\]/g)) {
      for (const [, hex] of array.matchAll(/<([0-9a-f]{4})>/gi)) points.add(parseInt(hex, 16));
    }
  }
  return points;
}

const PDF_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '(': '\\(', ')': '\\)', '\\': '\\\\' };

/** A string as pdfkit writes it into the info dictionary: a literal, in UTF-16BE with a BOM when not ASCII. */
function pdfLiteral(value: string): string {
  const bytes = /^[\x00-\x7f]*$/.test(value) ? Buffer.from(value, 'latin1') : Buffer.from(`\ufeff${value}`, 'utf16le').swap16();
  return `(${bytes.toString('latin1').replace(/[\n\r\t\b\f()\\]/g, (c) => PDF_ESCAPES[c] ?? c)})`;
}

const nonAscii = (texts: readonly string[]): number[] => [...new Set([...texts.join('')].map((c) => c.codePointAt(0)!))].filter((cp) => cp > 0x7f);

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`${MALICIOUS} & 'q'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
  });

  it('leaves Vietnamese text untouched', () => {
    expect(escapeHtml('Nguyễn Thị Hằng – Tư pháp')).toBe('Nguyễn Thị Hằng – Tư pháp');
  });
});

describe('samples', () => {
  it('cover every form', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...FORM_KEYS]);
  });
});

describe.each(FORM_KEYS)('%s', (form) => {
  const { doc, texts } = SAMPLES[form];

  describe('renderHtml', () => {
    const html = renderHtml(doc);

    it('is a complete Vietnamese UTF-8 page with A4 print CSS', () => {
      expect(html.startsWith('<!doctype html>\n<html lang="vi">')).toBe(true);
      expect(html).toContain('<meta charset="utf-8">');
      expect(html).toContain('font-family: "Times New Roman", "Liberation Serif", serif; font-size: 13pt');
      expect(html).toContain(form === 'mau-07' ? 'size: A4 landscape; margin: 20mm 15mm' : 'size: A4; margin: 20mm 15mm');
      expect(html.trimEnd().endsWith('</html>')).toBe(true);
    });

    it('prints the header, title, form number and reference', () => {
      for (const t of ['UBND XÃ PHÚ THỊNH', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'Phú Thịnh, ngày 02 tháng 3 năm 2026']) {
        expect(html).toContain(t);
      }
      expect(html).toContain(`<h1>${FORM_TITLES[form]}</h1>`);
      expect(html).toContain(`Mẫu ${form.slice(-2)}`);
      expect(html).toContain(reference(doc));
    });

    it('prints the texts with diacritics verbatim', () => {
      for (const t of texts) expect(html).toContain(escapeHtml(t));
    });

    it('escapes every interpolated text', () => {
      const evil = renderHtml(poisoned(doc) as FormDocument);
      expect(evil).not.toContain('<script');
      expect(evil).not.toContain('alert("x")');
      expect(evil).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    });
  });

  describe('pdfDefinition', () => {
    const definition = pdfDefinition(doc);
    const json = JSON.stringify(definition);

    it('sets the page, the metadata and the font', () => {
      expect(definition.pageSize).toBe('A4');
      expect(definition.pageOrientation).toBe(form === 'mau-07' ? 'landscape' : 'portrait');
      expect(definition.info).toEqual({ title: FORM_TITLES[form], subject: reference(doc), creator: 'MotCua' });
      expect(definition.defaultStyle).toMatchObject({ font: 'Roboto', fontSize: 13 });
    });

    it('carries the title, the heading and the texts with diacritics', () => {
      for (const t of [FORM_TITLES[form], 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', reference(doc), ...texts]) expect(json).toContain(JSON.stringify(t).slice(1, -1));
    });

    it('repeats table headers on each page', () => {
      const tables = form === 'mau-03' || form === 'mau-04' || form === 'mau-05' ? 0 : 1;
      expect(json.match(/"headerRows":1/g)?.length ?? 0).toBe(tables);
    });
  });

  describe('renderPdf', () => {
    let pdf: Buffer;
    beforeAll(async () => {
      pdf = await renderPdf(doc, { compress: false });
    });

    it('is a PDF embedding a Roboto subset', () => {
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(10_000);
      expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+Roboto-Regular/);
    });

    it('carries the title, subject and creator metadata', () => {
      const text = pdf.toString('latin1');
      for (const value of [FORM_TITLES[form], reference(doc), 'MotCua']) expect(text).toContain(pdfLiteral(value));
    });

    it('maps glyphs back to every Vietnamese character it prints', () => {
      const mapped = toUnicodeCodePoints(pdf);
      expect(mapped.has(0x1ec5)).toBe(true); // ễ of "Nguyễn", on every sample
      const missing = nonAscii([...texts, FORM_TITLES[form]]).filter((cp) => !mapped.has(cp));
      expect(missing.map((cp) => String.fromCodePoint(cp))).toEqual([]);
    });
  });
});

describe('renderPdf compression', () => {
  it('compresses by default and not when asked', async () => {
    const doc = SAMPLES['mau-01'].doc;
    const [packed, plain] = await Promise.all([renderPdf(doc), renderPdf(doc, { compress: false })]);
    expect(packed.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(packed.toString('latin1')).not.toContain('beginbfrange');
    expect(plain.toString('latin1')).toContain('beginbfrange');
    expect(packed.length).toBeLessThan(plain.length);
  });
});
