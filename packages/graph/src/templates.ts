import { z } from 'zod';
import { PathIdSchema, TokenSchema, validate } from './input-primitives.ts';
import { collectPages } from './paging.ts';
import { asObject, type JsonObject, optionalString, requiredString } from './responses.ts';
import type { Transport } from './transport.ts';
import { LanguageCodeSchema, TemplateNameSchema } from './whatsapp-message.ts';

/** WhatsApp message templates: `GET`/`POST /{waba-id}/message_templates` (Business Management API). */

export const ListTemplatesInputSchema = z.strictObject({
  wabaId: PathIdSchema,
  token: TokenSchema,
  /** Page size asked of Meta. */
  limit: z.int().min(1).max(1000).optional(),
  /** Stop with an error rather than follow more pages than this (default 100). */
  maxPages: z.int().min(1).max(10_000).optional(),
});
export type ListTemplatesInput = z.input<typeof ListTemplatesInputSchema>;

export interface Template {
  /** A string here, although template webhooks send it as a number. */
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  parameterFormat?: string;
  /** Meta's component definitions, verbatim. */
  components: JsonObject[];
}

const TEMPLATE_FIELDS = 'id,name,language,status,category,parameter_format,components';

function toTemplate(raw: JsonObject, endpoint: string): Template {
  const template: Template = {
    id: requiredString(raw, 'id', endpoint),
    name: requiredString(raw, 'name', endpoint),
    language: requiredString(raw, 'language', endpoint),
    status: requiredString(raw, 'status', endpoint),
    category: requiredString(raw, 'category', endpoint),
    components: Array.isArray(raw.components) ? (raw.components as JsonObject[]) : [],
  };
  const format = optionalString(raw, 'parameter_format');
  if (format !== undefined) template.parameterFormat = format;
  return template;
}

export const CreateTemplateInputSchema = z.strictObject({
  wabaId: PathIdSchema,
  token: TokenSchema,
  name: TemplateNameSchema,
  language: LanguageCodeSchema,
  category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']),
  /** Meta's component definitions (HEADER, BODY, FOOTER, BUTTONS with text and examples), verbatim. */
  components: z.array(z.looseObject({ type: z.string().min(1) })).min(1),
  parameterFormat: z.enum(['POSITIONAL', 'NAMED']).optional(),
  /** Let Meta re-categorize instead of rejecting (deprecated by Meta in 2025 but still accepted). */
  allowCategoryChange: z.boolean().optional(),
});
export type CreateTemplateInput = z.input<typeof CreateTemplateInputSchema>;

export interface CreatedTemplate {
  id: string;
  status: string;
  category: string;
}

export function createTemplateCalls(transport: Transport) {
  async function listTemplates(input: ListTemplatesInput): Promise<Template[]> {
    const { wabaId, token, limit, maxPages } = validate(ListTemplatesInputSchema, input, 'template listing');
    const path = `/${wabaId}/message_templates`;
    const raw = await collectPages(transport, {
      host: 'graph',
      path,
      token,
      query: { fields: TEMPLATE_FIELDS, limit: limit === undefined ? undefined : String(limit) },
      maxPages,
    });
    return raw.map((t) => toTemplate(t, `GET ${path}`));
  }

  async function createTemplate(input: CreateTemplateInput): Promise<CreatedTemplate> {
    const t = validate(CreateTemplateInputSchema, input, 'template');
    const path = `/${t.wabaId}/message_templates`;
    const json: JsonObject = {
      name: t.name,
      language: t.language,
      category: t.category,
      components: t.components,
    };
    if (t.parameterFormat !== undefined) json.parameter_format = t.parameterFormat;
    if (t.allowCategoryChange !== undefined) json.allow_category_change = t.allowCategoryChange;
    const endpoint = `POST ${path}`;
    const data = asObject(
      await transport.call({ host: 'graph', method: 'POST', path, token: t.token, json }),
      endpoint,
    );
    return {
      id: requiredString(data, 'id', endpoint),
      status: optionalString(data, 'status') ?? 'PENDING',
      category: optionalString(data, 'category') ?? t.category,
    };
  }

  return { listTemplates, createTemplate };
}
