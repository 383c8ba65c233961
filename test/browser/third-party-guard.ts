/**
 * Records every request a page (and its workers) makes and blocks any that goes to an origin
 * other than the page's own, so nothing leaves the machine and the test can say what tried to.
 * Every browser test uses it through the `test` fixture in ./test.ts.
 */
import type { BrowserContext, Request } from '@playwright/test';

export interface ThirdPartyRequest {
  url: string;
  method: string;
  resourceType: string;
}

export class ThirdPartyGuard {
  readonly offenders: ThirdPartyRequest[] = [];
  readonly seen: string[] = [];

  private constructor(readonly allowedOrigin: string) {}

  /** Routes the whole context (pages, workers, service workers) through the guard. */
  static async attach(context: BrowserContext, allowedOrigin: string): Promise<ThirdPartyGuard> {
    const guard = new ThirdPartyGuard(new URL(allowedOrigin).origin);
    await context.route('**/*', async (route) => {
      const request = route.request();
      if (guard.allows(request.url())) {
        guard.seen.push(request.url());
        await route.continue();
      } else {
        guard.record(request);
        await route.abort('blockedbyclient');
      }
    });
    return guard;
  }

  /** Same origin, or a URL that never touches the network (data:, blob:). */
  allows(url: string): boolean {
    if (url.startsWith('data:') || url.startsWith('blob:')) return true;
    return new URL(url).origin === this.allowedOrigin;
  }

  private record(request: Request): void {
    this.offenders.push({
      url: request.url(),
      method: request.method(),
      resourceType: request.resourceType(),
    });
  }

  /**
   * Returns and forgets what was blocked so far. Only for specs that provoke a third-party request
   * on purpose (to prove the guard or a leak); they must assert on what this returns.
   */
  takeOffenders(): ThirdPartyRequest[] {
    return this.offenders.splice(0, this.offenders.length);
  }

  /** Throws, listing each request, if the page tried to reach any other origin. */
  assertNoThirdPartyRequests(): void {
    if (this.offenders.length === 0) return;
    const list = this.offenders.map((r) => `  ${r.method} ${r.url} (${r.resourceType})`).join('\n');
    throw new Error(
      `The page made ${this.offenders.length} request(s) to another origin than ${this.allowedOrigin}:\n${list}`,
    );
  }
}
