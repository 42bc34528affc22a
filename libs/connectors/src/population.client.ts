import { type ConnectorOptions, checkOptions, postJson } from './http';

/** Yêu cầu xác thực thông tin công dân: asks the population database whether an ID number belongs to that name. */
export interface PopulationVerifyRequest {
  /** Idempotency key, the hand-off id: a repeat replays the first answer. */
  reference: string;
  /** The 12-digit personal identification number (số định danh cá nhân). */
  idNumber: string;
  fullName: string;
}

/** Why the population database found no match. */
export type PopulationMismatch = 'not_found' | 'name_mismatch';

/** The population database's answer: a match, or the reason there is none. */
export type PopulationVerification = { match: true } | { match: false; reason: PopulationMismatch };

/** Client of the national population database (Cơ sở dữ liệu quốc gia về dân cư): `POST {baseUrl}/population/verify`. */
export class PopulationClient {
  private readonly options: ConnectorOptions;

  constructor(options: ConnectorOptions) {
    this.options = checkOptions('population', options);
  }

  /**
   * Checks the identity. `{ match: false }` is an answer, not an error: the dossier needs a
   * person's look. Throws `ConnectorError` on any non-2xx, timeout or malformed answer.
   */
  verify(request: PopulationVerifyRequest): Promise<PopulationVerification> {
    const { reference, idNumber, fullName } = request;
    return postJson('population', this.options, '/population/verify', { reference, idNumber, fullName }, (a) => {
      if (a.match === true) return { match: true };
      if (a.match === false && (a.reason === 'not_found' || a.reason === 'name_mismatch')) return { match: false, reason: a.reason };
      return undefined;
    });
  }
}
