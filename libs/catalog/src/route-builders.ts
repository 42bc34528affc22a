import type {
  AutomaticStepKind,
  ProcedureComponent,
  RouteDefinition,
  RouteStage,
  RouteStep,
  UnitKind,
} from '@motcua/domain';

/**
 * Small builders that keep the catalog data readable. They only shape plain objects; every
 * rule is checked by `validateRoute` / `validateCatalog`, never here.
 */

/** Date from which the shipped rule set applies (Decree 118/2025, two-tier local government). */
export const EFFECTIVE_2025_07_01 = '2025-07-01';

/** A route step; `extra` marks an automatic step or the inter-agency option it serves. */
export function step(
  key: string,
  unit: UnitKind,
  name: string,
  share: number,
  extra: { readonly automatic?: AutomaticStepKind; readonly option?: string } = {},
): RouteStep {
  return { key, unit, name, share, ...extra };
}

/** A stage; several steps run in parallel and the next stage waits for all of them. */
export function stage(key: string, ...steps: RouteStep[]): RouteStage {
  return { key, steps };
}

/** A plain chain: one stage per step, the stage named after its step. */
export function chain(...steps: RouteStep[]): RouteDefinition {
  return { version: 1, stages: steps.map((s) => stage(s.key, s)) };
}

/** The Chairman or a Vice-Chairman approves and digitally signs the result. */
export function leaderSigns(share: number, name = 'Lãnh đạo UBND xã xem xét, ký số kết quả'): RouteStep {
  return step('ky-duyet', 'lanh-dao', name, share);
}

/**
 * Fee confirmation: the finance unit's consumer completes the step by itself once the payment
 * platform confirms the fee, so no officer touches an unpaid dossier.
 */
export function feeConfirmed(share: number): RouteStep {
  return step('xac-nhan-phi', 'ke-toan', 'Xác nhận phí, lệ phí đã nộp qua Nền tảng thanh toán', share, {
    automatic: 'fee-payment',
  });
}

/** A dossier component with its number of originals (bản chính) and copies (bản sao). */
export function doc(name: string, originals: number, copies = 0): ProcedureComponent {
  return { name, originals, copies };
}
