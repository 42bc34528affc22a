import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { canonicalJson } from '@motcua/domain';
import type { AcrossCommunes, ResultSignatureRow, SigningKeyRow, TransactionScope } from '@motcua/persistence';

/** The algorithm of the communes' signing keys (node:crypto, RFC 8032). */
export const SIGNING_ALGORITHM = 'ed25519';

/** The passphrase that encrypts private keys at rest; provided by the module from the environment. */
export class SigningPassphrase {
  /** Private keys decrypted so far, by their encrypted PEM (a commune has one active key; rotations are rare). */
  private readonly decrypted = new Map<string, KeyObject>();

  constructor(readonly value: string) {}

  /** The private key of an encrypted PKCS#8 PEM, decrypted once per process (about 1 ms of CPU each time). */
  privateKey(encryptedPem: string): KeyObject {
    let key = this.decrypted.get(encryptedPem);
    if (!key) {
      key = createPrivateKey({ key: encryptedPem, format: 'pem', passphrase: this.value });
      this.decrypted.set(encryptedPem, key);
    }
    return key;
  }
}

/** A key's id: the first 32 hex digits of the SHA-256 of its public key (SPKI DER). */
export function keyIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 32);
}

/**
 * The commune's active signing key, created on first use: an Ed25519 pair whose private key is
 * stored as encrypted PKCS#8 (AES-256-CBC under the passphrase). Two first signatures at once
 * end with one key (the partial unique index keeps one active key per commune).
 */
export async function activeSigningKey(tx: Pick<TransactionScope, 'signing'>, passphrase: SigningPassphrase): Promise<SigningKeyRow> {
  const existing = await tx.signing.activeKey();
  if (existing) return existing;
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: passphrase.value },
  });
  return tx.signing.insertKey({ id: keyIdOf(publicKey), algorithm: SIGNING_ALGORITHM, publicKey, privateKey });
}

/**
 * Signs the canonical JSON (RFC 8785) of `statement`; returns the exact signed text and the base64
 * signature. A check verifies that stored text as it is, never a re-serialisation.
 */
export function signStatement(key: SigningKeyRow, passphrase: SigningPassphrase, statement: Record<string, unknown>): { payload: string; signature: string } {
  const payload = canonicalJson(statement);
  return { payload, signature: sign(null, Buffer.from(payload, 'utf8'), passphrase.privateKey(key.privateKey)).toString('base64') };
}

/** Checks a signature with a public key alone, as anyone can offline. */
export function verifyStatement(publicKeyPem: string, payload: string, signatureBase64: string): boolean {
  try {
    return verify(null, Buffer.from(payload, 'utf8'), createPublicKey(publicKeyPem), Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

/** Mã xác thực: 128 random bits as 32 hex digits; only someone holding the printed result knows it. */
export function newVerificationToken(): string {
  return randomBytes(16).toString('hex');
}

/** The shape of a verification token (anything else is not looked up at all). */
export const VERIFICATION_TOKEN = /^[0-9a-f]{32}$/;

/** The public page that checks a signature by its token (the target of the result's QR code). */
export function verificationPath(token: string): string {
  return `/api/public/signatures/${token}`;
}

/** A stored signature checked as anyone would check it, with its commune's published key; the key's algorithm too. */
export async function checkStoredSignature(keys: Pick<AcrossCommunes, 'publicSigningKey'>, s: ResultSignatureRow): Promise<{ valid: boolean; algorithm: string | null }> {
  const key = await keys.publicSigningKey(s.keyId);
  return { valid: key ? verifyStatement(key.publicKey, s.payload, s.signature) : false, algorithm: key?.algorithm ?? null };
}
