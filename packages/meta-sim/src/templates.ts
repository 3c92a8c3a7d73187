import type { IdFactory } from './ids.ts';
import { invalidParam, requiredParam, templateExists, templateInvalid } from './meta-errors.ts';

export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'IN_APPEAL';
export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

/** Field order as Meta lists them (fixtures/graph-responses.json `whatsapp_templates_list`). */
export interface Template {
  name: string;
  parameter_format: 'POSITIONAL' | 'NAMED';
  components: unknown[];
  language: string;
  status: TemplateStatus;
  category: TemplateCategory;
  /** A string in Graph responses (a number in template webhooks). */
  id: string;
}

export interface TemplateInput {
  name: string;
  language: string;
  category?: TemplateCategory;
  status?: TemplateStatus;
  components?: unknown[];
  parameterFormat?: 'POSITIONAL' | 'NAMED';
  id?: string;
}

export interface TemplatePage {
  data: Template[];
  paging?: { cursors: { before: string; after: string }; next?: string; previous?: string };
}

export interface Templates {
  /** Seeds a template (any status) without Meta's validation. */
  add(wabaId: string, input: TemplateInput): Template;
  /** `POST /{waba-id}/message_templates` semantics: validated, created PENDING. */
  create(wabaId: string, body: unknown): Template;
  setStatus(wabaId: string, name: string, language: string, status: TemplateStatus): Template;
  find(wabaId: string, name: string, language: string): Template | undefined;
  list(wabaId: string): Template[];
  /** One page; `nextUrl(after)` builds the absolute `paging.next`, present while more remain. */
  page(
    wabaId: string,
    query: { limit?: number; after?: string; before?: string; name?: string; status?: string },
    nextUrl: (after: string) => string,
    previousUrl: (before: string) => string,
  ): TemplatePage;
  /** When on, template sends must name an APPROVED template in that language (else 132001). */
  enforceOnSend: boolean;
  clear(): void;
}

const CATEGORIES = new Set(['MARKETING', 'UTILITY', 'AUTHENTICATION']);
const NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE = /^[a-z]{2,3}(_[A-Za-z]{2,4})?$/;

const cursorOf = (id: string): string => Buffer.from(`tpl:${id}`).toString('base64url');

export function createTemplates(ids: IdFactory): Templates {
  const byWaba = new Map<string, Template[]>();

  function listOf(wabaId: string): Template[] {
    let list = byWaba.get(wabaId);
    if (!list) {
      list = [];
      byWaba.set(wabaId, list);
    }
    return list;
  }

  function find(wabaId: string, name: string, language: string): Template | undefined {
    return byWaba.get(wabaId)?.find((t) => t.name === name && t.language === language);
  }

  function add(wabaId: string, input: TemplateInput): Template {
    const template: Template = {
      name: input.name,
      parameter_format: input.parameterFormat ?? 'POSITIONAL',
      components: input.components ?? [{ type: 'BODY', text: `Template ${input.name}` }],
      language: input.language,
      status: input.status ?? 'APPROVED',
      category: input.category ?? 'UTILITY',
      id: input.id ?? ids.numeric(),
    };
    const list = listOf(wabaId);
    const existing = list.findIndex((t) => t.name === template.name && t.language === template.language);
    if (existing >= 0) list[existing] = template;
    else list.push(template);
    return template;
  }

  function indexOfCursor(list: Template[], cursor: string): number {
    const index = list.findIndex((t) => cursorOf(t.id) === cursor);
    if (index < 0) throw invalidParam('Invalid pagination cursor');
    return index;
  }

  const templates: Templates = {
    enforceOnSend: false,
    add,
    create(wabaId, raw) {
      const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const { name, language, category } = body;
      if (name === undefined) throw requiredParam('name');
      if (typeof name !== 'string' || !NAME.test(name)) {
        throw templateInvalid(
          'Invalid template name',
          'Template names can only contain lowercase letters, numbers and underscores.',
        );
      }
      if (language === undefined) throw requiredParam('language');
      if (typeof language !== 'string' || !LANGUAGE.test(language)) {
        throw templateInvalid('Invalid language', `The language "${String(language)}" is not supported.`);
      }
      if (category === undefined) throw requiredParam('category');
      if (typeof category !== 'string' || !CATEGORIES.has(category)) {
        throw invalidParam(
          `Param category must be one of {AUTHENTICATION, MARKETING, UTILITY} - got "${String(category)}".`,
        );
      }
      let components = body.components;
      if (typeof components === 'string') {
        try {
          components = JSON.parse(components);
        } catch {
          // Left as a string: rejected just below.
        }
      }
      if (!Array.isArray(components) || components.length === 0) throw requiredParam('components');
      if (find(wabaId, name, language)) throw templateExists(language);
      return add(wabaId, {
        name,
        language,
        category: category as TemplateCategory,
        components,
        status: 'PENDING',
        parameterFormat: body.parameter_format === 'NAMED' ? 'NAMED' : 'POSITIONAL',
      });
    },
    setStatus(wabaId, name, language, status) {
      const template = find(wabaId, name, language);
      if (!template) throw new Error(`no template ${name}/${language} on WABA ${wabaId}`);
      template.status = status;
      return template;
    },
    find,
    list: (wabaId) => [...(byWaba.get(wabaId) ?? [])],
    page(wabaId, query, nextUrl, previousUrl) {
      const all = (byWaba.get(wabaId) ?? []).filter(
        (t) =>
          (query.name === undefined || t.name.includes(query.name)) &&
          (query.status === undefined || query.status.split(',').includes(t.status)),
      );
      // Graph's default page size is 25; larger requests are capped (here at 1000).
      const limit = Math.min(Math.max(query.limit ?? 25, 1), 1000);
      let start = 0;
      let end: number;
      if (query.after !== undefined) start = indexOfCursor(all, query.after) + 1;
      if (query.before !== undefined) {
        end = indexOfCursor(all, query.before);
        start = Math.max(0, end - limit);
      } else {
        end = Math.min(all.length, start + limit);
      }
      const data = all.slice(start, end);
      const first = data[0];
      const last = data[data.length - 1];
      if (!first || !last) return { data };
      const page: TemplatePage = {
        data,
        paging: { cursors: { before: cursorOf(first.id), after: cursorOf(last.id) } },
      };
      // Standard Graph cursor paging: `next` only while more remain, `previous` when some precede.
      if (page.paging && end < all.length) page.paging.next = nextUrl(page.paging.cursors.after);
      if (page.paging && start > 0) page.paging.previous = previousUrl(page.paging.cursors.before);
      return page;
    },
    clear() {
      byWaba.clear();
    },
  };
  return templates;
}
