import fc from 'fast-check';
import { REDACTED, scrubbedError, scrubPersonalData } from './personal-data';

const phone = fc.stringMatching(/^0[35789]\d{8}$/);
const idNumber = fc.stringMatching(/^0\d{11}$/);
/** Text around a number: anything but digits, letters and the joiners that make it part of a word. */
const around = fc.string({ maxLength: 30 }).map((s) => s.replace(/[\p{L}\p{N}_-]/gu, ' '));

describe('scrubPersonalData', () => {
  it('removes any phone or ID number, wherever it sits in a line', () => {
    fc.assert(
      fc.property(around, fc.oneof(phone, idNumber, phone.map((p) => `+84${p.slice(1)}`)), around, (before, n, after) => {
        const out = scrubPersonalData(`${before}${n}${after}`);
        expect(out).not.toContain(n.replace('+', ''));
        expect(out).toContain(REDACTED);
      }),
    );
  });

  it('keeps what is not a personal number: UUIDs, dossier codes, job ids, millisecond times', () => {
    const line = '{"time":1764577200000,"dossier":"00000000-0000-4000-8000-001090012345","code":"H26.01.01-260302-0001","job":"ob-123456789-lk3"}';
    expect(scrubPersonalData(line)).toBe(line);
  });

  it('scrubs an error whose message cannot be set (fetch\'s TimeoutError) into a plain one that still says what happened', () => {
    const timeout = new DOMException('The operation was aborted due to timeout for 0912345678', 'TimeoutError');
    const e = scrubbedError(timeout);
    expect(e.message).toBe(`TimeoutError: The operation was aborted due to timeout for ${REDACTED}`);
    expect(e.cause).toBeUndefined();
  });

  it('scrubs an error in place, keeping its class', () => {
    class Unrecoverable extends Error {}
    const e = scrubbedError(new Unrecoverable('population: citizen 001090012345 not found'));
    expect(e).toBeInstanceOf(Unrecoverable);
    expect(e.message).toBe(`population: citizen ${REDACTED} not found`);
    expect(e.stack).not.toContain('001090012345');
  });
});
