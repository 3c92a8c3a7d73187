import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appsecretProof } from './appsecret-proof.ts';
import { GraphError } from './errors.ts';
import { clientFor, type FakeGraph, startFakeGraph } from './test-kit.ts';

const TOKEN = 'EAAGm0PX4ZCpsBAKZC7sExampleSystemUserToken0001';
const SECRET = 'app-secret-0123456789';

const template = (id: string) => ({
  id,
  name: `t_${id}`,
  language: 'en_US',
  status: 'APPROVED',
  category: 'UTILITY',
  parameter_format: 'POSITIONAL',
  components: [{ type: 'BODY', text: 'Hi {{1}}' }],
});

let fake: FakeGraph;
beforeEach(async () => {
  fake = await startFakeGraph();
});
afterEach(async () => {
  await fake.close();
});

/** Pages of 2 templates; `next` carries access_token the way Graph writes it. */
function paged(total: number, next: (after: number) => string | undefined) {
  fake.handle((req) => {
    const after = Number(req.query.get('after') ?? '0');
    const ids = [after + 1, after + 2].filter((n) => n <= total).map(String);
    const link = after + 2 < total ? next(after + 2) : undefined;
    return {
      json: {
        data: ids.map(template),
        paging: { cursors: { before: 'b', after: String(after + 2) }, ...(link ? { next: link } : {}) },
      },
    };
  });
}

describe('listTemplates', () => {
  it('follows paging.next to the end with the token in the header, never in the URL', async () => {
    paged(
      5,
      (after) =>
        `${fake.origin}/v21.0/102290129340398/message_templates?access_token=${TOKEN}&limit=2&after=${after}`,
    );
    const client = clientFor(fake, fake, { appSecret: SECRET });
    const templates = await client.listTemplates({ wabaId: '102290129340398', token: TOKEN, limit: 2 });
    await client.close();

    expect(templates.map((t) => t.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(templates[0]).toStrictEqual({
      id: '1',
      name: 't_1',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      parameterFormat: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'Hi {{1}}' }],
    });
    expect(fake.requests).toHaveLength(3);
    for (const req of fake.requests) {
      expect(req.path).toBe('/v21.0/102290129340398/message_templates');
      expect(req.url).not.toContain(TOKEN);
      expect(req.query.has('access_token')).toBe(false);
      expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(req.query.get('appsecret_proof')).toBe(appsecretProof(TOKEN, SECRET));
    }
    expect(fake.requests.map((r) => r.query.get('after'))).toEqual([null, '2', '4']);
    expect(fake.requests[0]?.query.get('fields')).toContain('components');
  });

  it('stops on a next link that repeats an earlier page', async () => {
    fake.handle(() => ({
      json: {
        data: [template('1')],
        paging: { next: `${fake.origin}/v21.0/1/message_templates?access_token=${TOKEN}&after=SAME` },
      },
    }));
    const client = clientFor(fake);
    const err = await client.listTemplates({ wabaId: '1', token: TOKEN }).catch((e: unknown) => e);
    await client.close();
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ errorCode: 'GRAPH_PAGING_LOOP', retryable: false });
    expect(fake.requests).toHaveLength(2);
  });

  it('gives up after maxPages', async () => {
    paged(100, (after) => `${fake.origin}/v21.0/1/message_templates?after=${after}`);
    const client = clientFor(fake);
    const err = await client
      .listTemplates({ wabaId: '1', token: TOKEN, maxPages: 3 })
      .catch((e: unknown) => e);
    await client.close();
    expect(err).toMatchObject({ errorCode: 'GRAPH_PAGING_LIMIT', retryable: false });
    expect(fake.requests).toHaveLength(3);
  });

  it('never follows a next link to another origin (the token would go with it)', async () => {
    const elsewhere = await startFakeGraph();
    fake.handle(() => ({
      json: { data: [template('1')], paging: { next: `${elsewhere.origin}/v21.0/1/message_templates` } },
    }));
    const client = clientFor(fake);
    const err = await client.listTemplates({ wabaId: '1', token: TOKEN }).catch((e: unknown) => e);
    await client.close();
    await elsewhere.close();
    expect(err).toMatchObject({ errorCode: 'GRAPH_PAGING_FOREIGN_ORIGIN' });
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe('createTemplate', () => {
  it('posts the definition in Meta snake_case and returns id, status and category', async () => {
    fake.handle(() => ({ json: { id: '806312974732599', status: 'PENDING', category: 'UTILITY' } }));
    const client = clientFor(fake);
    const created = await client.createTemplate({
      wabaId: '102290129340398',
      token: TOKEN,
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      parameterFormat: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'Hi {{1}}', example: { body_text: [['Sheena']] } }],
    });
    await client.close();
    expect(created).toStrictEqual({ id: '806312974732599', status: 'PENDING', category: 'UTILITY' });
    expect(fake.requests[0]?.method).toBe('POST');
    expect(JSON.parse(fake.requests[0]?.body ?? '')).toStrictEqual({
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      parameter_format: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'Hi {{1}}', example: { body_text: [['Sheena']] } }],
    });
  });
});
