import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { CanonicalJsonError, canonicalJson } from './canonical-json';
import { computeEventHash, GENESIS_HASH } from './events/event-chain';

/*
 * The two sorted-keys serialisers used before RFC 8785, verbatim (git ce64fe7): the event chain's
 * (libs/domain/src/events/event-chain.ts) and the signatures' (libs/workflow/src/signing.ts).
 * Stored hashes and signed texts were written by them.
 */
function legacyChainJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(legacyChainJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${legacyChainJson(v)}`).join(',')}}`;
}

function legacySignatureJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(legacySignatureJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${legacySignatureJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const DOSSIER_ID = '0195a3c2-0000-7000-8000-000000000001';

/** Events shaped as the commands write them, with Vietnamese text, keys and awkward numbers. */
const EVENTS = [
  {
    type: 'DossierReceived',
    actor: 'Nguyễn Thị Một Cửa',
    occurredAt: new Date('2026-03-02T01:30:00.000Z'),
    payload: {
      code: 'H26.01.01-260302-0001',
      procedureCode: '1.001193',
      procedureVersion: 3,
      routeVersion: 2,
      options: ['co-uy-quyen'],
      channel: 'desk',
      resultDelivery: 'post',
      stateSecret: false,
      receivingOfficeCode: 'MC-26001',
      receivingCommuneCode: '26001',
      countedFrom: '2026-03-02T01:30:00.000Z',
      dueAt: '2026-03-09T10:00:00.000Z',
      state: 'received',
      portalStatus: 2,
    },
  },
  {
    type: 'HandoffSent',
    actor: 'Nguyễn Thị Một Cửa',
    occurredAt: new Date('2026-03-02T01:31:07.250Z'),
    payload: {
      handoffId: '0195a3c2-7e1f-7b6a-9d40-2f8c1e0a5b31',
      stepKey: 'tham-dinh',
      fromUnit: 'van-phong',
      toUnit: 'tu-phap',
      channel: 'paper',
      reason: 'originals_needed',
      note: 'Bản gốc giấy khai sinh, chuyển tay lúc 9 giờ — ông Đặng Văn Đức "Tư pháp"\n\t✓ 😀',
      stepDueAt: null,
    },
  },
  {
    type: 'StepCompleted',
    actor: 'Trần Văn Tư Pháp',
    occurredAt: new Date('2026-03-04T08:15:00.000Z'),
    payload: {
      stepKey: 'xac-nhan-bhxh',
      unit: 'bhxh',
      timeliness: 'on_time',
      notes: 'Đã đối chiếu',
      result: {
        maSoBhxh: '0123456789',
        'kết quả': 'hợp lệ',
        soTien: 1250000.5,
        tiLe: 0.075,
        rat_nho: 1e-7,
        rat_lon: 1e21,
        am: -0,
        dot: [1, 2.5, -3, 9007199254740991],
        'Ý kiến': { 'đồng ý': true, lyDo: null, ấp: false },
      },
      documents: [{ name: 'Tờ khai.pdf', sha256: 'ab'.repeat(32) }],
      state: 'in_progress',
      portalStatus: 4,
    },
  },
  {
    type: 'SupplementRequested',
    actor: 'Trần Văn Tư Pháp',
    occurredAt: new Date('2026-03-04T08:20:00.000Z'),
    payload: {
      number: 2,
      stepKey: 'tham-dinh',
      unit: 'tu-phap',
      reason: 'Thiếu bản sao CCCD',
      items: [{ name: 'Bản sao CCCD', originals: 0, copies: 1, note: 'có chứng thực' }],
      citizenDueAt: '2026-03-19T10:00:00.000Z',
      flagged: true,
      state: 'waiting_supplement',
      portalStatus: 5,
      'hồ sơ': 1,
      'họ tên': 'Trần Thị Ánh',
      'Đơn vị': 'Tư pháp',
      'ý kiến': [],
      '': 'rỗng',
      Z: 'hoa',
      a: 'thường',
      '€': 'euro',
      '\ufb33': 'dalet',
    },
  },
];

/** The hashes the pre-RFC 8785 code (the compiled event-chain.js of ce64fe7) gave EVENTS. */
const LEGACY_HASHES = [
  'b73ca045096e4acba24e580337c06b89ab219d2be7d09c448c2c7c3f1ee71ec6',
  'f54c9bb216cdfbf26b94487c03198f5da9a43bd7c4e3cd1ac10a7bd8cb1d3fcd',
  'f3e75e502785d2439c796710fd430f7f14765a839e5403eb393082c051727bc3',
  'c0117ddf4941985a347b2d844e2dc834b362b9c8a1156b567c271ebc3523c065',
];

/** A result statement as SignResultHandler builds it, and the text the old signing code signed. */
const STATEMENT = {
  v: 1,
  type: 'motcua.result-signature',
  dossierCode: 'H26.01.01-260302-0001',
  communeCode: '26001',
  procedureCode: '1.001193',
  procedureName: 'Đăng ký khai sinh',
  document: { name: 'Giấy khai sinh – bản chính.pdf', sha256: 'c0ffee'.repeat(10) + 'abcd' },
  signer: 'Lê Văn Lãnh Đạo',
  signedAt: '2026-03-05T02:00:00.000Z',
  keyId: '9f86d081884c7d659a2feaa0c55ad015',
  algorithm: 'ed25519',
};
const LEGACY_SIGNED_TEXT =
  '{"algorithm":"ed25519","communeCode":"26001","document":{"name":"Giấy khai sinh – bản chính.pdf","sha256":"c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeeabcd"},' +
  '"dossierCode":"H26.01.01-260302-0001","keyId":"9f86d081884c7d659a2feaa0c55ad015","procedureCode":"1.001193","procedureName":"Đăng ký khai sinh",' +
  '"signedAt":"2026-03-05T02:00:00.000Z","signer":"Lê Văn Lãnh Đạo","type":"motcua.result-signature","v":1}';

/** Any JSON value, strings drawn from all of Unicode (well-formed) so keys sort beyond ASCII. */
const jsonValue = fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 4 });

