import { generateKeyPairSync } from 'node:crypto';
import type { SigningKeyRow } from '@motcua/persistence';
import { SigningPassphrase, signStatement, verifyStatement } from './signing';

function keyRow(passphrase: string): SigningKeyRow {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase },
  });
  return { id: 'k1', algorithm: 'ed25519', publicKey, privateKey } as SigningKeyRow;
}

describe('signing', () => {
  it('decrypts a private key once per process and signs with it every time', () => {
    const passphrase = new SigningPassphrase('mot cau mat khau du dai cho bai kiem tra nay');
    const key = keyRow(passphrase.value);
    const first = passphrase.privateKey(key.privateKey);
    expect(passphrase.privateKey(key.privateKey)).toBe(first);
    for (const n of [1, 2, 3]) {
      const { payload, signature } = signStatement(key, passphrase, { dossier: 'H26.01.01-260302-0001', n });
      expect(verifyStatement(key.publicKey, payload, signature)).toBe(true);
    }
  });

  it('refuses a wrong passphrase, and caches nothing for it', () => {
    const key = keyRow('mot cau mat khau du dai cho bai kiem tra nay');
    const wrong = new SigningPassphrase('mot cau mat khau khac hoan toan, cung du dai');
    expect(() => wrong.privateKey(key.privateKey)).toThrow();
    expect(() => wrong.privateKey(key.privateKey)).toThrow();
  });
});
