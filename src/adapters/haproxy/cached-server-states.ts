import type { Host, LbServerState, LoadBalancer } from '../../domain/ports.ts';
import { type SharedAnswerOptions, SharedAnswers } from '../shared-answers.ts';

/** A backend's servers on one LB box for the API's dry runs, shared and briefly reused (see SharedAnswers). */
export class CachedServerStates implements Pick<LoadBalancer, 'serverStates'> {
  private readonly answers: SharedAnswers<LbServerState[]>;

  constructor(
    private readonly inner: Pick<LoadBalancer, 'serverStates'>,
    options: SharedAnswerOptions = {},
  ) {
    this.answers = new SharedAnswers(options);
  }

  serverStates(lb: Host, backend: string): Promise<LbServerState[]> {
    return this.answers.get(`${lb.name}@${lb.address}/${backend}`, () => this.inner.serverStates(lb, backend));
  }
}