describe('canonicalJson: what is already stored still verifies', () => {
  it('gives the stored hashes of a realistic chain byte for byte', () => {
    let prev = GENESIS_HASH;
    EVENTS.forEach((e, i) => {
      const hash = computeEventHash(prev, { dossierId: DOSSIER_ID, seq: i + 1, ...e });
      expect(hash).toBe(LEGACY_HASHES[i]);
      prev = hash;
    });
  });

  it('gives the same hashes from the rows as stored (jsonb read back)', () => {
    let prev = GENESIS_HASH;
    EVENTS.forEach((e, i) => {
      const stored = JSON.parse(JSON.stringify(e.payload)) as unknown;
      const hash = computeEventHash(prev, { dossierId: DOSSIER_ID, seq: i + 1, ...e, payload: stored });
      expect(hash).toBe(LEGACY_HASHES[i]);
      prev = hash;
    });
  });

  it('gives the text the old code signed for a result statement', () => {
    expect(canonicalJson(STATEMENT)).toBe(LEGACY_SIGNED_TEXT);
    expect(legacySignatureJson(STATEMENT)).toBe(LEGACY_SIGNED_TEXT);
  });

  it('equals both old serialisers on realistic payloads', () => {
    for (const e of EVENTS) {
      expect(canonicalJson(e.payload)).toBe(legacyChainJson(e.payload));
      expect(canonicalJson(e.payload)).toBe(legacySignatureJson(e.payload));
    }
  });

  it('equals both old serialisers on any JSON value', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        const text = canonicalJson(v);
        return text === legacyChainJson(v) && text === legacySignatureJson(v);
      }),
      { numRuns: 2000 },
    );
  });

  it('is the same for a value and for that value stored as JSON and read back', () => {
    fc.assert(
      fc.property(jsonValue, (v) => canonicalJson(v) === canonicalJson(JSON.parse(JSON.stringify(v)))),
      { numRuns: 500 },
    );
  });
});

