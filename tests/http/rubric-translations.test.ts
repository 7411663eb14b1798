// A lead translates a rubric through the API: the translations become the rubric's next version (same keys, same
// texts), bad translations are refused with the path of each problem and change nothing, and exports keep keys
// and the rubric's own labels whatever translations the rubric carries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../fixtures/server';
import { EXPORT_FORMATS } from '../../src/lib/shared/exports';
import type { Rubric } from '../../src/lib/shared/rubric';

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

describe('exports of a translated rubric', () => {
	/** Every export format of the project, as a lead downloads it (raw text). */
	async function exportAll(headers: Record<string, string>) {
		const out: Record<string, string> = {};
		for (const format of EXPORT_FORMATS) {
			const res = await fetch(`${server.url}/api/projects/${pid}/export?format=${format}`, { headers });
			expect(res.status, format).toBe(200);
			out[format] = await res.text();
		}
		return out;
	}

	it('keep keys and values, not translated labels: the same bytes with and without pt-BR translations', async () => {
		const untranslated = await put((await rubrics())[0].id, {});
		expect(untranslated.status).toBe(200);
		const rubric: Rubric = untranslated.body.rubric;
		const without = await exportAll(lead);
		// Every dimension name, option label, flag and span label translated (a marker no export may contain).
		const translations = {
			'pt-BR': {
				dimensions: Object.fromEntries(
					rubric.dimensions.map((d) => [
						d.key,
						{
							label: `PTBR ${d.label}`,
							options: Object.fromEntries((d.options ?? []).map((o) => [String(o.value), { label: `PTBR ${o.label}` }]))
						}
					])
				),
				flags: Object.fromEntries(rubric.flags.map((f) => [f.key, `PTBR ${f.label}`])),
				spanLabels: Object.fromEntries(rubric.spanLabels.map((s) => [s.key, `PTBR ${s.label}`]))
			}
		};
		expect((await put(rubric.id, translations)).status).toBe(200);
		const withPt = await exportAll({ ...lead, 'accept-language': 'pt-BR' });
		for (const format of EXPORT_FORMATS) {
			expect(withPt[format], format).toBe(without[format]);
			expect(withPt[format], format).not.toContain('PTBR');
		}
		// Not vacuous: the exports do carry the rubric's keys.
		expect(without.jsonl).toContain('"correctness"');
	});
});
