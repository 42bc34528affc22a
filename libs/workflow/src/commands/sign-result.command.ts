import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { transition } from '@motcua/domain';
import type { ActingUser } from '../access';
import { DossierCommandPipeline, targetOf } from '../dossier-command-pipeline';
import { StepNotPendingError } from '../errors';
import { DossierEvents, type HandoffRequest } from '../events';
import { activeSigningKey, newVerificationToken, SigningPassphrase, signStatement, verificationPath } from '../signing';
import { attachDocuments, type CompleteStepResult, completeStepIn, type DocumentMeta, openStepFor, SIGNING_UNIT } from './complete-step.command';

/**
 * Phê duyệt, ký số kết quả: the leader approves the result and signs it with the commune's key;
 * the signing step completes and the result goes back to the desk. Anyone can check the
 * signature with the published public key.
 */
export class SignResultCommand {
  constructor(
    readonly dossierId: string,
    readonly actor: ActingUser,
    /** The result document (its SHA-256 is what the signature covers). */
    readonly document: DocumentMeta,
    readonly notes?: string,
    readonly handoff?: HandoffRequest,
  ) {}
}

export interface SignResultResult extends CompleteStepResult {
  readonly signatureId: string;
  readonly keyId: string;
  readonly payload: string;
  readonly signature: string;
  /** Mã xác thực: print it on the result (as a QR code); the public page answers only to it. */
  readonly verificationToken: string;
  /** Where anyone checks the signature with the token, relative to the API's root. */
  readonly verificationUrl: string;
}

@CommandHandler(SignResultCommand)
export class SignResultHandler implements ICommandHandler<SignResultCommand, SignResultResult> {
  constructor(
    private readonly pipeline: DossierCommandPipeline,
    private readonly passphrase: SigningPassphrase,
  ) {}

  execute(c: SignResultCommand): Promise<SignResultResult> {
    return this.pipeline.run(targetOf(c), ['workflow', 'casework', 'dossiers', 'signing'], async (ctx) => {
      const { tx, now } = ctx;
      transition(ctx.dossier.state, 'completeStep');
      const items = await tx.workflow.workItemsOf(c.dossierId);
      const open = items.find((w) => w.unitKind === SIGNING_UNIT && (w.status === 'pending' || w.status === 'taken'));
      if (!open) throw new StepNotPendingError(`${SIGNING_UNIT}`);
      const { item } = await openStepFor(ctx, open.stepKey, c.actor);

      const key = await activeSigningKey(tx, this.passphrase);
      const sha256 = c.document.sha256.toLowerCase();
      const statement = {
        v: 1,
        type: 'motcua.result-signature',
        dossierCode: ctx.dossier.code,
        communeCode: tx.communeCode,
        procedureCode: ctx.procedure.code,
        procedureName: ctx.procedure.name,
        document: { name: c.document.name, sha256 },
        signer: c.actor.name,
        signedAt: now.toISOString(),
        keyId: key.id,
        algorithm: key.algorithm,
      };
      const { payload, signature } = signStatement(key, this.passphrase, statement);
      const verificationToken = newVerificationToken();
      const signatureId = await tx.signing.insertSignature({
        dossierId: c.dossierId,
        dossierCode: ctx.dossier.code,
        keyId: key.id,
        payload,
        signature,
        documentSha256: sha256,
        signedBy: c.actor.name,
        signedAt: now,
        verificationToken,
      });
      await attachDocuments(ctx, null, 'result', [c.document]);
      ctx.journal.record(DossierEvents.ResultSigned, { stepKey: item.stepKey, signatureId, keyId: key.id, documentSha256: sha256 }, c.actor.name, now);
      const routed = await completeStepIn(ctx, item, items, { actor: c.actor, notes: c.notes, handoff: c.handoff });
      return { ...routed, signatureId, keyId: key.id, payload, signature, verificationToken, verificationUrl: verificationPath(verificationToken) };
    });
  }
}
