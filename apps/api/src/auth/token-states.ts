import { Inject, Injectable } from '@nestjs/common';
import { Env } from '@motcua/config';
import { type TokenState, UnitOfWork } from '@motcua/persistence';

/** Accounts kept at most; the oldest entry goes first beyond it. */
const MAX_ENTRIES = 10_000;

/**
 * The state each access token is checked against: is its user still active, and does the
 * token carry the user's current token version? Kept per user for AUTH_CACHE_MS, so a
 * deactivated account or a change of its roles stops its tokens within that time on every API
 * replica, at the cost of one indexed read per user and period.
 */
@Injectable()
export class TokenStates {
  private readonly entries = new Map<string, { until: number; state: Promise<TokenState | null> }>();

  constructor(
    private readonly uow: UnitOfWork,
    @Inject(Env) private readonly env: Env,
  ) {}

  get(userId: string): Promise<TokenState | null> {
    const now = Date.now();
    const hit = this.entries.get(userId);
    if (hit && hit.until > now) return hit.state;
    const state = this.uow.acrossCommunes.tokenState(userId);
    if (this.env.AUTH_CACHE_MS > 0) {
      this.entries.delete(userId);
      this.entries.set(userId, { until: now + this.env.AUTH_CACHE_MS, state });
      state.catch(() => this.entries.delete(userId));
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    }
    return state;
  }

  /** Forgets a user at once (this replica), e.g. after their own logout or an administrator's change. */
  forget(userId: string): void {
    this.entries.delete(userId);
  }
}
