import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSim, type TestSim, USER_A, WA, waTemplate } from './test-kit.ts';

let t: TestSim;
beforeAll(async () => {
  t = await startTestSim();
});
afterAll(() => t.sim.stop());
beforeEach(() => t.sim.reset('all'));

const TEMPLATES = `/${WA.wabaId}/message_templates`;
const components = [{ type: 'BODY', text: 'Hi {{1}}', example: { body_text: [['Ana']] } }];

describe('message templates', () => {
  it('pages through every template by following paging.next to the end', async () => {
    for (let i = 0; i < 7; i++) t.sim.templates.add(WA.wabaId, { name: `tpl_${i}`, language: 'en_US' });
    const names: string[] = [];
    let url: string | undefined = `${t.sim.graphUrl}${TEMPLATES}?limit=3`;
    let pages = 0;
    while (url) {
      const res = await t.get('', { base: url });
      expect(res.status).toBe(200);
      names.push(...res.json.data.map((d: { name: string }) => d.name));
      expect(res.json.paging.cursors).toEqual({ before: expect.any(String), after: expect.any(String) });
      url = res.json.paging.next;
      if (url) expect(url.startsWith(`${t.sim.url}/v21.0${TEMPLATES}?`)).toBe(true);
      pages++;
    }
    expect(pages).toBe(3);
    expect(names).toEqual(['tpl_0', 'tpl_1', 'tpl_2', 'tpl_3', 'tpl_4', 'tpl_5', 'tpl_6']);
  });

  it('lists templates with the Graph field set (id as a string)', async () => {
    const tpl = t.sim.templates.add(WA.wabaId, {
      name: 'order_update',
      language: 'pt_BR',
      category: 'UTILITY',
      components,
    });
    const res = await t.get(TEMPLATES);
    expect(res.json).toEqual({
      data: [
        {
          name: 'order_update',
          parameter_format: 'POSITIONAL',
          components,
          language: 'pt_BR',
          status: 'APPROVED',
          category: 'UTILITY',
          id: tpl.id,
        },
      ],
      paging: { cursors: { before: expect.any(String), after: expect.any(String) } },
    });
    expect(typeof res.json.data[0].id).toBe('string');
  });

  it('creates a template as PENDING and refuses a duplicate name+language with 100/2388024', async () => {
    const body = { name: 'welcome_back', language: 'en_US', category: 'MARKETING', components };
    const created = await t.post(TEMPLATES, body);
    expect(created.status).toBe(200);
    expect(created.json).toEqual({
      id: expect.stringMatching(/^\d+$/),
      status: 'PENDING',
      category: 'MARKETING',
    });

    const duplicate = await t.post(TEMPLATES, body);
    expect(duplicate.status).toBe(400);
    expect(duplicate.json.error).toMatchObject({
      code: 100,
      error_subcode: 2388024,
      error_user_title: 'Content in this language already exists',
    });
    expect((await t.post(TEMPLATES, { ...body, language: 'es' })).status).toBe(200);
  });

  it.each([
    [
      'an upper-case name',
      { name: 'Welcome', language: 'en_US', category: 'UTILITY', components },
      'Invalid template name',
    ],
    [
      'a name with a dash',
      { name: 'welcome-back', language: 'en_US', category: 'UTILITY', components },
      'Invalid template name',
    ],
  ])('refuses %s with code 100', async (_name, body, title) => {
    const res = await t.post(TEMPLATES, body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 100, error_user_title: title });
  });

  it('refuses a missing category or components with "parameter is required"', async () => {
    const noCategory = await t.post(TEMPLATES, { name: 'x_y', language: 'en_US', components });
    expect(noCategory.json.error.message).toBe('(#100) The parameter category is required.');
    const noComponents = await t.post(TEMPLATES, { name: 'x_y', language: 'en_US', category: 'UTILITY' });
    expect(noComponents.json.error.message).toBe('(#100) The parameter components is required.');
  });

  it('answers 100/33 for a WABA the token does not manage', async () => {
    const res = await t.get('/424242/message_templates');
    expect(res.json.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('with template enforcement, a send of an unknown or unapproved template gets 132001', async () => {
    t.sim.configure({ enforceTemplates: true });
    t.sim.templates.add(WA.wabaId, { name: 'order_update', language: 'en_US', status: 'APPROVED' });
    t.sim.templates.add(WA.wabaId, { name: 'promo', language: 'en_US', status: 'PENDING' });
    const send = `/${WA.phoneNumberId}/messages`;
    expect((await t.post(send, waTemplate(USER_A, 'order_update', 'en_US'))).status).toBe(200);
    const missing = await t.post(send, waTemplate(USER_A, 'order_update', 'es'));
    expect(missing.json.error).toMatchObject({
      code: 132001,
      message: '(#132001) Template name does not exist in the translation',
      error_data: { details: 'template name (order_update) does not exist in es' },
    });
    expect((await t.post(send, waTemplate(USER_A, 'promo', 'en_US'))).json.error.code).toBe(132001);
  });
});
