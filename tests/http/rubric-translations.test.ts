// A lead translates a rubric through the API: the translations become the rubric's next version (same keys, same
// texts), bad translations are refused with the path of each problem and change nothing, and exports keep keys
// and the rubric's own labels whatever translations the rubric carries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../fixtures/server';

let server: TestServer;
let pid: string;
let lead: Record<string, string>;
let ana: Record<string, string>;

beforeAll(async () => {
	server = await startTestServer();
	[lead, ana] = await Promise.all(['lead', 'ana'].map((u) => server.login(`${u}@demo.test`)));
	pid = (await server.api('/api/projects', { headers: lead })).body.projects[0].id;
});
afterAll(() => server.close());

const rubrics = async () => (await server.api(`/api/projects/${pid}/rubrics`, { headers: ana })).body.rubrics;
const put = (rid: string, translations: unknown, headers = lead) =>
	server.api(`/api/projects/${pid}/rubrics/${rid}/translations`, { method: 'PUT', body: { translations }, headers });

describe('rubric translations through the API', () => {
	it('refuses unknown locales and keys with the path of each problem, and adds no version', async () => {
		const [before] = await rubrics();
		const res = await put(before.id, {
			fr: { flags: { pii: 'Données personnelles' } },
			'pt-BR': { dimensions: { nonsense: { label: 'Bobagem' } }, spanLabels: { nope: 'Não' } }
		});
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('validation_failed');
		expect(res.body.error.details).toEqual([
			{ path: 'translations.fr', message: 'unknown locale "fr" (known: en, pt-BR)' },
			{ path: 'translations.pt-BR.dimensions.nonsense', message: 'the rubric has no dimension "nonsense"' },
			{ path: 'translations.pt-BR.spanLabels.nope', message: 'the rubric has no span label "nope"' }
		]);
		const shape = await put(before.id, { 'pt-BR': { dimensions: { correctness: { title: 'Correção' } } } });
		expect(shape.status).toBe(400);
		expect((await rubrics())[0].version).toBe(before.version);
	});

	it('lets only leads translate', async () => {
		const [r] = await rubrics();
		expect((await put(r.id, {}, ana)).status).toBe(403);
	});

	it('stores translations as the next version with the same keys and texts; an older version is refused', async () => {
		const [before] = await rubrics();
		const translations = {
			'pt-BR': {
				dimensions: { correctness: { label: 'Correção', options: { '1': { label: 'Errado' } } } },
				flags: { [before.flags[0].key]: 'Sinal traduzido' }
			}
		};
		const res = await put(before.id, translations);
		expect(res.status).toBe(200);
		expect(res.body.rubric).toMatchObject({ version: before.version + 1, name: before.name, translations });
		const [after] = await rubrics();
		expect(after.id).toBe(res.body.rubric.id);
		const { id: _a, version: _b, createdAt: _c, translations: _t, ...sameBefore } = before;
		const { id: _d, version: _e, createdAt: _f, translations: _u, ...sameAfter } = after;
		expect(sameAfter).toEqual(sameBefore);

		const stale = await put(before.id, {});
		expect(stale.status).toBe(409);
	});
});
