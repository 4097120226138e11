/** Every number in a query or a path is range-checked: 400 naming the parameter and its range, never 500. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('numbers in queries and paths', () => {
  it.each([
    ['/api/customers?offset=1e308', 'querystring.offset must be an integer from 0 to 1000000000, got 1e+308'],
    ['/api/customers?limit=1e308', 'querystring.limit must be an integer from 1 to 1000, got 1e+308'],
    ['/api/customers?offset=9007199254740993', 'querystring.offset must be an integer from 0 to 1000000000'],
    ['/api/interactions?offset=1e308', 'querystring.offset must be an integer from 0 to 1000000000, got 1e+308'],
    ['/api/interactions?limit=1e308&offset=-1', 'querystring.limit must be an integer from 1 to 1000'],
    ['/api/interactions/1e308', 'params.id must be an integer from 1 to 9007199254740991'],
    ['/api/interactions/0', 'params.id must be an integer from 1 to 9007199254740991, got 0'],
  ])('GET %s is 400 naming the parameter and its range', async (path, message) => {
    const reply = await h.req('GET', path);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ errCode: 'OPENCTI_BAD_REQUEST', errMessage: expect.stringContaining(message) });
  });

  it('PATCH of an interaction id out of range is 400 too', async () => {
    const reply = await h.req('PATCH', '/api/interactions/1e308', { body: { notes: 'x' } });
    expect(reply.status).toBe(400);
    expect(reply.body.errMessage).toContain('params.id must be an integer from 1 to 9007199254740991');
  });

  it('the largest offset allowed is answered (an empty page)', async () => {
    expect((await h.req('GET', '/api/customers?offset=1000000000')).body).toEqual([]);
    expect((await h.req('GET', '/api/interactions?offset=1000000000&limit=1000')).body).toEqual([]);
  });
});

describe('paths that are not valid URL components', () => {
  it.each(['/api/calls/%', '/api/customers/%C0%AF', '/api/agents/%E0%A4%A'])(
    'GET %s is 400 OPENCTI_BAD_REQUEST in the API error shape, naming the path',
    async (path) => {
      const reply = await h.req('GET', path);
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({ errCode: 'OPENCTI_BAD_REQUEST', errMessage: `the path ${path} is not valid: a %-escape does not decode to UTF-8 text` });
    },
  );
});
