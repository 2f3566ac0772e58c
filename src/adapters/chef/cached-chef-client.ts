import type { ChefClient, Host, NodeDeletion } from '../../domain/ports.ts';
import { type SharedAnswerOptions, SharedAnswers } from '../shared-answers.ts';

export type ChefCacheOptions = SharedAnswerOptions;

/** Chef searches for the API's dry runs, shared and briefly reused (see SharedAnswers). */
export class CachedChefClient implements ChefClient {
  private readonly answers: SharedAnswers<Host[]>;

  constructor(
    private readonly inner: ChefClient,
    options: ChefCacheOptions = {},
  ) {
    this.answers = new SharedAnswers(options);
  }

  searchNodes(query: string): Promise<Host[]> {
    return this.answers.get(query, () => this.inner.searchNodes(query));
  }

  /** Never cached: a write goes straight through. */
  deleteNode(name: string): Promise<NodeDeletion> {
    return this.inner.deleteNode(name);
  }
}
