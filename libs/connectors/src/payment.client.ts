import { type ConnectorOptions, checkOptions, isTimestamp, postJson } from './http';

/** Yêu cầu xác nhận thanh toán phí, lệ phí: asks the payment platform to confirm a dossier's fee. */
export interface PaymentConfirmRequest {
  /** Idempotency key, the hand-off id: a repeat returns the same transaction. */
  reference: string;
  dossierCode: string;
  /** In đồng; a non-negative integer (the platform answers 400 `invalid_amount` otherwise). */
  amount: number;
}

/** The payment platform's confirmation of one fee payment. */
export interface PaymentConfirmation {
  status: 'paid';
  transactionId: string;
  /** ISO 8601 instant. */
  paidAt: string;
}

/** Client of the payment platform (Nền tảng thanh toán): `POST {baseUrl}/payment/confirm`. */
export class PaymentClient {
  private readonly options: ConnectorOptions;

  constructor(options: ConnectorOptions) {
    this.options = checkOptions('payment', options);
  }

  /** Confirms the fee; throws `ConnectorError` on any non-2xx, timeout or malformed answer. */
  confirm(request: PaymentConfirmRequest): Promise<PaymentConfirmation> {
    const { reference, dossierCode, amount } = request;
    return postJson('payment', this.options, '/payment/confirm', { reference, dossierCode, amount }, (a) =>
      a.status === 'paid' && typeof a.transactionId === 'string' && a.transactionId !== '' && isTimestamp(a.paidAt)
        ? { status: 'paid', transactionId: a.transactionId, paidAt: a.paidAt }
        : undefined,
    );
  }
}
