import { DomainValidationError } from '../errors';
import { type UnitKind, isUnitKind } from '../units/unit-kind';

/** Steps a unit's consumer completes by itself, by calling an outside system. */
export const AUTOMATIC_STEP_KINDS = ['fee-payment', 'identity-check', 'bhxh-card'] as const;
export type AutomaticStepKind = (typeof AUTOMATIC_STEP_KINDS)[number];

/** Bước xử lý — one unit's work in a route, with its share of the legal time. */
export interface RouteStep {
  /** Unique within the route; names the step in events, work items and the control sheet. */
  readonly key: string;
  readonly unit: UnitKind;
  /** Vietnamese description of the work, printed on the process-control sheet. */
  readonly name: string;
  /** Fraction of the procedure's legal time allotted to this step, in (0, 1]. */
  readonly share: number;
  /** Set when the step completes without a person, inside the unit's consumer. */
  readonly automatic?: AutomaticStepKind;
  /** The citizen-selectable procedure (of an inter-agency group) this step serves. */
  readonly option?: string;
}

/**
 * Giai đoạn — steps that run in parallel. A stage with several steps forks the dossier to
 * several units; the next stage starts only when every chosen step of this one is done (join).
 */
export interface RouteStage {
  readonly key: string;
  readonly steps: readonly RouteStep[];
}

/** A procedure of an inter-agency group (liên thông) that the citizen may choose. */
export interface RouteOption {
  readonly key: string;
  readonly name: string;
  readonly required: boolean;
}

/**
 * Quy trình nội bộ — a versioned route definition. A dossier pins the version it was received
 * under; a new version never changes dossiers already received.
 */
export interface RouteDefinition {
  readonly version: number;
  readonly stages: readonly RouteStage[];
  /** Present for inter-agency groups whose citizen chooses a subset (Decree 63/2024). */
  readonly options?: readonly RouteOption[];
  /** Fewest options the citizen may choose (group 2: at least 2 of 4). */
  readonly minOptions?: number;
}

const EPSILON = 1e-9;

function invalid(code: string, message: string, details: Record<string, unknown> = {}): never {
  throw new DomainValidationError(code, message, 'route', details);
}

/** Checks a route definition; throws a {@link DomainValidationError} naming the broken rule. */
export function validateRoute(route: RouteDefinition): void {
  if (!Number.isInteger(route.version) || route.version < 1) {
    invalid('ROUTE_VERSION', 'Phiên bản quy trình phải là số nguyên dương.', { version: route.version });
  }
  if (route.stages.length === 0) invalid('ROUTE_EMPTY', 'Quy trình phải có ít nhất một giai đoạn.');
  const optionKeys = new Set((route.options ?? []).map((o) => o.key));
  if (optionKeys.size !== (route.options ?? []).length) invalid('ROUTE_OPTION_DUPLICATE', 'Trùng mã thủ tục lựa chọn.');
  const stepKeys = new Set<string>();
  const stageKeys = new Set<string>();
  let totalShare = 0;
  for (const stage of route.stages) {
    if (stageKeys.has(stage.key)) invalid('ROUTE_STAGE_DUPLICATE', `Trùng mã giai đoạn "${stage.key}".`);
    stageKeys.add(stage.key);
    if (stage.steps.length === 0) invalid('ROUTE_STAGE_EMPTY', `Giai đoạn "${stage.key}" không có bước nào.`);
    const unitsInStage = new Set<UnitKind>();
    let stageShare = 0;
    for (const step of stage.steps) {
      if (stepKeys.has(step.key)) invalid('ROUTE_STEP_DUPLICATE', `Trùng mã bước "${step.key}".`);
      stepKeys.add(step.key);
      if (!isUnitKind(step.unit)) invalid('ROUTE_UNKNOWN_UNIT', `Đơn vị "${String(step.unit)}" không có trong danh mục.`);
      // A fork sends one hand-off per unit: two parallel steps of one unit would be one inbox item.
      if (unitsInStage.has(step.unit)) {
        invalid('ROUTE_FORK_SAME_UNIT', `Giai đoạn "${stage.key}" giao hai bước song song cho cùng đơn vị "${step.unit}".`);
      }
      unitsInStage.add(step.unit);
      if (!(step.share > 0 && step.share <= 1)) {
        invalid('ROUTE_STEP_SHARE', `Bước "${step.key}" phải có tỷ lệ thời gian trong (0, 1].`, { share: step.share });
      }
      if (step.option !== undefined && !optionKeys.has(step.option)) {
        invalid('ROUTE_UNKNOWN_OPTION', `Bước "${step.key}" thuộc thủ tục lựa chọn "${step.option}" không được khai báo.`);
      }
      stageShare = Math.max(stageShare, step.share);
    }
    totalShare += stageShare;
  }
  if (totalShare > 1 + EPSILON) {
    invalid('ROUTE_SHARES_EXCEED', 'Tổng thời gian các giai đoạn vượt thời hạn giải quyết.', { totalShare });
  }
  if (route.options && route.options.length > 0) {
    for (const option of route.options) {
      const served = route.stages.some((s) => s.steps.some((st) => st.option === option.key));
      if (!served) invalid('ROUTE_OPTION_UNSERVED', `Thủ tục lựa chọn "${option.key}" không có bước nào.`);
    }
    const min = route.minOptions ?? 1;
    if (min < 1 || min > route.options.length) invalid('ROUTE_MIN_OPTIONS', 'Số thủ tục tối thiểu không hợp lệ.');
  }
}

