// Every UI message exists in both languages, with the same placeholders.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '../../src/lib/i18n/messages');

describe('i18n messages', () => {
	for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
		it(`${file} has every key in English and Brazilian Portuguese with matching placeholders`, async () => {
			const mod = (await import(join(dir, file))).default as Record<string, Record<string, string>>;
			const en = mod.en;
			const pt = mod['pt-BR'];
			expect(Object.keys(pt).sort()).toEqual(Object.keys(en).sort());
			const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
			for (const key of Object.keys(en)) expect(holes(pt[key]), key).toEqual(holes(en[key]));
		});
	}
});
