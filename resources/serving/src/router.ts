/**
 * A tiny router: routes are templates like "/v2/models/{name}/infer" (a parameter matches one path segment, no
 * "/" or ":"), matched in order. A path that matches with another method gives the allowed methods (405 + Allow).
 */
export type Params = Record<string, string>;

interface Route<H> {
  method: string;
  template: string;
  pattern: RegExp;
  keys: string[];
  handler: H;
}

export type Match<H> =
  | { kind: 'found'; template: string; params: Params; handler: H }
  | { kind: 'method'; template: string; allow: string[] }
  | { kind: 'none' };

const RECENT_MAX = 256;

export class Router<H> {
  private readonly routes: Array<Route<H>> = [];

  add(method: string, template: string, handler: H): this {
    const keys: string[] = [];
    const source = template.split(/(\{\w+\})/).map((piece) => {
      const param = /^\{(\w+)\}$/.exec(piece);
      if (param) {
        keys.push(param[1]);
        return '([^/:]+)';
      }
      return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }).join('');
    this.routes.push({ method, template, pattern: new RegExp(`^${source}$`), keys, handler });
    this.recent.clear();
    return this;
  }

  /**
   * Recent answers by method and path: a busy server sees the same few paths over and over, and trying every
   * route's pattern per request showed in profiles. Bounded (cleared when full), as paths come from clients.
   * The cached params objects are shared: handlers read them, never write them.
   */
  private readonly recent = new Map<string, Match<H>>();

  match(method: string, path: string): Match<H> {
    const key = `${method} ${path}`;
    let found = this.recent.get(key);
    if (found === undefined) {
      found = this.search(method, path);
      if (this.recent.size >= RECENT_MAX) this.recent.clear();
      this.recent.set(key, found);
    }
    return found;
  }

  private search(method: string, path: string): Match<H> {
    const allow = new Set<string>();
    let template = '';
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params: Params = {};
      let ok = true;
      route.keys.forEach((key, i) => {
        try {
          params[key] = decodeURIComponent(m[i + 1]);
        } catch {
          ok = false;
        }
      });
      if (!ok) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { kind: 'found', template: route.template, params, handler: route.handler };
      allow.add(route.method);
      if (route.method === 'GET') allow.add('HEAD');
      template ||= route.template;
    }
    if (allow.size) return { kind: 'method', template, allow: [...allow] };
    return { kind: 'none' };
  }

  get templates(): Array<{ method: string; template: string }> {
    return this.routes.map((r) => ({ method: r.method, template: r.template }));
  }
}
