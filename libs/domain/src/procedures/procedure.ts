import { type LegalTime } from '../calendar/legal-time';
import { type RouteDefinition } from '../routes/route';
import { type UnitKind } from '../units/unit-kind';

/** Mức độ dịch vụ công trực tuyến (Decree 42/2022 Art. 11): full-process or partial. */
export type OnlineLevel = 'toan-trinh' | 'mot-phan';

/** Thành phần hồ sơ — one document the citizen hands in, with how many originals and copies. */
export interface ProcedureComponent {
  readonly name: string;
  readonly originals: number;
  readonly copies: number;
}

/** Lệ phí / phí — the fee in VND; 0 when exempt, with the note printed on the slip. */
export interface ProcedureFee {
  readonly amount: number;
  readonly note?: string;
}

/** Lĩnh vực — the field a procedure belongs to, as reported in the periodic reports. */
export interface ProcedureField {
  readonly code: string;
  readonly name: string;
}

/**
 * Thủ tục hành chính — one version of a commune-level procedure as published, with the route
 * the commune approved for it (quy trình nội bộ). A dossier pins the version it was received under.
 */
export interface ProcedureDefinition {
  /** Stable local code, e.g. `dang-ky-khai-sinh`. */
  readonly code: string;
  readonly version: number;
  /** Date (YYYY-MM-DD, Vietnam time) from which this version applies. */
  readonly effectiveFrom: string;
  readonly name: string;
  /** National TTHC code (e.g. `1.001193`) where known. */
  readonly nationalCode?: string;
  readonly field: ProcedureField;
  /** Unit that leads the procedure and answers for it. */
  readonly leadUnit: UnitKind;
  readonly legalTime: LegalTime;
  readonly fee: ProcedureFee;
  /** Online service level; absent when the procedure is not offered online. */
  readonly onlineLevel?: OnlineLevel;
  readonly components: readonly ProcedureComponent[];
  /** Working days the citizen has to supply a requested supplement before rejection. */
  readonly citizenSupplementDays?: number;
  /** Legal basis, printed on forms. */
  readonly legalBasis: string;
  /** Inter-agency group of Decree 63/2024 (1 = birth, 2 = death), when the procedure is one. */
  readonly interAgencyGroup?: 1 | 2;
  readonly route: RouteDefinition;
}