describe('canonicalJson: RFC 8785', () => {
  it('serialises the example of §3.2.2', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts keys by UTF-16 code units, not by code points (§3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // U+1F600 sorts before U+FB33: its first code unit is 0xD83D.
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('sorts Vietnamese keys by code units too: precomposed letters after ASCII, Đ after ý', () => {
    expect(canonicalJson({ 'Đơn vị': 1, 'ý kiến': 2, 'hồ sơ': 3, 'họ tên': 4, Z: 5, a: 6 })).toBe('{"Z":5,"a":6,"họ tên":4,"hồ sơ":3,"ý kiến":2,"Đơn vị":1}');
  });

  it('writes numbers as ECMAScript does (Appendix B)', () => {
    const fromBits = (hex: string): number => {
      const view = new DataView(new ArrayBuffer(8));
      view.setBigUint64(0, BigInt(`0x${hex}`));
      return view.getFloat64(0);
    };
    const cases: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, text] of cases) expect(canonicalJson(fromBits(bits))).toBe(text);
    expect(canonicalJson({ n: fromBits('44b52d02c7e14af6') })).toBe('{"n":1e+23}');
  });

  it('refuses numbers JSON cannot hold', () => {
    for (const n of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => canonicalJson({ a: [n] })).toThrow(CanonicalJsonError);
    }
    expect(() => canonicalJson({ big: 10n })).toThrow(/\$\.big: a bigint/);
  });

  it('refuses lone surrogates (I-JSON), in values and in keys, and keeps pairs', () => {
    expect(() => canonicalJson({ note: 'a\ud800b' })).toThrow(/\$\.note: a lone UTF-16 surrogate/);
    expect(() => canonicalJson({ ['\udc00']: 1 })).toThrow(CanonicalJsonError);
    expect(canonicalJson('\ud83d\ude00')).toBe('"😀"');
  });

  it('leaves undefined out of objects and writes it as null in arrays, as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
    expect(() => canonicalJson(undefined)).toThrow(CanonicalJsonError);
  });
});

describe('canonicalJson: a Date is its ISO 8601 instant', () => {
  const at = new Date('2026-03-02T01:30:00.000Z');

  it('becomes the string toISOString gives, at any depth', () => {
    expect(canonicalJson(at)).toBe('"2026-03-02T01:30:00.000Z"');
    expect(canonicalJson({ dueAt: at, steps: [{ at }] })).toBe('{"dueAt":"2026-03-02T01:30:00.000Z","steps":[{"at":"2026-03-02T01:30:00.000Z"}]}');
  });

  it('hashes and signs as its stored form does, not as {} (the old signatures code did)', () => {
    const withDate = { signedAt: at };
    expect(legacySignatureJson(withDate)).toBe('{"signedAt":{}}');
    expect(canonicalJson(withDate)).toBe(canonicalJson(JSON.parse(JSON.stringify(withDate))));
    expect(canonicalJson(withDate)).toBe(legacyChainJson(withDate));
  });

  it('refuses an invalid Date, which JSON would make null', () => {
    expect(() => canonicalJson({ dueAt: new Date('not a date') })).toThrow(/\$\.dueAt: an invalid Date/);
  });

  it('refuses what JSON would empty or reshape silently', () => {
    expect(() => canonicalJson({ m: new Map([['a', 1]]) })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ s: new Set([1]) })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ b: Buffer.from('x') })).toThrow(/toJSON/);
  });
});

it('the legacy hashes are SHA-256 over prev, a newline and the canonical body', () => {
  const e = EVENTS[0];
  const body = canonicalJson({ dossierId: DOSSIER_ID, seq: 1, type: e.type, payload: e.payload, occurredAt: e.occurredAt.toISOString(), actor: e.actor });
  expect(createHash('sha256').update(GENESIS_HASH).update('\n').update(body).digest('hex')).toBe(LEGACY_HASHES[0]);
});
