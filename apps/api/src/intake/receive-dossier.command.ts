import type { ActingUser } from '@motcua/workflow';
import type { ReceiveDossierDto } from './receive-dossier.dto';
import { ReceiptSlip } from './receipt-slip';

/** Tiếp nhận hồ sơ: one dossier received at the desk, by post, or online. */
export class ReceiveDossierCommand {
  constructor(
    readonly input: ReceiveDossierDto,
    /** The receiving officer (or the portal's service account for online dossiers). */
    readonly actor: ActingUser,
  ) {}
}

/** What intake answers: the dossier's identity and the content of its receipt slip. */
export interface ReceiveDossierResult {
  readonly id: string;
  readonly code: string;
  readonly state: string;
  readonly receipt: ReceiptSlip;
}
