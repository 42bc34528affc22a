import { Injectable } from '@nestjs/common';
import { FaultSwitch } from './fault-plan';

/** Công dân trong Cơ sở dữ liệu quốc gia về dân cư: one registered citizen. */
export interface Citizen {
  /** The 12-digit personal identification number (số định danh cá nhân). */
  idNumber: string;
  fullName: string;
  /** YYYY-MM-DD. */
  birthDate?: string;
}

/** The answer to one identity check. */
export type VerifyAnswer = { match: true } | { match: false; reason: 'not_found' | 'name_mismatch' };

/** One verification call as the stub answered it, kept so tests and the benchmark can count calls. */
export interface PopulationCheck {
  reference: string;
  idNumber: string;
  fullName: string;
  answer: VerifyAnswer;
  /** True when the reference had been checked before (the first answer was replayed). */
  repeat: boolean;
  checkedAt: string;
}

/** Registered at start and after every reset, so the demo and a fresh test have someone to find. */
export const DEMO_CITIZENS: readonly Citizen[] = [
  { idNumber: '001090012345', fullName: 'Nguyễn Văn An', birthDate: '1990-05-12' },
  { idNumber: '001190054321', fullName: 'Phạm Thị Dung', birthDate: '1990-11-03' },
  { idNumber: '001095011111', fullName: 'Hoàng Văn Em', birthDate: '1995-02-20' },
];

export const ID_NUMBER = /^\d{12}$/;

/** Names are compared as a person would read them: NFC-normalised, case-insensitive, spacing ignored. */
export function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');
  return norm(a) === norm(b);
}

/** The stand-in population database's own state: citizens, checks answered per reference, fault plan. */
@Injectable()
export class PopulationState {
  readonly citizens = new Map<string, Citizen>();
  readonly checks: PopulationCheck[] = [];
  readonly faults = new FaultSwitch();
  private readonly answered = new Map<string, PopulationCheck>();

  constructor() {
    this.reset();
  }

  /** Adds or replaces the citizen with this idNumber. */
  register(citizen: Citizen): Citizen {
    const c: Citizen = { ...citizen, fullName: citizen.fullName.normalize('NFC').trim() };
    this.citizens.set(c.idNumber, c);
    return c;
  }

  /** The check first answered for `reference`, if any (idempotency by reference). */
  previous(reference: string): PopulationCheck | undefined {
    return this.answered.get(reference);
  }

  /** Answers and records one check; a repeated reference replays the first answer. */
  verify(reference: string, idNumber: string, fullName: string): VerifyAnswer {
    const first = this.answered.get(reference);
    const answer = first?.answer ?? this.lookUp(idNumber, fullName);
    const check: PopulationCheck = { reference, idNumber, fullName, answer, repeat: first !== undefined, checkedAt: new Date().toISOString() };
    this.checks.push(check);
    if (!first) this.answered.set(reference, check);
    return answer;
  }

  reset(): void {
    this.citizens.clear();
    this.checks.length = 0;
    this.answered.clear();
    this.faults.reset();
    for (const c of DEMO_CITIZENS) this.register(c);
  }

  private lookUp(idNumber: string, fullName: string): VerifyAnswer {
    const citizen = this.citizens.get(idNumber);
    if (!citizen) return { match: false, reason: 'not_found' };
    return sameName(citizen.fullName, fullName) ? { match: true } : { match: false, reason: 'name_mismatch' };
  }
}
