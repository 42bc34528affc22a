import { type ConnectorOptions, checkOptions, isTimestamp, postJson } from './http';

/** Yêu cầu cấp thẻ bảo hiểm y tế: asks social insurance to issue a child's health-insurance card. */
export interface BhxhCardRequest {
  /** Idempotency key, the hand-off id: a repeat returns the same card. */
  reference: string;
  dossierCode: string;
  fullName: string;
}

/** A health-insurance card as BHXH issued it. */
export interface BhxhCardIssued {
  /** 'TE1' + 12 digits. */
  cardNumber: string;
  /** ISO 8601 instant. */
  issuedAt: string;
}

const CARD_NUMBER = /^TE1\d{12}$/;

/** Client of Vietnam Social Security (Bảo hiểm xã hội Việt Nam, BHXH): `POST {baseUrl}/bhxh/cards`. */
export class BhxhClient {
  private readonly options: ConnectorOptions;

  constructor(options: ConnectorOptions) {
    this.options = checkOptions('bhxh', options);
  }

  /** Issues the card; throws `ConnectorError` on any non-2xx, timeout or malformed answer. */
  issueCard(request: BhxhCardRequest): Promise<BhxhCardIssued> {
    const { reference, dossierCode, fullName } = request;
    return postJson('bhxh', this.options, '/bhxh/cards', { reference, dossierCode, fullName }, (a) =>
      typeof a.cardNumber === 'string' && CARD_NUMBER.test(a.cardNumber) && isTimestamp(a.issuedAt)
        ? { cardNumber: a.cardNumber, issuedAt: a.issuedAt }
        : undefined,
    );
  }
}