/**
 * The citizen's choice of procedures in an inter-agency group, checked against the route.
 * Returns the normalised list (every option when the route has none to choose).
 */
export function resolveOptions(route: RouteDefinition, chosen: readonly string[] | undefined): string[] {
  const options = route.options ?? [];
  if (options.length === 0) {
    if (chosen && chosen.length > 0) {
      throw new DomainValidationError('OPTIONS_NOT_ALLOWED', 'Thủ tục này không có thủ tục liên thông để lựa chọn.', 'options');
    }
    return [];
  }
  const picked = chosen && chosen.length > 0 ? [...new Set(chosen)] : options.map((o) => o.key);
  for (const key of picked) {
    if (!options.some((o) => o.key === key)) {
      throw new DomainValidationError('OPTION_UNKNOWN', `Thủ tục liên thông "${key}" không thuộc nhóm này.`, 'options', { option: key });
    }
  }
  for (const o of options) {
    if (o.required && !picked.includes(o.key)) {
      throw new DomainValidationError('OPTION_REQUIRED', `Phải chọn thủ tục "${o.name}".`, 'options', { option: o.key });
    }
  }
  const min = route.minOptions ?? 1;
  if (picked.length < min) {
    throw new DomainValidationError('OPTIONS_TOO_FEW', `Phải chọn ít nhất ${min} thủ tục trong nhóm liên thông.`, 'options', { min });
  }
  return options.map((o) => o.key).filter((k) => picked.includes(k));
}

/** The stages a dossier actually goes through, given the options the citizen chose. */
export function planStages(route: RouteDefinition, options: readonly string[]): RouteStage[] {
  return route.stages
    .map((stage) => ({
      key: stage.key,
      steps: stage.steps.filter((s) => s.option === undefined || options.includes(s.option)),
    }))
    .filter((stage) => stage.steps.length > 0);
}

/** What happens after a set of steps is complete. */
export type RouteProgress =
  | { readonly kind: 'handoff'; readonly stage: RouteStage }
  | { readonly kind: 'wait'; readonly pending: readonly RouteStep[] }
  | { readonly kind: 'done' };

/**
 * Route progression: given the steps completed so far, either the next stage to hand off to
 * (all its steps, in parallel), the steps of the current stage still running (join), or done.
 */
export function nextProgress(
  route: RouteDefinition,
  options: readonly string[],
  completedStepKeys: ReadonlySet<string> | readonly string[],
): RouteProgress {
  const done = completedStepKeys instanceof Set ? completedStepKeys : new Set(completedStepKeys as readonly string[]);
  for (const stage of planStages(route, options)) {
    const pending = stage.steps.filter((s) => !done.has(s.key));
    if (pending.length === 0) continue;
    if (pending.length === stage.steps.length) return { kind: 'handoff', stage };
    return { kind: 'wait', pending };
  }
  return { kind: 'done' };
}
